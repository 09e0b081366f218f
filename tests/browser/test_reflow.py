"""Every page type in English, French and German at 320 px (WCAG 1.4.10, reflow) and 1280 px:
nothing scrolls sideways, no text leaves its box, charts keep readable text, lists show their
results before their filters on a phone."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import ARTIFACTS, DESKTOP, pytestmark  # noqa: F401
from tests.browser.test_accessibility import WIDER_THAN_THE_SCREEN, public_pages

NARROWEST = {"width": 320, "height": 640}
LANGUAGES = ["en", "fr", "de"]

# Boxes whose text runs past their own edge (a scroll box or an input does so on purpose).
TEXT_OUT_OF_ITS_BOX = """[...document.querySelectorAll("body *")]
    .filter(el => el instanceof HTMLElement && !el.closest(".visually-hidden, svg"))
    .filter(el => !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName))
    .filter(el => {
        const style = getComputedStyle(el);
        return !["inline", "contents", "none"].includes(style.display)
            && style.overflowX === "visible" && el.scrollWidth > el.clientWidth + 1;
    })
    .map(el => `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`)
    .slice(0, 5)"""

# The smallest text any chart or map draws (a map's country figure included, shown on hover
# and focus), in CSS pixels on the screen.
SMALLEST_CHART_TEXT = """Math.min(
    ...[...document.querySelectorAll(".chart__svg text, .country-map__svg text")].map(text => {
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(text).fontSize) * scale;
}))"""


def pages_in(language: str, portal) -> dict[str, str]:
    with translation.override(language):
        pages = public_pages(portal)
        pages["figures"] = reverse("figures:index")
        pages["accessibility-statement"] = reverse(
            "information_page", kwargs={"slug": "accessibility"}
        )
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_scrolls_sideways_at_320px(page, portal, language):
    page.set_viewport_size(NARROWEST)
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in pages_in(language, portal).items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROWEST["width"], (
            f"{language} {name} is {width}px wide: {page.evaluate(WIDER_THAN_THE_SCREEN)}"
        )
        assert not page.evaluate(TEXT_OUT_OF_ITS_BOX), (language, name)
        page.screenshot(path=folder / f"{name}-{language}-320.png", full_page=True)


def test_no_german_text_leaves_its_box_at_1280px(page, portal):
    page.set_viewport_size(DESKTOP)
    for name, url in pages_in("de", portal).items():
        page.goto(url)
        assert not page.evaluate(TEXT_OUT_OF_ITS_BOX), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_chart_and_map_text_stays_readable_at_320px(page, portal, language):
    page.set_viewport_size(NARROWEST)
    with translation.override(language):
        urls = [
            reverse("figures:index"),
            reverse("ecosystems:detail", kwargs={"slug": "digital"}),
            reverse("ecosystems:home"),
        ]
    for url in urls:
        page.goto(url)
        assert page.evaluate(SMALLEST_CHART_TEXT) >= 12, url


@pytest.mark.parametrize(
    "name", ["partnerships:list", "partnerships:document_list", "alliances:list"]
)
def test_a_phone_shows_the_results_before_the_filters(page, portal, name):
    page.set_viewport_size(NARROWEST)
    page.goto(reverse(name))
    results = page.locator("#results-title")
    # Below the header, the title, the introduction and the filters' toggle; not below the
    # whole form (some 1,500 px down).
    assert results.bounding_box()["y"] < 1000, "the results start a long way down"
    apply = page.get_by_role("button", name="Apply filters")
    assert not apply.is_visible()
    page.get_by_text("Filter the list").click()
    assert apply.is_visible()
    # On a wide screen the filters stand beside the results, without the toggle.
    page.set_viewport_size(DESKTOP)
    page.goto(reverse(name))
    assert page.get_by_role("button", name="Apply filters").is_visible()
    assert not page.get_by_text("Filter the list").is_visible()
