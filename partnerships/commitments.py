"""Where a commitment stands on a given day, and the figures its chart and table show.

Pure: it reads a commitment and its reports as they are handed over (rows or any object with
the same attributes) and the day, never the database or the clock, so pages, the API, the CSV
and the tests share one reading and a test can move the day on.

The rule, as the tracker page states it (``RULE``):

1. no progress report: "no report yet", never a zero;
2. the figure reported reaches the pledge: achieved (a pledge for each year: met in its
   target year);
3. 12 months after the date of the last report: overdue (amber); 24 months: overdue (red);
4. otherwise the latest report against a straight path from 0 at the baseline year to the
   pledge at the target year: on track at or above it, behind below it. Figures for single
   years are added up to a running total only for a pledge in total; a pledge for each year
   is compared with that year's own figure.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.svg import svg_number

TOTAL = "total"
EACH_YEAR = "each-year"
IN_YEAR = "in-year"
CUMULATIVE = "cumulative"
PEOPLE = "people"
AMBER_MONTHS = 12
RED_MONTHS = 24

RULE = _(
    "How the status is worked out: a pledge without a progress report shows “no report yet”, "
    "never a zero. It is achieved when the figure reported reaches the pledge. Twelve months "
    "after the date of its last report it is overdue (amber), and after 24 months overdue "
    "(red). Otherwise the latest figure is compared with a straight path from 0 at the baseline "
    "year to the pledge at the target year: on track at or above the path, behind below it. "
    "Figures for single years are added up only for a pledge in total; a pledge for each year "
    "is compared with that year’s own figure."
)


class Status(models.TextChoices):
    NO_REPORT = "no-report", _("No report yet")
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on-track", _("On track")
    BEHIND = "behind", _("Behind")
    OVERDUE_AMBER = "overdue-amber", _("Overdue (amber)")
    OVERDUE_RED = "overdue-red", _("Overdue (red)")
    NOT_ASSESSED = "not-assessed", _("Cannot be placed on a path")
    REPLACED = "replaced", _("Replaced by a revised pledge")


# The tracker's order when sorted by status: what needs attention first.
STATUS_ORDER = [
    Status.OVERDUE_RED,
    Status.OVERDUE_AMBER,
    Status.BEHIND,
    Status.ON_TRACK,
    Status.ACHIEVED,
    Status.NO_REPORT,
    Status.NOT_ASSESSED,
    Status.REPLACED,
]


@dataclass(frozen=True)
class Standing:
    """A status on a day, with the sentence that says why."""

    status: Status
    reason: str
    as_of: datetime.date

    @property
    def label(self) -> str:
        return str(self.status.label)


@dataclass(frozen=True)
class Point:
    """One year of the chart and table: the path's figure and what was reported."""

    year: int
    expected: Decimal | None  # on the straight path (total) or the yearly pledge
    reported: Decimal | None  # the running total (total) or the year's own figure
    kind: str  # how ``reported`` was counted: a report's kind, or "sum" of single years
    source_url: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved on by ``months``; the 29 February of a year becomes the 28th."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day.replace(year=year, month=month, day=28)


def amount_text(value: Decimal, unit: str) -> str:
    """A figure with its unit, as a sentence shows it in the reader's language."""
    number = intcomma(int(value) if value == value.to_integral_value() else value.normalize())
    if unit == PEOPLE:
        return _("%(number)s people") % {"number": number}
    return _("%(number)s%% of the workforce") % {"number": number}


def day_text(day: datetime.date) -> str:
    """A day as the pages write it: "6 December 2026", in the reader's language."""
    return formats.date_format(day, pgettext("date format", "j F Y"))


def expected_by(commitment, year: int) -> Decimal | None:
    """The straight path's figure for ``year``: 0 at the baseline year, the pledge at the
    target year (a pledge for each year expects its amount every year). None without a path."""
    if commitment.basis == EACH_YEAR:
        return commitment.amount
    start, end = commitment.baseline_year, commitment.target_year
    if start is None or end is None:
        return None
    share = Decimal(min(max(year - start, 0), end - start)) / Decimal(end - start)
    # Whole people; a share of the workforce to two decimals, as it is stored.
    return (commitment.amount * share).quantize(
        Decimal("1") if commitment.unit == PEOPLE else Decimal("0.01")
    )


def reported_series(commitment) -> list[tuple[int, Decimal, str, str]]:
    """``(year, figure, kind, source)`` for each year with a report, on the pledge's basis.

    A pledge in total reads running totals: a cumulative report as it is, single years added
    to the last cumulative figure before them. A pledge for each year reads single years only:
    a running total says nothing of one year.
    """
    reports = sorted(commitment.reports.all(), key=lambda r: (r.year, r.kind != CUMULATIVE))
    series = {}
    if commitment.basis == EACH_YEAR:
        for report in reports:
            if report.kind == IN_YEAR:
                series[report.year] = (report.year, report.value, IN_YEAR, report.source_url)
        return list(series.values())
    running, since = Decimal(0), None
    for report in reports:
        if report.kind == CUMULATIVE:
            running, since = report.value, report.year
            series[report.year] = (report.year, running, CUMULATIVE, report.source_url)
        elif since != report.year:  # a year the cumulative figure already holds is not added
            running += report.value
            series[report.year] = (report.year, running, "sum", report.source_url)
    return list(series.values())


def points(commitment) -> list[Point]:
    """Every year from the baseline (or the first report) to the target (or the last report),
    with the path's figure and the figure reported, for the chart and its table alike; none
    before a first report, when the pledge itself says all there is."""
    if not commitment.reports.all():
        return []
    reported = {
        year: (value, kind, source) for year, value, kind, source in reported_series(commitment)
    }
    years = [y for y in (commitment.baseline_year, commitment.target_year) if y] + list(reported)
    if not years:  # only running totals against a yearly pledge with no years stated
        return []
    return [
        Point(
            year,
            expected_by(commitment, year),
            reported.get(year, (None,))[0],
            reported.get(year, (None, ""))[1],
            reported.get(year, (None, "", ""))[2],
        )
        for year in range(min(years), max(years) + 1)
    ]


def standing(commitment, today: datetime.date) -> Standing:
    """Where ``commitment`` stands on ``today``, and why (the rule above)."""
    reports = list(commitment.reports.all())
    unit = commitment.unit

    def said(status, reason, **values):
        return Standing(status, str(reason) % values if values else str(reason), today)

    if commitment.replaced_on:
        return said(
            Status.REPLACED,
            _("A revised pledge replaced this one on %(day)s."),
            day=day_text(commitment.replaced_on),
        )
    if not reports:
        return said(Status.NO_REPORT, _("No progress has been reported against this pledge."))
    series = reported_series(commitment)
    last_reported = max(report.reported_on for report in reports)
    latest = series[-1] if series else None
    if latest is not None:
        year, value, _kind, _source = latest
        if commitment.basis == TOTAL and value >= commitment.amount:
            return said(
                Status.ACHIEVED,
                _("%(value)s reported up to %(year)s reach the %(amount)s pledged."),
                value=amount_text(value, unit),
                year=year,
                amount=amount_text(commitment.amount, unit),
            )
        if (
            commitment.basis == EACH_YEAR
            and year == commitment.target_year
            and value >= commitment.amount
        ):
            return said(
                Status.ACHIEVED,
                _(
                    "%(value)s reported for %(year)s, the target year, meet the %(amount)s pledged "
                    "each year."
                ),
                value=amount_text(value, unit),
                year=year,
                amount=amount_text(commitment.amount, unit),
            )
    for months, status in ((RED_MONTHS, Status.OVERDUE_RED), (AMBER_MONTHS, Status.OVERDUE_AMBER)):
        if today >= add_months(last_reported, months):
            return said(
                status,
                _("The last report is dated %(day)s: more than %(months)s months without one."),
                day=day_text(last_reported),
                months=months,
            )
    if latest is None:
        return said(
            Status.NOT_ASSESSED,
            _(
                "Only running totals are reported, and a pledge for each year is compared with "
                "one year’s own figure."
            ),
        )
    year, value, _kind, _source = latest
    expected = expected_by(commitment, year)
    if expected is None:
        return said(
            Status.NOT_ASSESSED,
            _(
                "The pledge states no baseline year or no target year, so there is no path to "
                "compare the %(value)s reported up to %(year)s with."
            ),
            value=amount_text(value, unit),
            year=year,
        )
    values = {
        "value": amount_text(value, unit),
        "year": year,
        "expected": amount_text(expected, unit),
        "start": commitment.baseline_year,
        "end": commitment.target_year,
    }
    if commitment.basis == EACH_YEAR:
        if value >= expected:
            return said(
                Status.ON_TRACK,
                _("%(value)s reported for %(year)s meet the %(expected)s pledged each year."),
                **values,
            )
        return said(
            Status.BEHIND,
            _("%(value)s reported for %(year)s fall short of the %(expected)s pledged each year."),
            **values,
        )
    if value >= expected:
        return said(
            Status.ON_TRACK,
            _(
                "%(value)s reported up to %(year)s are at or above the %(expected)s a straight "
                "path from %(start)s to %(end)s expects by then."
            ),
            **values,
        )
    return said(
        Status.BEHIND,
        _(
            "%(value)s reported up to %(year)s are below the %(expected)s a straight path from "
            "%(start)s to %(end)s expects by then."
        ),
        **values,
    )


# Drawing sizes, in SVG user units (the SVG scales to its container).
WIDTH = 640
HEIGHT = 280
LEFT = 24
RIGHT = 24
TOP = 24
BOTTOM = 28


def drawing(commitment) -> dict | None:
    """The chart of ``points()``: the pledged path as a line (a level line for a pledge for
    each year) and each reported figure as a dot with its value, over a year axis. Numbers
    are text no language formats (``svg_number``)."""
    shown = points(commitment)
    if not shown:
        return None
    highest = max(
        [p.expected for p in shown if p.expected is not None]
        + [p.reported for p in shown if p.reported is not None]
        + [Decimal(1)]
    )
    first, last = shown[0].year, shown[-1].year
    span = max(last - first, 1)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + plot_width * (year - first) / span

    def y(value):
        return TOP + plot_height * (1 - float(value / highest))

    path = [(p.year, p.expected) for p in shown if p.expected is not None]
    # The path's end says what it leads to: the pledge at the target year.
    end = (
        {
            "x": svg_number(x(path[-1][0])),
            "y": svg_number(y(path[-1][1]) - 8),
            "value": plain_number(path[-1][1]),
        }
        if path
        else None
    )
    return {
        "end": end,
        "width": svg_number(WIDTH),
        "height": svg_number(HEIGHT),
        "axis_y": svg_number(TOP + plot_height),
        "label_y": svg_number(HEIGHT - 8),
        "path": " ".join(f"{svg_number(x(year))},{svg_number(y(value))}" for year, value in path),
        "years": [{"year": str(p.year), "x": svg_number(x(p.year))} for p in shown],
        "dots": [
            {
                "point": p,
                "x": svg_number(x(p.year)),
                "y": svg_number(y(p.reported)),
                "value_y": svg_number(y(p.reported) - 8),
                "value": plain_number(p.reported),
            }
            for p in shown
            if p.reported is not None
        ],
    }


def plain_number(value: Decimal) -> str:
    """A figure as data carries it, whatever the language: ``45000``, ``4.5``."""
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
