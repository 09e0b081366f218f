from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemsConfig(AppConfig):
    name = "ecosystems"
    verbose_name = _("Industrial ecosystems")
