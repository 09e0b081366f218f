"""Static files as production serves them: collected with a manifest, compressed, kept a year."""

import io
import re

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    # The portal's own files only: compressing the API documentation's bundles takes a minute.
    others = ["admin", "rest_framework", "drf_spectacular_sidecar", "import_export"]
    call_command(
        "collectstatic", "--noinput", *(f"--ignore={app}" for app in others), stdout=io.StringIO()
    )
    return settings.STATIC_ROOT


def test_pages_link_hashed_files_that_browsers_may_keep_for_a_year(collected):
    page = Client().get(reverse("ecosystems:home")).content.decode()
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page links the stylesheet by its hashed name"

    response = Client().get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="br, gzip")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


def test_a_client_without_compression_gets_the_plain_file(collected):
    page = Client().get(reverse("ecosystems:home")).content.decode()
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page).group(1)

    response = Client().get(stylesheet)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"skip-link" in b"".join(response.streaming_content)


def test_an_unknown_static_file_is_a_404(collected):
    assert Client().get("/static/css/no-such-file.css").status_code == 404


def test_a_static_file_says_nosniff_whatever_the_order_of_the_middleware(settings):
    # WhiteNoise first, before the security middleware that sets the header on everything else.
    others = [name for name in settings.MIDDLEWARE if "WhiteNoise" not in name]
    settings.MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware", *others]

    response = Client().get("/static/css/portal.css")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_development_server_sends_static_files_with_their_headers(settings):
    """runserver leaves static files to WhiteNoise, instead of sending them bare itself."""
    settings.DEBUG = True
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = command.create_parser("manage.py", "runserver").parse_args([])
    handler = command.get_handler(**vars(options))
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    environ = RequestFactory().get("/static/css/portal.css").environ
    body = b"".join(handler(environ, start_response))

    assert started["status"].startswith("200")
    assert b"skip-link" in body
    assert started["headers"]["X-Content-Type-Options"] == "nosniff"
