"""The consortium checker in a real browser: its errors are announced and summarised first
(GOV.UK's pattern), its result is where a submission lands, with and without JavaScript."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import pytestmark  # noqa: F401
from tests.browser.test_accessibility import assert_no_violations

# Every id an aria-describedby names that the page does not hold.
MISSING_DESCRIPTIONS = """[...document.querySelectorAll("[aria-describedby]")]
    .flatMap(el => el.getAttribute("aria-describedby").split(/\\s+/))
    .filter(id => !document.getElementById(id))"""


def fill_a_valid_member(page):
    page.locator("#id_members-0-name").fill("Politecnico di Milano")
    page.locator("#id_members-0-country").select_option("IT")
    page.locator("#id_members-0-type").select_option("hei")
    page.locator("#id_members-0-role").select_option("coordinator")


def test_the_checker_summarises_its_errors_first_and_moves_the_focus_there(page, portal):
    page.goto(reverse("alliances:check"))
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    page.locator("#id_members-0-name").fill("Politecnico di Milano")
    page.get_by_role("button", name="Check the consortium").click()

    expect(page).to_have_title(re.compile(r"^Error: Consortium checker"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    # The row typed in counts, although the check could not run yet.
    expect(page.locator(".checker__members legend")).to_have_text("Consortium: 1 member")
    assert_no_violations(page, "consortium checker with errors")

    summary.get_by_role("link", name="Country (row 1): This field is required.").click()
    expect(page.locator("#id_members-0-country")).to_be_focused()


def test_a_valid_check_moves_the_focus_to_the_report(page, portal):
    page.goto(reverse("alliances:check"))
    fill_a_valid_member(page)
    page.get_by_role("button", name="Check the consortium").click()
    heading = page.get_by_role("heading", name="Report", exact=True)
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(page).not_to_have_title(re.compile("Error"))


def test_without_javascript_a_check_lands_on_its_report(browser, live_server, portal):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(reverse("alliances:check"))
    fill_a_valid_member(page)
    page.get_by_role("button", name="Check the consortium").click()
    page.wait_for_url("**#checker-result")
    expect(page.get_by_role("heading", name="Report", exact=True)).to_be_in_viewport()
    context.close()
