"""The portal's charts: what each counts, in one query, and how it is drawn as SVG.

A chart's rows are computed from published records only and remembered until content changes:
for each language where they hold their labels, once for all where their labels are lazy.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance
from core.maps import country_name
from core.svg import svg_number
from ecosystems.models import Ecosystem
from partnerships.models import Organisation, OrganisationType

from . import selectors

# Drawing sizes, in SVG user units (the SVG scales to its container).
WIDTH = 640
BAR_ROW = 36
BAR_HEIGHT = 14
COLUMNS_HEIGHT = 260
COLUMNS_AXIS = 28
COLUMNS_TOP = 22
VALUE_ROOM = 70


NO_COUNTRY = _("Country not stated")
# A country's name in the language of the page that draws it, so that rows counted once serve
# every language.
lazy_country_name = lazy(country_name, str)
NO_CALL = _("No call recorded")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int


def partnerships_by_ecosystem(_scope) -> list[tuple[str, str, int]]:
    return [
        (e.slug, e.name, e.large_scale_count + e.regional_count)
        for e in Ecosystem.objects.with_published_counts()
    ]


def launches_by_year(scope) -> list[tuple[str, str, int]]:
    counts = dict(
        scope.filter(launched_on__isnull=False)
        .order_by()
        .values_list(ExtractYear("launched_on"))
        .annotate(n=Count("pk"))
    )
    if not counts:
        return []
    # Every year from the first launch to the last, so gaps show as gaps.
    years = range(min(counts), max(counts) + 1)
    return [(str(year), str(year), counts.get(year, 0)) for year in years]


def members_by_type(scope) -> list[tuple[str, str, int]]:
    rows = (
        Organisation.objects.published()
        .members_of(scope)
        .order_by()
        .values_list("type")
        .annotate(n=Count("pk"))
        .order_by("-n", "type")
    )
    # Labels stay lazy: named when drawn, in the page's language.
    return [(code, OrganisationType(code).label, n) for code, n in rows]


def members_by_country(scope) -> list[tuple[str, str, int]]:
    rows = (
        Organisation.objects.published()
        .members_of(scope)
        .order_by()
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    )
    return [(code or "", lazy_country_name(code) if code else NO_COUNTRY, n) for code, n in rows]


def alliances_by_call(_scope) -> list[tuple[str, str, int]]:
    # Alliances whose call is not recorded here count under the programme strand their
    # sources name.
    rows = (
        Alliance.objects.published()
        .order_by()
        .values_list("call__slug", "call__title", "call__year", "programme_strand")
        .annotate(n=Count("pk"))
        .order_by(F("call__year").desc(nulls_last=True), "-n", "programme_strand")
    )
    # Several years' calls share one title: the year tells them apart.
    return [
        (slug or slugify(strand), f"{title} ({year})" if title else strand or str(NO_CALL), n)
        for slug, title, year, strand, n in rows
    ]


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    key_heading: str
    label_heading: str
    value_heading: str
    compute: Callable
    columns: bool = False  # one column per year, instead of one bar per row
    scoped: bool = False  # can be drawn for one ecosystem's partnerships
    # Whether ``compute`` names its rows in the reader's language (the rows are then counted
    # for each language); otherwise its labels are lazy, named when drawn.
    translated: bool = True

    def rows(self, ecosystem=None) -> list[Row]:
        """The chart's rows, over every published partnership or one ecosystem's."""
        computed = selectors.chart_rows(
            self.slug, self.compute, ecosystem, translated=self.translated
        )
        return [Row(key, str(label), value) for key, label, value in computed]

    def drawing(self, rows: list[Row]) -> dict:
        return columns_drawing(rows) if self.columns else bars_drawing(rows)

    def shown(self, ecosystem=None) -> dict:
        """What the chart template takes: the chart, its rows, their drawing, the ecosystem."""
        rows = self.rows(ecosystem)
        return {"chart": self, "rows": rows, "drawing": self.drawing(rows), "ecosystem": ecosystem}


def bars_drawing(rows: list[Row]) -> dict:
    """Horizontal bars, each with its label above it and its value at its end."""
    highest = max((row.value for row in rows), default=0) or 1
    room = WIDTH - VALUE_ROOM
    bars = []
    for i, row in enumerate(rows):
        top = i * BAR_ROW
        width = room * row.value / highest
        bars.append(
            {
                "row": row,
                "label_y": svg_number(top + 12),
                "y": svg_number(top + 17),
                "width": svg_number(width),
                "height": svg_number(BAR_HEIGHT),
                "value_x": svg_number(width + 6),
                "value_y": svg_number(top + 17 + BAR_HEIGHT - 2),
            }
        )
    return {
        "width": svg_number(WIDTH),
        "height": svg_number(max(len(rows), 1) * BAR_ROW),
        "bars": bars,
    }


def columns_drawing(rows: list[Row]) -> dict:
    """Vertical columns over a labelled axis, each with its value above it."""
    highest = max((row.value for row in rows), default=0) or 1
    plot = COLUMNS_HEIGHT - COLUMNS_AXIS - COLUMNS_TOP
    slot = WIDTH / max(len(rows), 1)
    width = slot * 0.6
    columns = []
    for i, row in enumerate(rows):
        height = plot * row.value / highest
        centre = slot * i + slot / 2
        top = COLUMNS_TOP + plot - height
        columns.append(
            {
                "row": row,
                "x": svg_number(centre - width / 2),
                "y": svg_number(top),
                "width": svg_number(width),
                "height": svg_number(height),
                "centre": svg_number(centre),
                "value_y": svg_number(top - 6),
                "label_y": svg_number(COLUMNS_HEIGHT - 8),
            }
        )
    return {
        "width": svg_number(WIDTH),
        "height": svg_number(COLUMNS_HEIGHT),
        "axis_y": svg_number(COLUMNS_TOP + plot),
        "columns": columns,
    }


def official_series(figures, metric: str) -> dict:
    """The official figures of one ``metric`` with a number, oldest first, as columns: each
    figure as its source states it, on its own date and period. Never added up: "by 2022",
    "in 2022-2023" and "since 2020" count different things."""
    stated = sorted(
        (f for f in figures if f.metric == metric and f.value is not None),
        key=lambda f: (f.stated_on, f.pk),
    )
    # Labelled by the ISO date (as precise as known): short enough for six columns side by
    # side, and the table beside the chart writes each date out in the reader's language.
    rows = [Row(figure.slug, figure.stated.isoformat(), figure.value) for figure in stated]
    return {"figures": stated, "rows": rows, "drawing": columns_drawing(rows)}


CHARTS = {
    chart.slug: chart
    for chart in [
        Chart(
            slug="partnerships-by-ecosystem",
            title=_("Partnerships per ecosystem"),
            description=_(
                "Published large-scale partnerships of each ecosystem plus the regional "
                "partnerships linked to it. A regional partnership linked to several "
                "ecosystems counts in each."
            ),
            key_heading=_("Ecosystem slug"),
            label_heading=_("Ecosystem"),
            value_heading=_("Partnerships"),
            compute=partnerships_by_ecosystem,
        ),
        Chart(
            slug="launches-by-year",
            title=_("Partnerships launched each year"),
            description=_(
                "Published partnerships by the year they were launched. Partnerships whose "
                "launch date is not known are left out."
            ),
            key_heading=_("Year"),
            label_heading=_("Year"),
            value_heading=_("Partnerships launched"),
            compute=launches_by_year,
            translated=False,
            columns=True,
            scoped=True,
        ),
        Chart(
            slug="members-by-type",
            title=_("Member organisations by type"),
            description=_(
                "Published organisations that are members of at least one published "
                "partnership, by type. Each organisation counts once."
            ),
            key_heading=_("Type code"),
            label_heading=_("Type"),
            value_heading=_("Organisations"),
            compute=members_by_type,
            translated=False,
            scoped=True,
        ),
        Chart(
            slug="members-by-country",
            title=_("Member organisations by country"),
            description=_(
                "Published organisations that are members of at least one published "
                "partnership, by the country where they are established."
            ),
            key_heading=_("Country code"),
            label_heading=_("Country"),
            value_heading=_("Organisations"),
            compute=members_by_country,
            translated=False,
            scoped=True,
        ),
        Chart(
            slug="alliances-by-call",
            title=_("Erasmus+ alliances per call"),
            description=_(
                "Published Blueprint alliances by the funding call that selected them, or, where "
                "that call is not recorded, by the programme strand their sources name."
            ),
            key_heading=_("Call or strand (slug)"),
            label_heading=_("Call or programme strand"),
            value_heading=_("Alliances"),
            compute=alliances_by_call,
        ),
    ]
}

# The charts an ecosystem page shows for its own partnerships.
ECOSYSTEM_CHARTS = ["launches-by-year", "members-by-type"]
