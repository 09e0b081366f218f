"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live server.

One browser for all of them; a fresh context (cookies, storage) for each test. Each test
fails on any error the page logs, Content-Security-Policy violations included, and leaves a
screenshot in test-artifacts/ when it fails.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import sync_playwright

from partnerships.models import DocumentFile, Partnership
from partnerships.services import document_text_refresh
from tests.chromium import launch
from tests.factories import DocumentFactory, make_scanned_pdf, make_text_pdf

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
MADRID = "Madrid Oeste Tecnológico Regional Skills Partnership"

# Every browser test serves pages from a live server, so each runs in a real transaction; the
# data the migrations create (ecosystems, countries, the curators' group) is put back after
# each (tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


# One browser for this package's tests, closed after the last of them: later tests (pytest-django
# runs the tests without a database last) get a thread without Playwright's event loop.
@pytest.fixture(scope="package")
def browser(django_db_setup):
    # Playwright's synchronous API runs an event loop in this thread; the tests' own database
    # calls between browser steps are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, accept_downloads=True)
    # Nothing leaves this machine: a request to another host would be a bug of ours anyway.
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.abort("blockedbyclient"),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    # Failed loads are caught from the responses below, where the expected 404 of a page that
    # does not exist can be told from a missing image or stylesheet.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    # Texts of errors a test expects (and explains); any other error fails the test.
    page.expected_errors = []
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", request.node.nodeid.split("::", 1)[1])
        page.screenshot(path=ARTIFACTS / f"failure-{name}.png", full_page=True)
    context.close()
    unexpected = [e for e in errors if not any(text in e for text in page.expected_errors)]
    assert not unexpected, f"the page logged errors: {unexpected}"


@pytest.fixture
def portal(pact_data):
    """The real data, plus an agreement of the Madrid partnership uploaded as a PDF."""
    madrid = Partnership.objects.get(name=MADRID)
    document = DocumentFactory(
        title="Madrid Oeste partnership charter", slug="madrid-oeste-charter", partnership=madrid
    )
    pages = [
        "The partners of Madrid Oeste agree to train technicians together.",
        # A web address longer than a phone's screen is wide: the text page wraps it.
        "Annex: https://www.madrid-oeste-tecnologico.example.eu/documents/charter/annexes/2024",
    ]
    version = DocumentFile(document=document, language="en")
    version.file = ContentFile(make_text_pdf(pages, outline={2: "Annex"}), name="charter.pdf")
    version.full_clean()
    version.save()
    document_text_refresh(version=version)
    # A scanned version: flagged, with a way to ask for an accessible format.
    scan = DocumentFile(document=document, language="es")
    scan.file = ContentFile(make_scanned_pdf(), name="carta.pdf")
    scan.save()
    document_text_refresh(version=scan)
    return {"partnership": madrid, "document": document, "version": version}
