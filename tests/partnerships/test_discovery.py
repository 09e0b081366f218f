"""Search, the feed, the sitemap, robots.txt, error pages, hostile input and query ceilings."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import PublicationStatus
from partnerships.models import Partnership
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("partnerships:search")


def test_search_groups_results_by_type_ranked_with_stemming(client, pact_data):
    response = client.get(SEARCH, {"q": "regional skills partnerships lombardy"})
    html = response.content.decode()
    groups = {group["key"]: group for group in response.context["groups"]}

    assert response.status_code == 200
    assert '<h2 id="group-partnerships">Partnerships' in html
    group = html.split('id="group-partnerships"')[1]
    first = re.search(r'href="/en/partnerships/([^/"]+)/"', group)
    assert first[1] == "lombardy-regional-skills-partnership"
    # "partnerships" found "Partnership": English stemming.
    assert groups["partnerships"]["count"] >= 1


def test_search_finds_each_kind_of_record(client, pact_data):
    for text, key in [
        ("construction", "ecosystems"),
        ("Madrid", "documents"),
        ("Regione Lombardia", "organisations"),
    ]:
        groups = {g["key"]: g for g in client.get(SEARCH, {"q": text}).context["groups"]}
        assert groups[key]["count"] >= 1, text


def test_search_never_shows_drafts_or_archived_records(client, db):
    PartnershipFactory(name="Hydrogen Valley Skills", status=PublicationStatus.DRAFT)
    PartnershipFactory(name="Hydrogen Archive Skills", status=PublicationStatus.ARCHIVED)
    OrganisationFactory(name="Hydrogen Institute", status=PublicationStatus.DRAFT)
    DocumentFactory(title="Hydrogen roadmap", status=PublicationStatus.DRAFT)
    PartnershipFactory(name="Hydrogen Public Partnership")

    response = client.get(SEARCH, {"q": "hydrogen"})
    html = response.content.decode()
    assert response.context["total"] == 1
    assert "Hydrogen Public Partnership" in html
    assert "Valley" not in html and "Archive" not in html and "Institute" not in html
    assert "roadmap" not in html


def test_an_overlong_search_is_refused_with_a_message(client, db):
    response = client.get(SEARCH, {"q": "x" * 10_000})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()


def test_the_feed_lists_published_documents_by_their_own_date(client, db):
    dated = {"issued_on": datetime.date(2023, 4, 24), "issued_on_precision": "day"}
    DocumentFactory(title="Fresh agreement", description="Signed in Brussels.", **dated)
    DocumentFactory(
        title="Blueprint in a nutshell",
        issued_on=datetime.date(2017, 1, 1),
        issued_on_precision="year",
    )
    DocumentFactory(title="Undated leaflet")
    DocumentFactory(title="Secret draft", status=PublicationStatus.DRAFT, **dated)
    DocumentFactory(title="Withdrawn leaflet", status=PublicationStatus.ARCHIVED, **dated)

    response = client.get(reverse("partnerships:document_feed"))
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Fresh agreement</title>" in xml
    assert "Secret draft" not in xml and "Withdrawn leaflet" not in xml
    # Each entry carries the document's own date, never the day it was loaded; a document
    # whose date is unknown cannot be placed in time and is left out.
    assert "<published>2023-04-24T00:00:00+00:00</published>" in xml
    assert "<published>2017-01-01T00:00:00+00:00</published>" in xml
    assert str(datetime.date.today().year) not in xml.split("</updated>", 1)[1]
    assert "Undated leaflet" not in xml
    assert xml.index("Fresh agreement") < xml.index("Blueprint in a nutshell")


def test_sitemaps_date_documents_by_their_own_date_and_records_by_curators_changes(client, db):
    DocumentFactory(
        slug="blueprint", issued_on=datetime.date(2017, 1, 1), issued_on_precision="year"
    )
    PartnershipFactory(slug="loaded")
    documents = client.get(
        reverse("django.contrib.sitemaps.views.sitemap", args=["documents"])
    ).content.decode()
    assert "<lastmod>2017-01-01</lastmod>" in documents
    partnerships = client.get(
        reverse("django.contrib.sitemaps.views.sitemap", args=["partnerships"])
    ).content.decode()
    assert "/partnerships/loaded/" in partnerships and "<lastmod>" not in partnerships


def test_the_sitemap_lists_published_pages_only(client, db):
    published = PartnershipFactory(slug="open-partnership")
    PartnershipFactory(slug="draft-partnership", status=PublicationStatus.DRAFT)
    OrganisationFactory(slug="draft-org", status=PublicationStatus.DRAFT)
    DocumentFactory(slug="draft-doc", status=PublicationStatus.DRAFT)

    index = client.get(reverse("sitemap")).content.decode()
    assert "sitemap-partnerships.xml" in index
    sections = "".join(
        client.get(f"/sitemap-{name}.xml").content.decode()
        for name in ("pages", "ecosystems", "partnerships", "organisations", "documents")
    )
    assert published.get_absolute_url() in sections
    assert "/ecosystems/digital/" in sections
    assert "draft-partnership" not in sections
    assert "draft-org" not in sections and "draft-doc" not in sections


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in response.content.decode()
    for language in ("en", "fr", "de"):
        with translation.override(language):
            assert f"Disallow: {reverse('partnerships:search')}\n" in response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_missing_pages_get_the_site_layout_and_api_paths_get_json(client, db):
    response = client.get(reverse("partnerships:detail", args=["no-such-partnership"]))
    assert response.status_code == 404
    assert "We cannot find this page" in response.content.decode()
    assert 'class="site-nav"' in response.content.decode()

    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_server_error_gets_a_friendly_page_without_touching_the_database(db, settings):
    from pactportal.views import server_error

    request = Client().get("/").wsgi_request
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# Already encoded for the query string, so malformed UTF-8 and NUL bytes arrive as a
# browser or a script could really send them.
HOSTILE = [
    quote("<script>alert(1)</script>"),
    quote("' OR 1=1; DROP TABLE partnerships_partnership; --"),
    quote("../../../../etc/passwd"),
    "%FF%FE%00bad%C0%AF",
    "9" * 40,
    "x" * 10_000,
]
PAGES = {
    "partnerships:list": [
        "q",
        "kind",
        "scope",
        "ecosystem",
        "country",
        "year",
        "year_from",
        "year_to",
        "ordering",
        "page",
    ],
    "partnerships:organisation_list": ["q", "country", "type", "ordering", "page"],
    "partnerships:document_list": [
        "q",
        "kind",
        "language",
        "year",
        "year_from",
        "year_to",
        "ecosystem",
        "partnership",
        "ordering",
        "page",
    ],
    "partnerships:search": ["q"],
    "ecosystems:home": ["q"],
    "ecosystems:list": ["page"],
}


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("page", PAGES)
def test_hostile_values_in_every_parameter_give_a_normal_page(client, db, page, value):
    PartnershipFactory(name="Still here")
    query = "&".join(f"{name}={value}" for name in PAGES[page])
    response = client.get(f"{reverse(page)}?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert Partnership.objects.filter(name="Still here").exists()


@pytest.mark.parametrize(
    "url",
    [
        "partnerships/%3Cscript%3E/",
        "documents/x/..%2F..%2Fsettings.pdf",
        "documents/no-such-doc/en.pdf",
        "organisations/" + "a" * 300 + "/",
        "ecosystems/not-an-ecosystem/",
    ],
)
def test_hostile_paths_are_plain_not_found(client, db, url):
    assert client.get(reverse("ecosystems:home") + url).status_code == 404


def build_world(scale: int):
    """At scale 1: 50 partnerships with members, countries, documents and versions."""
    for _ in range(10 * scale):
        for slug in ("digital", "health", "tourism"):
            partnership = PartnershipFactory(ecosystem=ecosystem(slug))
            MembershipFactory.create_batch(3, partnership=partnership)
            document = DocumentFactory(partnership=partnership, ecosystem=ecosystem(slug))
            DocumentFileFactory(document=document, language="en")
            DocumentFileFactory(document=document, language="fr")
        regional = PartnershipFactory(regional=True)
        regional.countries.add("IT", "SI")
        regional.linked_ecosystems.add(ecosystem("digital"), ecosystem("health"))
        MembershipFactory.create_batch(2, partnership=regional)
        PartnershipFactory(status=PublicationStatus.DRAFT)
    return Partnership.objects.published().regional().first()


# Ceilings per page, whatever the number of rows: the same for both scales below.
CEILINGS = {
    ("ecosystems:home", ""): 7,
    ("ecosystems:list", ""): 1,
    ("ecosystems:detail", "digital"): 12,
    # The facets counted in one query (``core.queries.value_counts()``) but the regions',
    # which also reads their names (remembered after).
    ("partnerships:list", ""): 10,
    ("partnerships:list", "?kind=regional&country=IT&ecosystem=digital&q=skills"): 10,
    ("partnerships:organisation_list", ""): 4,
    ("partnerships:organisation_list", "?type=vet_provider&country=IT"): 6,
    ("partnerships:document_list", ""): 9,
    ("partnerships:document_list", "?language=en&ecosystem=digital"): 12,
    ("partnerships:search", "?q=skills"): 10,
    # Nothing found: one more query, for the closest name ("Did you mean …?").
    ("partnerships:search", "?q=Tesaly"): 10,
    ("partnerships:document_feed", ""): 2,
}


def ceiling_urls() -> dict[str, int]:
    """Each page of CEILINGS by its URL: the slug after the view name, or its query string."""
    urls = {}
    for (view, extra), ceiling in CEILINGS.items():
        if extra.startswith("?") or not extra:
            urls[reverse(view) + extra] = ceiling
        else:
            urls[reverse(view, args=[extra])] = ceiling
    urls[reverse("django.contrib.sitemaps.views.sitemap", args=["partnerships"])] = 2
    return urls


@pytest.mark.parametrize("scale", [1, 3])
def test_every_page_runs_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, scale
):
    regional = build_world(scale)
    partnership_page = regional.get_absolute_url()
    organisation_page = regional.memberships.first().organisation.get_absolute_url()
    document_page = Partnership.objects.published().large_scale().first().documents.first()

    for url, ceiling in [
        *ceiling_urls().items(),
        (partnership_page, 9),  # with the member counts, alliances and commitments it names
        (organisation_page, 2),
        (document_page.get_absolute_url(), 3),
    ]:
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200, url
