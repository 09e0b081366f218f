from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from partnerships.search_groups import search_group_add


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("Maps and figures")

    def ready(self):
        # The regions' pages live here, above the partnerships app and its search: regions
        # join the search as a group of their own, so "Friuli" leads to Friuli's page.
        search_group_add(
            "regions",
            _("Regions"),
            "regions:map",
            lambda: self.apps.get_model("partnerships", "NutsRegion").objects.all(),
        )
