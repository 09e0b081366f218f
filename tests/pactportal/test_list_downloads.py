"""Every public list offers its records as CSV: exactly the filtered list shown, with the API's
columns, published records only, each set of filters cached on its own."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from core.models import PublicationStatus
from tests.factories import DocumentFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<p class="download"><a href="([^"]+)" download>([^<]+)</a></p>')
DRAFT = PublicationStatus.DRAFT


def csv_link(client, url: str, params=None) -> str:
    page = client.get(url, params or {})
    assert page.status_code == 200
    links = LINK.findall(page.content.decode())
    assert links, f"{url} offers no CSV"
    return html.unescape(links[0][0])


def download(client, href: str) -> list[dict]:
    response = client.get(href)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def shown_slugs(client, url: str, params: dict, pattern: str) -> set[str]:
    """The slugs of every record the list shows, page after page."""
    slugs, page = set(), 1
    while True:
        body = client.get(url, {**params, "page": page}).content.decode()
        results = body.split('<section class="results"', 1)[1].split("</section>", 1)[0]
        slugs |= set(re.findall(pattern, results))
        if 'rel="next"' not in body:
            return slugs
        page += 1


def test_the_partnerships_csv_is_the_filtered_list_shown_without_drafts(client):
    for i in range(23):  # more than a page; named so that name and slug sort alike
        italian = PartnershipFactory(regional=True, name=f"Italian {i:02}", slug=f"italian-{i:02}")
        italian.countries.add("IT")
    PartnershipFactory(regional=True, slug="italian-draft", status=DRAFT).countries.add("IT")
    PartnershipFactory(regional=True, slug="french-one").countries.add("FR")
    params = {"kind": "regional", "country": "IT", "ordering": "-name"}
    url = reverse("partnerships:list")

    rows = download(client, csv_link(client, url, params))

    shown = shown_slugs(client, url, params, r'href="/en/partnerships/([\w-]+)/"')
    assert {row["slug"] for row in rows} == shown
    assert len(rows) == 23 and "italian-draft" not in shown
    # In the list's order, with the API's own columns.
    assert [row["slug"] for row in rows] == sorted(shown, reverse=True)
    api = client.get(reverse("api:partnership-list"), {"format": "csv"}).content.decode()
    assert list(rows[0]) == api.splitlines()[0].split(",")


def test_a_refused_filter_value_is_left_out_of_the_csv_as_out_of_the_list(client):
    PartnershipFactory(regional=True)
    PartnershipFactory()  # large-scale by default
    href = csv_link(client, reverse("partnerships:list"), {"kind": "regional", "year_from": "abc"})
    assert "year_from" not in href
    assert len(download(client, href)) == 1


def test_the_csv_follows_the_page_s_language(client):
    PartnershipFactory(regional=True)
    href = csv_link(client, "/de/partnerships/")
    assert "lang=de" in href
    assert client.get(href)["Content-Language"] == "de"


def test_each_set_of_filters_is_a_download_of_its_own_and_a_publish_shows_at_once(client):
    PartnershipFactory(regional=True, slug="first").countries.add("IT")
    late = PartnershipFactory(regional=True, slug="late", status=DRAFT)
    late.countries.add("IT")
    PartnershipFactory(regional=True, slug="elsewhere").countries.add("ES")
    url = reverse("partnerships:list")
    italy = csv_link(client, url, {"country": "IT"})
    spain = csv_link(client, url, {"country": "ES"})
    assert [r["slug"] for r in download(client, italy)] == ["first"]
    assert [r["slug"] for r in download(client, spain)] == ["elsewhere"]
    late.status = PublicationStatus.PUBLISHED
    late.save()
    assert {r["slug"] for r in download(client, italy)} == {"first", "late"}


@pytest.mark.parametrize(
    "list_name, make, pattern",
    [
        (
            "partnerships:organisation_list",
            lambda status: OrganisationFactory(status=status),
            r'href="/en/organisations/([\w-]+)/"',
        ),
        (
            "partnerships:document_list",
            lambda status: DocumentFactory(status=status),
            r'href="/en/documents/([\w-]+)/"',
        ),
    ],
)
def test_the_other_lists_offer_their_csv_too(client, list_name, make, pattern):
    for _ in range(3):
        make(PublicationStatus.PUBLISHED)
    draft = make(DRAFT)
    url = reverse(list_name)
    rows = download(client, csv_link(client, url))
    assert {row["slug"] for row in rows} == shown_slugs(client, url, {}, pattern)
    assert draft.slug not in {row["slug"] for row in rows} and len(rows) == 3


def test_the_alliances_list_offers_its_csv(pact_data, client):
    url = reverse("alliances:list")
    rows = download(client, csv_link(client, url, {"ecosystem": "digital"}))
    shown = shown_slugs(client, url, {"ecosystem": "digital"}, r'href="/en/alliances/([\w-]+)/"')
    assert rows and {row["slug"] for row in rows} == shown


def test_each_search_group_offers_all_its_results_as_csv(client):
    for i in range(12):
        PartnershipFactory(regional=True, name=f"Hydrogen valley {i}")
    PartnershipFactory(regional=True, name="Hydrogen valley draft", status=DRAFT)
    page = client.get(reverse("partnerships:search"), {"q": "hydrogen"}).content.decode()
    group = page.split('id="group-partnerships"', 1)[1].split("</section>", 1)[0]
    href = html.unescape(LINK.findall(group)[0][0])
    rows = download(client, href)
    assert len(rows) == 12 and all("draft" not in row["name"] for row in rows)
