"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")

application = get_wsgi_application()

# gunicorn loads this module once and forks its workers from it (preload_app): whatever is
# loaded here, each recycled worker starts with.
from pactportal.warm import load_before_fork  # noqa: E402  (needs the settings above)

load_before_fork()
