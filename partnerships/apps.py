from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships and documents")

    def ready(self):
        from pactportal import lookups
        from pactportal.cache import connect_invalidation

        connect_invalidation()
        # A slug, code or language holding NUL matches nothing instead of failing in PostgreSQL.
        lookups.register()
