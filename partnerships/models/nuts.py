"""The NUTS 2024 level-2 regions of Eurostat, and which partnerships cover each.

A partnership's ``regions`` are curated areas (``Region``): a NUTS region at level 1, 2 or 3,
or a town with no code. What a partnership covers at level 2 follows from its areas' codes
alone, by a query, so it is right the moment a curator changes an area or a partnership's
areas: a level-2 code covers itself, a level-3 code its parent (Bari ITF47 → Puglia ITF4), a
level-1 code every level-2 region inside it (ITC → ITC1 … ITC4).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import SearchableQuerySet

from .places import Country

NUTS2_PATTERN = r"^[A-Z]{2}[0-9A-Z]{2}$"


def areas_covering(codes) -> Q:
    """Areas whose code covers any of the level-2 ``codes``: the code itself, one of its
    level-3 children, or its level-1 parent."""
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(nuts_code=code[:3]) | Q(nuts_code__startswith=code)
    return condition


def level2_of(area_code: str, known: list[str]) -> list[str]:
    """The level-2 codes among ``known`` that an area's NUTS code covers."""
    if len(area_code) >= 4:
        return [code for code in known if code == area_code[:4]]
    return [code for code in known if code.startswith(area_code)]


class NutsRegionQuerySet(SearchableQuerySet):
    # Region names are proper nouns in their own language: "Lombardia", "Lombardy".
    search_fields = (("name", "A"), ("name_en", "A"), ("code", "A"))

    def covered_by(self, partnerships: models.QuerySet, known=None) -> dict[str, set[int]]:
        """The ids of ``partnerships`` covering each region, in two queries at any size, or
        one given the ``known`` region codes."""
        through = partnerships.model.regions.through
        pairs = (
            through.objects.filter(partnership__in=partnerships.order_by().values("pk"))
            .exclude(region__nuts_code="")
            .values_list("partnership_id", "region__nuts_code")
        )
        known = list(self.values_list("code", flat=True) if known is None else known)
        covering: dict[str, set[int]] = {}
        for partnership_id, area_code in pairs:
            for code in level2_of(area_code, known):
                covering.setdefault(code, set()).add(partnership_id)
        return covering


class NutsRegion(models.Model):
    """A NUTS 2024 level-2 region of Eurostat/GISCO, keyed by its code.

    The rows are loaded by a migration from ``partnerships/data/nuts2024_level2.csv`` and are
    not curated: the list changes with a new NUTS version, as a new migration.
    """

    code = models.CharField(_("NUTS code"), primary_key=True, max_length=4)
    name = models.CharField(_("name"), max_length=150, help_text=_("In its own language."))
    name_en = models.CharField(
        _("English name"), max_length=150, blank=True, help_text=_("Empty when the same.")
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nuts_regions",
        # Kosovo's region (XK00): XK is no ISO 3166-1 code, so it has no country row.
        help_text=_("Empty for a region of a territory with no ISO 3166-1 code."),
    )

    objects = NutsRegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("NUTS region")
        verbose_name_plural = _("NUTS regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=NUTS2_PATTERN),
                name="%(app_label)s_%(class)s_code_format",
                violation_error_message=_("A NUTS level-2 code is like ITC4 or EL61."),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.code])

    @property
    def label(self) -> str:
        """The name a reader of the page's language knows: English where it differs."""
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name

    @property
    def other_name(self) -> str:
        """The region's other name, where it has one: the national one beside the English."""
        names = {self.name, self.name_en} - {self.label, ""}
        return names.pop() if names else ""
