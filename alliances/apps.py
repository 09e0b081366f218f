from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from partnerships.search_groups import search_group_add


class AlliancesConfig(AppConfig):
    name = "alliances"
    verbose_name = _("Erasmus+ alliances")

    def ready(self):
        # The portal's search lives in the partnerships app, below this one: alliances join it
        # as a group of their own, so "ALBATTS" or "automotive" finds them.
        search_group_add(
            "alliances",
            _("Erasmus+ Blueprint alliances"),
            "alliances:list",
            lambda: self.get_model("Alliance").objects.published().select_related("ecosystem"),
        )
