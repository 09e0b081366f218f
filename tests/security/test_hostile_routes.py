"""Hostile input on every public address, found by walking the URL resolver.

Every URL pattern but the admin's and the API's, in every language, with real slugs from a
small data set, gets each kind of hostile input: NUL bytes, text that is not UTF-8 and lone
surrogates as raw percent-escapes in the path and the query; huge values; letters where
numbers go and several values where one goes, in every parameter its form or FilterSet reads;
a Host header the portal does not serve; and, where it takes a POST, inflated formset counts
and oversized bodies. No answer is a 5xx, no markup sent comes back able to run, and nothing
is written. The page cache is on, as in production (tests/conftest.py).
"""

import dataclasses
import itertools
import json
import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from alliances.forms import CheckerForm
from alliances.models import FundingCall
from alliances.services import alliance_data_load
from core.curation import PreviewLink
from figures.charts import CHARTS
from opendata import bulk
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from pactportal.sitemaps import SITEMAPS
from partnerships.forms import SearchForm
from partnerships.models import DocumentFile
from partnerships.services import LoadReport
from tests.alliances.builders import make_alliance
from tests.factories import DocumentFactory, MembershipFactory, pdf_upload
from tests.security.payloads import HOSTILE, MALFORMED_QUERIES, assert_escaped, encodable

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

# What the views without a FilterSet read from the query string (a GET) or the form (a POST).
READS = {
    "partnerships:search": [*SearchForm.base_fields],
    "figures:csv": ["ecosystem"],
    "regions:map": ["country"],
    "regions:gaps": ["ecosystem", "country"],
    "switch_language": ["next"],
    "django.contrib.sitemaps.views.sitemap": ["p"],
}
POSTS = {
    "alliances:check": [*CheckerForm.base_fields, "members-0-name", "members-0-role"],
}


def parameters(route: Route) -> list[str]:
    """Every query parameter the route's view reads."""
    filterset = getattr(getattr(route.view, "view_class", None), "filterset_class", None)
    return [*filterset.base_filters, "page"] if filterset else READS.get(route.name, [])


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
    # A draft shared by a preview link, so that its address answers.
    _link, token = PreviewLink.create(
        record=DocumentFactory(status="draft"), user=User.objects.create_user("sharer")
    )
    # The open data ZIP, so that its address answers.
    bulk.publish_archive()
    return {
        "alliances:detail": {"slug": alliance.slug},
        "figures:csv": {"slug": next(iter(CHARTS))},
        "ecosystems:detail": {"slug": "digital"},
        "partnerships:detail": {"slug": membership.partnership.slug},
        "partnerships:organisation_detail": {"slug": membership.organisation.slug},
        "partnerships:document_detail": {"slug": version.document.slug},
        "partnerships:document_download": {"slug": version.document.slug, "language": "en"},
        "partnerships:document_text": {"slug": version.document.slug, "language": "en"},
        "django.contrib.sitemaps.views.sitemap": {"section": next(iter(SITEMAPS))},
        "switch_language": {"language": "fr"},
        "information_page": {"slug": "accessibility"},
        "regions:detail": {"code": "ITH4"},
        "regions:gaps_csv": {"slug": "digital"},
        "preview": {"token": token},
    }


def row_counts() -> dict[str, int]:
    """How many rows each of the portal's tables holds."""
    tables = connection.introspection.django_table_names(only_existing=True)
    selects = [f"SELECT %s, count(*) FROM {connection.ops.quote_name(t)}" for t in tables]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), tables)
        return dict(cursor.fetchall())


# Raw in the path, as an argument's value or as a segment of its own.
PATH_VALUES = [
    *MALFORMED_QUERIES,
    "%e2%80%aegnp.exe",  # right-to-left override
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2f..%2f..%2fetc%2fpasswd",
    "a" * 5_000,
    "-1",
    "%20",
]
# Where a number, a slug or a code goes.
WRONG_TYPES = ["abc", "-1", "0", "1.5", "1e309", "9" * 40, "0x1f", "\uff12", " "]
# A few values stand for all in posted forms, each on every field.
POSTED = ["xss", "nul", "lone-surrogate", "oversized", "sql"]
TOO_MANY = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 100
TOO_LARGE = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


def size(response) -> int:
    if response.streaming:
        return sum(len(part) for part in response.streaming_content)
    return len(response.content)


class Visitor:
    """A browser that sees only responses, never exceptions, and checks each of them."""

    def __init__(self, route: Route, samples: dict):
        self.route, self.kwargs = route, samples.get(route.name, {})
        self.client = Client(raise_request_exception=False)
        self.languages = itertools.cycle(LANGUAGES if route.localised else LANGUAGES[:1])

    def url(self, language: str | None = None, **kwargs) -> str:
        with translation.override(language or next(self.languages)):
            return reverse(self.route.name, kwargs={**self.kwargs, **kwargs})

    def raw_urls(self, value: str) -> list[str]:
        """The address with ``value`` written into it as it is, percent-escapes and all: in
        place of each argument in turn, or as a segment of its own."""
        if not self.route.arguments:
            return [f"{self.url()}{value}/"]
        placeholder = "placeholder-zz"
        return [
            self.url(**{argument: placeholder}).replace(placeholder, value)
            for argument in self.route.arguments
        ]

    def check(self, response, what):
        assert response.status_code < 500, (self.route.name, what, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert_escaped(response.content.decode(errors="replace"))
        return response

    def get(self, url, data=None, **extra):
        return self.check(self.client.get(url, data, **extra), ("GET", url[:200], data))

    def post(self, url, data=None, **extra):
        return self.check(self.client.post(url, data, **extra), ("POST", url[:200]))


def test_the_walk_finds_every_public_page_with_real_arguments(samples):
    names = {route.name for route in ROUTES}
    assert {"ecosystems:home", "partnerships:list", "alliances:check", "healthz"} <= names
    assert not [route.pattern for route in ROUTES if route.pattern.startswith(NOT_WALKED)]
    # A new route with arguments needs sample values, or the walk would only meet 404s.
    assert all(route.name for route in ROUTES), [r.pattern for r in ROUTES if not r.name]
    assert [route.name for route in ROUTES if route.arguments and route.name not in samples] == []


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
# A 5,000-character slug makes a 5,000-character cache key, which only memcached refuses; the
# portal's caches are Redis and local memory.
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
def test_hostile_input_on_every_route(samples, route):
    before = row_counts()
    visitor = Visitor(route, samples)
    names = [*parameters(route), "utm_source"]  # and one that no view reads

    # The real address answers in every language, so what follows reaches the view.
    for language in LANGUAGES if route.localised else LANGUAGES[:1]:
        response = visitor.get(visitor.url(language))
        # 303: /catalog sends each client to the format it accepts.
        assert response.status_code in (200, 302, 303), (route.name, language)

    # The path: raw escapes, huge and wrong values as arguments or segments, with and without
    # the language prefix.
    for value in PATH_VALUES:
        for url in visitor.raw_urls(value):
            visitor.get(url)
    if route.localised:
        for url in visitor.raw_urls("%ff%fe"):
            visitor.get("/" + url.split("/", 2)[2])  # without /en/: a redirect, or not

    # The query: every parameter the view reads at once, then each alone. Every page puts its
    # query string into its language links, so even a view that reads none gets the text.
    for raw in MALFORMED_QUERIES:
        visitor.get(visitor.url() + "?" + "&".join(f"{name}={raw}" for name in names))
    visitor.get(visitor.url() + "?%ff%fe=1&%00=1&%ed%a0%80=1")
    visitor.get(visitor.url() + "?" + "&".join(["page=1"] * TOO_MANY))
    for value in map(encodable, HOSTILE.values()):
        visitor.get(visitor.url(), dict.fromkeys(names, value))
    if reads := parameters(route):
        for value in WRONG_TYPES:
            visitor.get(visitor.url(), dict.fromkeys(reads, value))
        visitor.get(visitor.url(), {name: ["1", "abc", "x" * 5_000] for name in reads})
        visitor.get(visitor.url() + "?" + "&".join(f"{name}[]=1&{name}[0]=1" for name in reads))
        for name in reads:
            for value in ["%ff%fe", "%00", "abc"]:
                visitor.get(f"{visitor.url()}?{name}={value}")

    # Posted forms, where the route takes them.
    plain = visitor.post(visitor.url(), {})
    if plain.status_code != 405:
        url = visitor.url()
        counts = {
            f"{prefix}-{count}": "99999999"
            for prefix in ["members", "form"]
            for count in ["TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"]
        }
        inflated = visitor.post(url, {**counts, "check": "1"})
        # More rows claimed is not more page: no row is drawn for a count alone.
        assert size(inflated) < size(plain) + 64_000, route.name
        fields = [*POSTS.get(route.name, []), *names]
        for label in POSTED:
            visitor.post(url, dict.fromkeys(fields, encodable(HOSTILE[label])))
        body = b"q=" + b"x" * TOO_LARGE
        visitor.check(
            visitor.client.generic(
                "POST", url, body, content_type="application/x-www-form-urlencoded"
            ),
            "oversized body",
        )
        visitor.post(url, {"q": "x" * TOO_LARGE})  # multipart, as browsers send files
        visitor.post(url, {f"field{n}": "1" for n in range(TOO_MANY)})
        visitor.check(
            visitor.client.generic(
                "POST",
                url,
                b"%ff%fe=%00&members-TOTAL_FORMS=%ed%a0%80&members-INITIAL_FORMS=-1",
                content_type="application/x-www-form-urlencoded",
            ),
            "raw body",
        )

    assert row_counts() == before


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_a_host_the_portal_does_not_serve_is_a_400_in_the_sites_layout(samples, route):
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
