"""What a visitor and a curator do, in a real browser."""

import hashlib
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from partnerships.models import Partnership
from tests.browser.conftest import MADRID, pytestmark  # noqa: F401


def test_home_to_ecosystem_to_partnership_to_a_downloaded_agreement(page, portal):
    page.goto(reverse("ecosystems:home"))
    page.get_by_role("link", name="Digital", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Digital")
    page.get_by_role("link", name=MADRID).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(re.escape(MADRID)))

    with page.expect_download() as download_info:
        page.get_by_role("listitem").filter(
            has_text="Madrid Oeste partnership charter"
        ).get_by_role("link", name=re.compile(r"^English \(.* PDF\)")).click()
    download = download_info.value
    assert download.suggested_filename == "madrid-oeste-charter-en.pdf"
    content = Path(download.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == portal["version"].sha256


def results_heading(page):
    return page.locator("#results-title")


def test_filtering_the_partnerships_and_clearing_the_filters(page, pact_data):
    everything = Partnership.objects.published().count()
    regional = Partnership.objects.published().regional().count()
    page.goto(reverse("partnerships:list"))
    expect(results_heading(page)).to_have_text(f"{everything} partnerships found")

    page.get_by_label("Kind").select_option("regional")
    page.get_by_role("button", name="Apply filters").click()
    expect(results_heading(page)).to_have_text(f"{regional} partnerships found")
    assert "kind=regional" in page.url

    page.get_by_label("Country").select_option("ES")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=MADRID)).to_be_visible()

    page.get_by_role("link", name="Clear all filters").first.click()
    expect(results_heading(page)).to_have_text(f"{everything} partnerships found")
    assert "?" not in page.url


def test_searching_from_the_header(page, pact_data):
    page.goto(reverse("ecosystems:home"))
    page.get_by_role("searchbox", name="Search the portal").fill("Madrid Oeste")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.get_by_role("link", name=MADRID).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(MADRID)


def test_a_curator_signs_in_creates_a_partnership_and_publishes_it(page, pact_data):
    get_user_model().objects.create_superuser("ines", "ines@example.eu", "a long curator password")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill("a long curator password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()

    page.goto(reverse("admin:partnerships_partnership_add"))
    page.locator("#id_name").press_sequentially("Basque Skills Partnership")
    expect(page.locator("#id_slug")).to_have_value("basque-skills-partnership")
    page.locator("#id_kind").select_option("regional")
    page.locator("#id_scope").select_option("regional")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    created = Partnership.objects.get(slug="basque-skills-partnership")
    assert not created.is_published

    public = reverse("partnerships:detail", kwargs={"slug": created.slug})
    page.get_by_role("row", name=re.compile("Basque Skills Partnership")).get_by_role(
        "checkbox"
    ).check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("button", name="Yes, change them").click()
    expect(page.locator(".messagelist")).to_be_visible()
    created.refresh_from_db()
    assert created.is_published

    # What the public sees: a fresh browser context has no curator session.
    visitor = page.context.browser.new_context(base_url=page.url.split("/admin/")[0])
    try:
        public_page = visitor.new_page()
        response = public_page.goto(public)
        assert response.status == 200
        expect(public_page.get_by_role("heading", level=1)).to_contain_text(
            "Basque Skills Partnership"
        )
    finally:
        visitor.close()


def test_checking_a_consortium(page, pact_data):
    page.goto(reverse("alliances:check"))
    rows = page.locator(".checker__table tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("input[name$=-name]").fill("Politecnico di Milano")
    first.locator("select[name$=-country]").select_option("IT")
    first.locator("select[name$=-type]").select_option("hei")
    first.locator("input[name$=-eche]").check()
    first.locator("select[name$=-role]").select_option("coordinator")
    second.locator("input[name$=-name]").fill("Confindustria Lombardia")
    second.locator("select[name$=-country]").select_option("IT")
    second.locator("select[name$=-type]").select_option("sectoral_association")
    second.locator("select[name$=-role]").select_option("full_partner")
    # The script adds a row without sending the form, and moves the focus into it.
    blank_rows = rows.count()
    page.get_by_role("button", name="Add a blank row").click()
    expect(rows).to_have_count(blank_rows + 1)
    page.get_by_role("button", name="Check the consortium").click()
    report = page.get_by_role("region", name="Eligibility report")
    # Two members from one country fall short of the call's rules, and the report says which.
    expect(report.locator(".report__verdict")).to_contain_text(re.compile(r"Fails \d+ rule"))
    expect(report).to_contain_text("1 (IT)")


def test_the_api_documentation_works_under_the_content_security_policy(page, db):
    page.goto(reverse("api-docs"))
    # Swagger UI draws the title only once it has fetched the schema, which the server builds
    # on its first request: seconds on a busy machine, longer than expect()'s usual wait.
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Pact for Skills", timeout=30_000)
    # ReDoc's "powered by" badge is an image on its maker's servers: the policy blocks it, as
    # it blocks every outside asset, and the page is complete without it.
    page.expected_errors.append("redoc/logo-mini.svg' violates the following Content Security")
    page.goto(reverse("api-redoc"))
    # ReDoc fetches the schema again, and the server builds it again: the same wait.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pact for Skills", timeout=30_000)
