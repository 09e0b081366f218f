from django.apps import AppConfig

from . import cache, lookups


class CoreConfig(AppConfig):
    """The portal's shared building blocks: publishing, partial dates, search, the API's and
    the admin's bases, maps and caching. It imports no app of the portal."""

    name = "core"
    verbose_name = "Portal core"

    def ready(self):
        cache.connect_invalidation()
        # A slug, code or language holding NUL matches nothing instead of failing in PostgreSQL.
        lookups.register()
