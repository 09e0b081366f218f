"""The map in a real browser, with JavaScript off: a keyboard user reaches and follows a country."""

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.chromium import launch

from .conftest import build_pact


@pytest.fixture
def pact_site(live_server):
    # Written before the browser starts: Django refuses queries inside Playwright's event loop.
    build_pact()
    return live_server.url


@pytest.fixture
def browser(pact_site):
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


# The live server answers from another thread, so the data is committed; the rows the
# migrations created (ecosystems, countries) are restored afterwards for the other tests.
@pytest.mark.django_db(transaction=True)
def test_a_keyboard_user_without_javascript_opens_a_country_from_the_map(pact_site, browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(pact_site + reverse("ecosystems:home"))

    # The accessibility tree names each highlighted country with its figure.
    france = page.get_by_role("link", name="France: 3 partnerships")
    assert france.count() == 1 and france.is_visible()
    box = page.locator("svg.country-map__svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 250

    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('data-country')")
        if focused:
            break
    else:
        pytest.fail("No country of the map could be reached with the keyboard.")
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    # Focusing a country shows its figure on the map, not only to screen readers.
    tip = page.locator(f'[data-country="{focused}"] .country-map__tip')
    assert tip.is_visible() and tip.text_content() == name
    others = page.locator(f'.country-map__link:not([data-country="{focused}"]) .country-map__tip')
    assert others.count() > 0 and not any(tip.is_visible() for tip in others.all())
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('partnerships:list')}?country={focused}")

    listed = name.rsplit(": ", 1)[1].split()[0]
    assert page.locator(".items > li").count() == int(listed)
