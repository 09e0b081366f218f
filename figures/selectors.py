"""The overview pages' remembered aggregates: headline figures, counts per ecosystem and per
country, chart rows, the latest documents."""

from django.db.models import Count

from core.cache import RecordIds, first_records, remembered
from core.queries import counts
from ecosystems.models import Ecosystem
from partnerships.models import Country, Document, NutsRegion, Organisation, Partnership

from .models import OfficialFigure

LATEST_DOCUMENTS = 6


def figures_of(name: str, partnerships, documents=None, members=None) -> dict[str, int]:
    """What this portal lists of a set of published partnerships, in one query: those not
    confirmed counted apart, their published member organisations, countries as the
    partnerships name them covered, and the published ``documents`` where given.

    ``members`` is where the caller has a cheaper way to the member organisations: a
    queryset of them, or their number already counted."""
    if members is None:
        members = Organisation.objects.published().members_of(partnerships)
    counted = {} if isinstance(members, int) else {"organisations": members}

    def count():
        found = counts(
            **partnerships.figure_sets(),
            **counted,
            countries=Country.objects.covered_by(partnerships.counted()),
            **({} if documents is None else {"documents": documents}),
        )
        return found if counted else {**found, "organisations": members}

    return remembered(f"figures.{name}", count, translated=False)


def first_of_each(**lists) -> dict[str, RecordIds]:
    """The first records of each list a page shows, given as ``(queryset, limit)``: their ids
    in one query, and the records of one model loaded together where a drawing is missing
    (an ecosystem's large-scale and regional partnerships and its documents)."""
    return first_records(**lists)


def official_headline() -> list[OfficialFigure]:
    """The latest official figure of each headline metric (``OfficialFigure.HEADLINE``)."""
    return remembered(
        "official-headline",
        lambda: OfficialFigure.objects.latest_of_each(OfficialFigure.HEADLINE),
    )


def official_figures() -> list[OfficialFigure]:
    """Every official figure, newest first."""
    return remembered("official-figures", lambda: list(OfficialFigure.objects.all()))


def pledges() -> list[Partnership]:
    """The published partnerships that state a number of people, each with its own basis."""
    return remembered("pledges", lambda: list(Partnership.objects.published().counted().pledging()))


def ecosystems_with_counts() -> list[Ecosystem]:
    """The 14 ecosystems with their published counts."""
    return remembered(
        "ecosystems-with-counts", lambda: list(Ecosystem.objects.with_published_counts())
    )


def partnership_counts(name: str, partnerships) -> dict[str, int]:
    """How many of ``partnerships`` each country has (``Country.partnership_counts()``)."""
    return remembered(
        f"country-counts.{name}",
        lambda: Country.objects.partnership_counts(partnerships),
        translated=False,
    )


def latest_documents() -> RecordIds:
    """The newest published documents, as ids whose records are loaded only where their
    remembered fragment is missing."""
    ids = remembered(
        "latest-documents",
        lambda: list(Document.objects.published().values_list("pk", flat=True)[:LATEST_DOCUMENTS]),
        translated=False,
    )
    return RecordIds(Document, ids)


def chart_rows(slug: str, compute, ecosystem=None, *, translated: bool = True) -> list[tuple]:
    """A chart's rows, over every published partnership or one ecosystem's; per language
    where the rows hold their labels (``translated``), else once for every language."""
    scope = Partnership.objects.published()
    name = f"chart.{slug}"
    if ecosystem is not None:
        scope = scope.in_ecosystem(ecosystem)
        name = f"{name}.{ecosystem.slug}"
    return remembered(name, lambda: compute(scope), translated=translated)


def region_names() -> dict[str, str]:
    """Every NUTS level-2 region's name in the reader's language, by code."""
    return remembered(
        "region-names", lambda: {region.code: region.label for region in NutsRegion.objects.all()}
    )


def region_coverage() -> dict[str, int]:
    """How many published partnerships cover each region (those covering none left out):
    the length of the partnership list filtered by that region."""

    def count():
        covering = NutsRegion.objects.covered_by(
            Partnership.objects.published(), known=region_names()
        )
        return {code: len(ids) for code, ids in covering.items()}

    return remembered("region-coverage", count, translated=False)


def region_presence(ecosystem) -> dict[str, tuple[int, int]]:
    """For each region with either: how many published regional partnerships linked to the
    ecosystem cover it, and how many published organisations established there are members
    of its published large-scale partnerships. A region with neither is a white spot."""

    def count():
        partnerships = Partnership.objects.published().in_ecosystem(ecosystem)
        covering = NutsRegion.objects.covered_by(partnerships.regional(), known=region_names())
        members = (
            Organisation.objects.published()
            .members_of(partnerships.large_scale())
            .exclude(region=None)
            .order_by()
            .values_list("region")
            .annotate(n=Count("pk"))
        )
        found = {code: (len(ids), 0) for code, ids in covering.items()}
        for code, n in members:
            found[code] = (found.get(code, (0, 0))[0], n)
        return found

    return remembered(f"region-presence.{ecosystem.slug}", count, translated=False)


def region_countries() -> list[tuple[str, str]]:
    """``(code, name)`` of the countries with NUTS regions, for the maps' country choice."""
    return remembered(
        "region-countries",
        lambda: Country.objects.filter(nuts_regions__isnull=False).distinct().options(),
    )
