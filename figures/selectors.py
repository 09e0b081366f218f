"""The overview pages' remembered aggregates: headline figures, counts per ecosystem and per
country, chart rows, the latest documents."""

from core.cache import RecordIds, remembered
from ecosystems.models import Ecosystem
from partnerships.models import Country, Document, Organisation, Partnership

from .models import OfficialFigure

LATEST_DOCUMENTS = 6


def figures_of(name: str, partnerships) -> dict[str, int]:
    """What this portal lists of a set of published partnerships, in three queries: those not
    confirmed counted apart, and countries as the partnerships name them covered."""

    def count():
        return {
            **partnerships.figures(),
            "organisations": Organisation.objects.published().members_of(partnerships).count(),
            "countries": Country.objects.covered_by(partnerships.counted()).count(),
        }

    return remembered(f"figures.{name}", count, translated=False)


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
