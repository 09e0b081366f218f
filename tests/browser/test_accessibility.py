"""WCAG 2.1 A and AA by axe-core on every page type, keyboard use, and two screen widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse

from alliances.models import Alliance
from ecosystems.models import Ecosystem
from pactportal.models import InformationPage
from partnerships.models import Organisation, Partnership
from tests.alliances.builders import checker_query
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, pytestmark  # noqa: F401

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def public_pages(portal) -> dict[str, str]:
    """One address of each public page type, on the real data."""
    return {
        "home": reverse("ecosystems:home"),
        "ecosystems": reverse("ecosystems:list"),
        "ecosystem": reverse("ecosystems:detail", kwargs={"slug": "digital"}),
        "partnerships": reverse("partnerships:list") + "?kind=regional",
        "partnership": portal["partnership"].get_absolute_url(),
        "large-scale-partnership": Partnership.objects.published()
        .large_scale()
        .first()
        .get_absolute_url(),
        "organisations": reverse("partnerships:organisation_list"),
        "organisation": Organisation.objects.published().first().get_absolute_url(),
        "documents": reverse("partnerships:document_list"),
        "document": portal["document"].get_absolute_url(),
        "document-text": portal["version"].get_text_url(),
        "search": reverse("partnerships:search") + "?q=skills",
        "alliances": reverse("alliances:list"),
        "alliance": Alliance.objects.published().first().get_absolute_url(),
        "consortium-checker": reverse("alliances:check"),
        # A check by address, one VET provider and more short: the report and its suggestions.
        "consortium-suggestions": reverse("alliances:check") + "?" + checker_query(),
        "match": reverse("match:page") + "?region=DE71&type=hei&ecosystem=digital",
        "figures": reverse("figures:index"),
        "commitments": reverse("partnerships:commitments") + "?ordering=status",
        "regions": reverse("regions:map"),
        "regions-of-a-country": reverse("regions:map") + "?country=IT",
        "white-spots": reverse("regions:gaps") + "?ecosystem=digital",
        "region": reverse("regions:detail", args=["ITH4"]),
        "information-page": reverse("information_page", kwargs={"slug": "accessibility"}),
        "open-data": reverse("data:page"),
        "not-found": "/no-such-page/",
    }


def assert_no_violations(page, where: str, exclude: tuple[str, ...] = ()):
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = AXE.run(
        page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}
    )
    violations = results.response["violations"]
    assert not violations, f"{where}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def test_every_public_page_type_meets_wcag_21_aa(page, portal):
    for name, url in public_pages(portal).items():
        page.goto(url)
        assert_no_violations(page, name)


def test_the_checkers_report_meets_wcag_21_aa(page, portal):
    page.goto(reverse("alliances:check"))
    page.locator("input[name$=-name]").first.fill("Politecnico di Milano")
    page.get_by_role("button", name="Check the consortium").click()
    assert_no_violations(page, "consortium-checker report")


def sign_in_as_curator(page):
    get_user_model().objects.create_superuser("ines", "ines@example.eu", "a long curator password")
    page.goto(reverse("admin:login"))
    assert_no_violations(page, "admin login")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill("a long curator password")
    page.get_by_role("button", name="Log in").click()


def admin_pages(portal) -> dict[str, str]:
    """The curators' pages: lists, and the add and change form of each kind of record."""
    partnership = portal["partnership"]
    alliance = Alliance.objects.published().first()
    return {
        "admin index": reverse("admin:index"),
        "partnership list": reverse("admin:partnerships_partnership_changelist"),
        "history": reverse("admin:partnerships_partnership_history", args=[partnership.pk]),
        **{
            f"{model} form": reverse(f"admin:{app}_{model}_change", args=[pk])
            for app, model, pk in [
                ("partnerships", "partnership", partnership.pk),
                ("partnerships", "document", portal["document"].pk),
                ("partnerships", "organisation", Organisation.objects.first().pk),
                ("alliances", "alliance", alliance.pk),
                ("ecosystems", "ecosystem", Ecosystem.objects.first().pk),
                ("pactportal", "informationpage", InformationPage.objects.first().pk),
            ]
        },
        **{
            f"new {model}": reverse(f"admin:{app}_{model}_add")
            for app, model in [
                ("partnerships", "partnership"),
                ("partnerships", "document"),
                ("partnerships", "organisation"),
                ("partnerships", "membership"),
                ("alliances", "alliance"),
                ("alliances", "fundingcall"),
            ]
        },
    }


def test_the_curators_admin_pages_meet_wcag_21_aa(page, portal):
    sign_in_as_curator(page)
    for name, url in admin_pages(portal).items():
        page.goto(url)
        # Select2's boxes included: static/js/admin-autocomplete.js names them.
        assert_no_violations(page, name)


def test_the_api_documentation_meets_wcag_21_aa(page, db):
    page.goto(reverse("api-docs"))
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_no_violations(page, "Swagger UI")
    # ReDoc's "powered by" badge is an image on its maker's servers, which the policy blocks.
    page.expected_errors.append("redoc/logo-mini.svg' violates the following Content Security")
    page.goto(reverse("api-redoc"))
    page.get_by_role("heading", level=1).wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_no_violations(page, "ReDoc")


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)
# Numbers every visible control, so that two identical links still count as two.
NUMBER_CONTROLS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
    .map((el, i) => { el.dataset.control = i; return i; })"""
FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        control: el.dataset.control ? Number(el.dataset.control) : el.outerHTML.slice(0, 120),
        visibleRing: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none",
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth,
    };
}"""


@pytest.mark.parametrize("name", ["home", "partnerships", "partnership", "consortium-checker"])
def test_keyboard_alone_reaches_every_control_with_the_focus_always_visible(page, portal, name):
    page.goto(public_pages(portal)[name])
    controls = set(page.evaluate(NUMBER_CONTROLS, FOCUSABLE))
    reached = set()
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or state["control"] in reached:
            break  # past the last control, or round the page once
        assert state["visibleRing"], f"no visible focus on control {state['control']}"
        assert state["onScreen"], f"control {state['control']} has the focus but is off screen"
        reached.add(state["control"])
    missing = controls - reached
    assert not missing, f"controls not reachable by keyboard: {sorted(missing)}"


def test_the_skip_link_is_the_first_stop_and_moves_to_the_main_content(page, portal):
    page.goto(reverse("ecosystems:home"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside_main, "the next Tab continues inside the main content"


# The outermost elements reaching past the right edge (what scrolls inside a box is fine).
WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
    .filter(el => {
        for (let up = el.parentElement; up; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== "visible") return false;
        }
        return true;
    })
    .map(el => `${el.tagName}.${el.className} (${getComputedStyle(el).display})`).slice(0, 5)"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_pages_fit_the_screen_at_phone_and_desktop_widths(page, portal, width):
    page.set_viewport_size(width)
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in public_pages(portal).items():
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (
            f"{name} scrolls sideways by {overflow}px at {width['width']}px: "
            + str(page.evaluate(WIDER_THAN_THE_SCREEN))
        )
        page.screenshot(path=folder / f"{name}-{width['width']}.png", full_page=True)
