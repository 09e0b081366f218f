"""What every public address answers to hostile input, found by walking the URL resolver.

Every URL pattern but the admin's and the API's, in every language, with real slugs from a
small data set. The page cache is on, as in production.
"""

import dataclasses
import itertools
import json
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from alliances.models import FundingCall
from alliances.services import alliance_data_load
from figures.charts import CHARTS
from pactportal.sitemaps import SITEMAPS
from partnerships.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.models import DocumentFile
from partnerships.services import LoadReport
from tests.alliances.builders import make_alliance
from tests.factories import DocumentFactory, MembershipFactory, pdf_upload
from tests.security.payloads import assert_escaped

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The admin has tests of its own, and the API's hostile input a suite of its own.
NOT_WALKED = ("admin/", "api/")


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", for reverse()
    pattern: str  # the pattern's text, without the language prefix
    arguments: tuple[str, ...]
    localised: bool  # under /en/, /fr/ and /de/
    view: object


def public_routes() -> list[Route]:
    """Every URL pattern of the portal but the admin's and the API's."""

    def walk(patterns, prefix: str, namespace: str, localised: bool):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                language_prefix = isinstance(entry.pattern, LocalePrefixPattern)
                yield from walk(
                    entry.url_patterns,
                    prefix + ("" if language_prefix else str(entry.pattern)),
                    ":".join(filter(None, [namespace, entry.namespace])),
                    localised or language_prefix,
                )
            elif not (text := prefix + str(entry.pattern)).startswith(NOT_WALKED):
                yield Route(
                    name=":".join(filter(None, [namespace, entry.name or ""])),
                    pattern=text,
                    arguments=tuple(entry.pattern.regex.groupindex),
                    localised=localised,
                    view=entry.callback,
                )

    return list(walk(get_resolver().url_patterns, "", "", False))


ROUTES = public_routes()


@pytest.fixture
def samples(db):
    """A small published data set, and each route's URL arguments pointing into it."""
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    sections = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=sections, report=LoadReport())
    alliance = make_alliance(FundingCall.objects.get(slug="blueprint-2025"))
    membership = MembershipFactory()
    version = DocumentFile(document=DocumentFactory(), language="en", file=pdf_upload())
    version.full_clean()
    version.save()
    return {
        "alliances:detail": {"slug": alliance.slug},
        "figures:csv": {"slug": next(iter(CHARTS))},
        "ecosystems:detail": {"slug": "digital"},
        "partnerships:detail": {"slug": membership.partnership.slug},
        "partnerships:organisation_detail": {"slug": membership.organisation.slug},
        "partnerships:document_detail": {"slug": version.document.slug},
        "partnerships:document_download": {"slug": version.document.slug, "language": "en"},
        "django.contrib.sitemaps.views.sitemap": {"section": next(iter(SITEMAPS))},
        "switch_language": {"language": "fr"},
    }


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


class Visitor:
    """A browser that sees only responses, never exceptions, and checks each of them."""

    def __init__(self, route: Route, samples: dict):
        self.route, self.kwargs = route, samples.get(route.name, {})
        self.client = Client(raise_request_exception=False)
        self.languages = itertools.cycle(LANGUAGES if route.localised else LANGUAGES[:1])

    def url(self, language: str | None = None, **kwargs) -> str:
        with translation.override(language or next(self.languages)):
            return reverse(self.route.name, kwargs={**self.kwargs, **kwargs})

    def check(self, response, what):
        assert response.status_code < 500, (self.route.name, what, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert_escaped(response.content.decode(errors="replace"))
        return response

    def get(self, url, data=None, **extra):
        return self.check(self.client.get(url, data, **extra), ("GET", url[:200], data))


def test_the_walk_finds_every_public_page_with_real_arguments(samples):
    names = {route.name for route in ROUTES}
    assert {"ecosystems:home", "partnerships:list", "alliances:check", "healthz"} <= names
    assert not [route.pattern for route in ROUTES if route.pattern.startswith(NOT_WALKED)]
    # A new route with arguments needs sample values, or it would only ever answer 404s.
    assert all(route.name for route in ROUTES), [r.pattern for r in ROUTES if not r.name]
    assert [route.name for route in ROUTES if route.arguments and route.name not in samples] == []


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_a_host_the_portal_does_not_serve_is_a_400_in_the_sites_layout(samples, page_cache, route):
    visitor = Visitor(route, samples)
    for language in LANGUAGES if route.localised else LANGUAGES[:1]:
        for host in ["evil.example", "localhost.evil.example:8000"]:
            response = visitor.get(visitor.url(language), HTTP_HOST=host)
            html = response.content.decode()
            assert response.status_code == 400, (route.name, language, host)
            assert 'class="skip-link"' in html and 'class="site-header"' in html
            assert "evil.example" not in html


def test_a_host_the_portal_does_not_serve_is_logged_as_a_warning(db, caplog):
    with caplog.at_level(logging.INFO):
        response = Client().get(reverse("partnerships:list"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    logged = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert [(r.levelname, r.exc_info) for r in logged] == [("WARNING", None)]
    assert "evil.example" in logged[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
