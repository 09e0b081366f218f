"""The map of the NUTS level-2 regions drawn on the server, each covered region a link.

The outlines and each region's neighbours are ``core/regions.json``, built once by
``scripts/build-map`` from Eurostat/GISCO's NUTS 2024 file and committed: the portal reads
only that file. Every map drawn from it shows ``ATTRIBUTION``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .maps import legend, map_file, shade
from .svg import svg_number

# The margin around a zoomed view, in map units (some 6 km each).
ZOOM_MARGIN = 12


def geometry() -> dict:
    return map_file("regions.json")


def attribution() -> str:
    """The line the data's licence asks every map of it to show (not translated)."""
    return geometry()["attribution"]


def neighbours(code: str) -> list[str]:
    """The regions sharing a boundary with ``code``, by code."""
    return geometry()["neighbours"].get(code, [])


@dataclass(frozen=True)
class MapRegion:
    code: str
    name: str
    count: int
    shade: int
    href: str
    label: str
    d: str = ""
    marker: dict | None = None


@dataclass(frozen=True)
class RegionMap:
    """What the region map's template draws: the land around, the regions with no count,
    then those with one (each a link), in a view of the whole map or of some regions."""

    view_box: str
    land: str
    backdrop: str
    others: list[MapRegion]
    highlighted: list[MapRegion]
    count_heading: str
    caption: str
    legend: list[tuple[int, int, int]]
    attribution: str


def view_box(codes) -> str:
    """The whole map, or the box around the regions ``codes`` with a margin."""
    shapes = geometry()["regions"]
    boxes = [shapes[code]["bbox"] for code in codes if code in shapes]
    if not boxes:
        return f"0 0 {geometry()['width']} {geometry()['height']}"
    x0 = min(box[0] for box in boxes) - ZOOM_MARGIN
    y0 = min(box[1] for box in boxes) - ZOOM_MARGIN
    x1 = max(box[2] for box in boxes) + ZOOM_MARGIN
    y1 = max(box[3] for box in boxes) + ZOOM_MARGIN
    return " ".join(svg_number(n) for n in (x0, y0, x1 - x0, y1 - y0))


def marker(shape: dict) -> dict | None:
    """A small region's circle (``x``, ``y``, ``r``) as the SVG attributes' text."""
    found = shape["marker"]
    return {key: svg_number(value) for key, value in found.items()} if found else None


def region_map(
    counts: dict[str, int],
    names: dict[str, str],
    *,
    href: Callable[[str], str],
    label: Callable[[int], str],
    caption: str,
    count_heading: str,
    others_label: str,
    focus=(),
) -> RegionMap:
    """Every region in ``names`` (code → name) drawn; those with a count in ``counts``
    shaded by it and linked to ``href(code)``, each named with what ``label`` says of its
    count; the others named with ``others_label``. Regions not in ``names`` are land around
    them, neither named nor focusable: a country's map (``names`` its regions, ``focus``
    zooming to them) shows its neighbours without a keyboard stopping on them."""
    shapes = geometry()["regions"]
    highest = max(counts.values(), default=0)

    def drawn(code: str, count: int, level: int, link: str, text: str) -> MapRegion:
        shape = shapes.get(code, {"d": "", "marker": None})
        named = _("%(region)s: %(figure)s") % {"region": names[code], "figure": text}
        return MapRegion(code, names[code], count, level, link, named, shape["d"], marker(shape))

    highlighted = sorted(
        (
            drawn(code, count, shade(count, highest), href(code), label(count))
            for code, count in counts.items()
            if code in names
        ),
        key=lambda region: (-region.count, region.name),
    )
    return RegionMap(
        view_box=view_box(focus),
        land=geometry()["land"],
        backdrop="".join(shape["d"] for code, shape in shapes.items() if code not in names),
        others=[
            drawn(code, 0, 0, "", others_label)
            for code in sorted(names)
            if code not in counts and code in shapes
        ],
        highlighted=highlighted,
        count_heading=count_heading,
        caption=caption,
        legend=legend(counts),
        attribution=attribution(),
    )
