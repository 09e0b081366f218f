"""The issue's "done when", in a real browser: a French reader, and a curator translating."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

from core.models import PublicationStatus
from tests.chromium import launch
from tests.factories import PartnershipFactory

PASSWORD = "a-long-curator-password-for-tests"

# The live server answers from another thread, so the data is committed; the rows the
# migrations created (ecosystems, countries) are restored afterwards for the other tests.
pytestmark = pytest.mark.django_db(transaction=True)


def address(language: str, view: str, *args) -> str:
    with translation.override(language):
        return reverse(view, args=args)


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


# Data is written before the browser starts: Django refuses queries inside Playwright's
# event loop. Fixtures listed before ``browser`` run first.
@pytest.fixture
def curator(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)
    call_command(
        "create_curator",
        "--username",
        "ines",
        "--password-from-env",
        "CURATOR_PASSWORD",
        stdout=io.StringIO(),
    )
    return User.objects.get(username="ines")


@pytest.fixture
def italian_partnerships():
    """Two published partnerships in Italy, one in Spain, and an Italian draft nobody may see."""
    lombardy = PartnershipFactory(regional=True, name="Lombardy Skills Partnership")
    apulia = PartnershipFactory(regional=True, name="Apulia Skills Partnership")
    madrid = PartnershipFactory(regional=True, name="Madrid Skills Partnership")
    draft = PartnershipFactory(
        regional=True, name="Draft Venice Partnership", status=PublicationStatus.DRAFT
    )
    for partnership, country in [(lombardy, "IT"), (apulia, "IT"), (madrid, "ES"), (draft, "IT")]:
        partnership.countries.add(country)
    return [apulia.name, lombardy.name]


@pytest.fixture
def partnership():
    return PartnershipFactory(summary="Welding skills for Europe's shipyards.")


def test_a_curator_translates_a_summary_in_the_admin_and_french_readers_see_it(
    live_server, curator, partnership, browser
):
    change = reverse("admin:partnerships_partnership_change", args=[partnership.pk])

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + change)
    page.fill("#id_username", "ines")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{change}")

    # The admin speaks the curator's language, and shows the three summaries side by side.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    row = page.locator(".form-row.field-summary_en.field-summary_fr.field-summary_de")
    expect(row).to_be_visible()
    page.fill("#id_summary_fr", "Des compétences en soudage pour les chantiers navals d’Europe.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(live_server.url + address("fr", "partnerships:detail", partnership.slug))
    expect(reader.locator("html")).to_have_attribute("lang", "fr")
    expect(reader.get_by_text("Des compétences en soudage pour les chantiers")).to_be_visible()
    # German readers still get the English summary until someone translates it.
    reader.goto(live_server.url + address("de", "partnerships:detail", partnership.slug))
    expect(reader.get_by_text("Welding skills for Europe's shipyards.")).to_be_visible()


# A point of the country's own shape that the pointer reaches (not the sea around it, nor its
# neighbours): where a visitor clicks on the map.
POINT_INSIDE = """code => {
    const link = document.querySelector(`svg.country-map__svg a[data-country="${code}"]`);
    const box = link.querySelector(".country-map__country").getBoundingClientRect();
    for (let i = 1; i < 24; i++) {
        for (let j = 1; j < 24; j++) {
            const x = box.left + (box.width * i) / 24, y = box.top + (box.height * j) / 24;
            if (document.elementFromPoint(x, y)?.closest("a") === link) return [x, y];
        }
    }
    return null;
}"""


def point_inside(page, code: str) -> tuple[float, float]:
    point = page.evaluate(POINT_INSIDE, code)
    assert point, f"{code} cannot be clicked anywhere on the map"
    return point


def test_a_french_visitor_goes_from_the_map_to_the_italian_partnerships_in_french(
    live_server, italian_partnerships, browser
):
    page = browser.new_context(locale="fr-FR").new_page()
    # The bare address: the browser's language decides.
    page.goto(live_server.url + "/")
    page.wait_for_url(f"**{address('fr', 'ecosystems:home')}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    europe = page.locator("svg.country-map__svg").first
    expect(europe).to_be_visible()
    covered = europe.locator("a[data-country]")
    assert sorted(covered.evaluate_all("links => links.map(a => a.dataset.country)")) == [
        "ES",
        "IT",
    ]
    italy = europe.get_by_role("link", name=re.compile(r"^Italie\W+2 partenariats$"))
    italy.scroll_into_view_if_needed()
    page.mouse.click(*point_inside(page, "IT"))

    page.wait_for_url(f"**{address('fr', 'partnerships:list')}?country=IT")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Partenariats")
    expect(page.get_by_text("2 partenariats trouvés")).to_be_visible()
    expect(page.locator("#id_country option:checked")).to_have_text("Italie")
    names = page.locator(".items .item__title a").all_inner_texts()
    assert sorted(name.strip() for name in names) == italian_partnerships
