"""The map of Europe drawn on the server, each covered country a link to its partnerships.

The boundaries are ``core/europe.json``, built once by ``scripts/build-map`` from Natural
Earth (world-atlas) and committed: the portal reads only that file and needs no Node.js.
"""

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from .svg import svg_number

SHADES = 5


@functools.cache
def map_file(name: str) -> dict:
    """A map file committed beside this module (``scripts/build-map`` writes them), read once."""
    with Path(__file__).with_name(name).open(encoding="utf-8") as handle:
        return json.load(handle)


def geometry() -> dict:
    return map_file("europe.json")


def shade(count: int, highest: int) -> int:
    """Shade 1 (fewest) to ``SHADES`` (most); every highlighted country gets at least 1."""
    return max(1, math.ceil(SHADES * count / highest)) if highest else 1


def country_name(code: str) -> str:
    return str(countries.name(code)) or code


def named(code: str, figure: str) -> str:
    """A country's accessible name on the map: its name and its figure."""
    return _("%(country)s: %(figure)s") % {"country": country_name(code), "figure": figure}


def partnerships_label(count: int) -> str:
    if not count:
        return _("no partnership yet")
    return ngettext("%(count)s partnership", "%(count)s partnerships", count) % {"count": count}


def members_label(count: int) -> str:
    if not count:
        return _("covered, no member listed there")
    return ngettext("%(count)s member organisation", "%(count)s member organisations", count) % {
        "count": count
    }


@dataclass(frozen=True)
class MapCountry:
    code: str
    name: str
    count: int
    shade: int
    href: str
    label: str
    d: str = ""
    marker: dict | None = None


def svg_marker(marker: dict | None) -> dict | None:
    """A small country's circle (``x``, ``y``, ``r``) as the SVG attributes' text."""
    return {key: svg_number(value) for key, value in marker.items()} if marker else None


def legend(counts: dict[str, int]) -> list[tuple[int, int, int]]:
    """``(shade, lowest, highest)`` for each shade a count falls in, as ``shade()`` assigns."""
    highest = max(counts.values(), default=0)
    if not highest:
        return [(1, 0, 0)] if counts else []
    steps = []
    for level in range(1, SHADES + 1):
        low = (level - 1) * highest // SHADES + 1
        high = level * highest // SHADES
        if level == 1:
            low = min(low, *counts.values())
        if low <= high:
            steps.append((level, low, high))
    return steps


@dataclass(frozen=True)
class CountryMap:
    """What the map template draws: the other countries, then the highlighted ones.

    ``highlighted`` holds every country with a count, those the map cannot draw (outside its
    frame) included, so the table beside the map lists them all.
    """

    width: str
    height: str
    land: str
    others: list[MapCountry]
    highlighted: list[MapCountry]
    count_heading: str
    caption: str
    legend: list[tuple[int, int, int]]
    notes: tuple[str, ...] = ()

    @property
    def drawn(self) -> list[MapCountry]:
        return [country for country in self.highlighted if country.d or country.marker]


def country_map(
    counts: dict[str, int],
    *,
    caption: str,
    count_heading: str,
    label=partnerships_label,
    others_label: str | None = None,
    filters: dict[str, str] | None = None,
    notes=(),
) -> CountryMap:
    """The map with the countries in ``counts`` highlighted, shaded by their count.

    Each highlighted country links to the partnership list filtered by it (and by
    ``filters``); its accessible name is its name and what ``label`` says of its count. Every
    other country the map draws is named too, with ``others_label`` (by default what
    ``label`` says of zero). ``notes`` are legend lines for what no country shows (the
    partnerships working EU-wide).
    """
    others_label = others_label or label(0)
    shapes = geometry()["countries"]
    highest = max(counts.values(), default=0)
    list_url = reverse("partnerships:list")
    highlighted = sorted(
        (
            MapCountry(
                code=code,
                name=country_name(code),
                count=count,
                shade=shade(count, highest),
                href=f"{list_url}?{urlencode({'country': code, **(filters or {})})}",
                label=named(code, label(count)),
                d=shapes.get(code, {}).get("d", ""),
                marker=svg_marker(shapes.get(code, {}).get("marker")),
            )
            for code, count in counts.items()
        ),
        key=lambda country: (-country.count, country.name),
    )
    return CountryMap(
        width=svg_number(geometry()["width"]),
        height=svg_number(geometry()["height"]),
        land=geometry()["land"],
        others=[
            MapCountry(
                code=code,
                name=country_name(code),
                count=0,
                shade=0,
                href="",
                label=named(code, others_label),
                d=shape["d"],
                marker=svg_marker(shape["marker"]),
            )
            for code, shape in sorted(shapes.items())
            if code not in counts
        ],
        highlighted=highlighted,
        count_heading=count_heading,
        caption=caption,
        legend=legend(counts),
        notes=tuple(notes),
    )
