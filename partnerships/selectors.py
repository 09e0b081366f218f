"""The partnerships app's remembered aggregates: the lists' choices and the search rankings.

Every value here is the same for every reader of a language until content changes.
"""

from django.utils.translation import gettext_lazy as _

from core.cache import RecordIds, digest, remembered
from core.models import closest_words
from ecosystems.models import Ecosystem

from .models import (
    Country,
    Document,
    NutsRegion,
    Organisation,
    Partnership,
    alphabetical,
)
from .search_groups import ADDED

SEARCH_RESULTS_PER_GROUP = 10


def ecosystem_options() -> list[tuple[str, str]]:
    """``(slug, name)`` of the 14 ecosystems, for a filter."""
    return remembered(
        "ecosystem-options", lambda: list(Ecosystem.objects.values_list("slug", "name"))
    )


def covered_countries() -> list[tuple[str, str]]:
    """The countries the partnership list's country filter finds something in: those
    published partnerships cover, and those where a partnership working in places (not
    EU-wide) has a published member."""

    published = Partnership.objects.published()
    return remembered(
        "covered-countries",
        lambda: Country.objects.finding(published).options(),
    )


def country_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every country, named and sorted in the reader's language: the
    consortium checker's and the matcher's choices."""
    return remembered("country-choices", lambda: Country.objects.options())


def organisation_countries() -> list[tuple[str, str]]:
    """The countries of published organisations."""
    return remembered(
        "organisation-countries",
        lambda: Country.objects.filter(
            code__in=Organisation.objects.published().values("country")
        ).options(),
    )


def region_options() -> list[tuple[str, str]]:
    """``(code, name)`` of every NUTS level-2 region, named and sorted in the reader's language
    (the code beside the name, as names repeat across countries: "Centre")."""

    def options():
        named = [(region.code, str(region)) for region in NutsRegion.objects.all()]
        return sorted(named, key=lambda option: alphabetical(option[1]))

    return remembered("region-options", options)


def document_years() -> list[int]:
    """The years published documents were issued in, newest first."""
    return remembered(
        "document-years",
        lambda: [
            date.year
            for date in Document.objects.published()
            .filter(issued_on__isnull=False)
            .dates("issued_on", "year", "DESC")
        ],
        translated=False,
    )


# What the portal's search looks through: each group's key, heading and the list that shows
# all its matches; then the groups apps above this one add (``search_groups``).
SEARCHED = [
    ("ecosystems", _("Ecosystems"), None),
    ("partnerships", _("Partnerships"), "partnerships:list"),
    ("organisations", _("Organisations"), "partnerships:organisation_list"),
    ("documents", _("Documents"), "partnerships:document_list"),
]


def search_groups() -> list[tuple[str, str, str | None]]:
    return SEARCHED + [(key, label, url) for key, (label, url, _records) in ADDED.items()]


def searched(key: str):
    """The records searched for the group ``key``: published ones (ecosystems have no drafts),
    with what each result shows."""
    if key in ADDED:
        return ADDED[key][2]()
    return {
        "ecosystems": Ecosystem.objects.all(),
        "partnerships": Partnership.objects.published(),
        "organisations": Organisation.objects.published().select_related("country"),
        "documents": Document.objects.published(),
    }[key]


def search_results(key: str, text: str) -> tuple[int, RecordIds]:
    """How many records of the group ``key`` match ``text``, and the best of them.

    Ranking runs over every match, like a facet count: the same words give the same ranking
    until content changes. The records shown are loaded only where their remembered fragment
    is missing.
    """
    queryset = searched(key)
    count, ids = remembered(
        f"search.{key}.{digest(text)}",
        lambda: queryset.ranking(text, SEARCH_RESULTS_PER_GROUP),
    )
    return count, RecordIds(queryset.model, ids, queryset.in_bulk)


def did_you_mean(text: str) -> str:
    """The words of a published name closest to ``text``, for a search that found nothing:
    "Thessaly" for "Tesaly"; "" when none comes close.

    Names, acronyms and region names of every searched group, in every language; the groups
    search published records only, so a draft's name is never suggested.
    """
    return remembered(
        f"did-you-mean.{digest(text)}",
        lambda: closest_words([searched(key) for key, _label, _url in search_groups()], text),
        translated=False,
    )
