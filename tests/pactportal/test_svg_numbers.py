"""Every number in every SVG the portal serves reads as a number, in every language, whatever
the caches held when the page was drawn.

Django prints numbers in the reader's format: in French and German 4.5 is "4,5", which no SVG
attribute can read, so the shape silently goes missing (no bar in a German chart).
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from django.conf import settings

from tests.conftest import empty_caches

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Presentation attributes that hold one number, and those that hold a list of them.
NUMBER = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height"}
NUMBERS = {"viewbox"}


class SvgNumbers(HTMLParser):
    """Collects ``(element, attribute, value)`` for each numeric attribute inside an ``<svg>``."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.found = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
            self.svgs += 1
        if self.depth:
            for name, value in attrs:
                if name in NUMBER or name in NUMBERS or name.startswith("data-"):
                    self.found.append((tag, name, value or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def unreadable_numbers(html: str) -> tuple[int, list]:
    parser = SvgNumbers()
    parser.feed(html)
    wrong = []
    for tag, name, value in parser.found:
        if name.startswith("data-"):
            # A data- attribute holding digits is a number too, and must not be localised.
            if re.fullmatch(r"[\d.,\s-]+", value) and "," in value:
                wrong.append((tag, name, value))
            continue
        for part in value.split() if name in NUMBERS else [value]:
            try:
                float(part)
            except ValueError:
                wrong.append((tag, name, value))
    return parser.svgs, wrong


# Pages of one kind draw their SVG alike: a few of each sitemap section, in each language, stand
# for the hundreds of organisations and partnerships the real data has.
PAGES_OF_A_KIND = 3


def every_page(client) -> list[str]:
    """Every kind of page the sitemap lists (its first few of each section), in every language
    (its hreflang alternates)."""
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = []
    for section in index.findall("s:sitemap/s:loc", namespace):
        urlset = ET.fromstring(client.get(section.text).content)
        listed = [
            "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in urlset.iter(f"{{{namespace['s']}}}loc")
        ]
        for code in LANGUAGES:
            pages += [page for page in listed if page.startswith(f"/{code}/")][:PAGES_OF_A_KIND]
    # The pages with maps and charts, whichever the sections list first.
    for code in LANGUAGES:
        for page in (f"/{code}/", f"/{code}/figures/", f"/{code}/ecosystems/digital/"):
            if page not in pages:
                pages.append(page)
    return pages


def test_every_svg_number_parses_in_every_language_cold_and_cached(pact_data, client):
    pages = every_page(client)
    assert {page.split("/")[1] for page in pages} == set(LANGUAGES)
    drawn = []
    # First each page cold; then the caches emptied and the languages in the other order, so
    # that each language draws on what another language left remembered; then all from the
    # page cache.
    for label, order, cold in (
        ("cold", pages, True),
        ("after another language", list(reversed(pages)), True),
        ("cached", pages, False),
    ):
        if cold:
            empty_caches()
        for page in order:
            response = client.get(page)
            assert response.status_code == 200, page
            svgs, wrong = unreadable_numbers(response.content.decode())
            if svgs:
                drawn.append(page)
            assert not wrong, f"{page} ({label}): {wrong[:5]}"
    # The maps and charts were there to be checked, in each language.
    for code in LANGUAGES:
        assert f"/{code}/figures/" in drawn
        assert f"/{code}/" in drawn
        assert f"/{code}/ecosystems/digital/" in drawn
