"""The issue's "done when", in a real browser: a French reader, and a curator translating."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

from tests.factories import PartnershipFactory

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "a-long-curator-password-for-tests"

# The live server answers from another thread, so the data is committed; the rows the
# migrations created (ecosystems, countries) are restored afterwards for the other tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def address(language: str, view: str, *args) -> str:
    with translation.override(language):
        return reverse(view, args=args)


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
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
