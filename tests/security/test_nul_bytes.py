"""A NUL character wherever a visitor or a client can put one in a lookup.

PostgreSQL refuses text holding NUL outright. No stored slug, code or language can hold one,
so a lookup by such a value finds nothing: a 404 (or the page's own "not found" message),
never a server error, and nothing logged as an error.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from partnerships.models import Partnership
from tests.factories import DocumentFactory, DocumentFileFactory, MembershipFactory
from tests.security.curators import assert_no_error_logged, curator_client

pytestmark = pytest.mark.django_db

NUL = "%00"


@pytest.fixture
def records(db):
    membership = MembershipFactory(partnership__slug="open", organisation__slug="org")
    document = DocumentFactory(slug="doc", partnership=membership.partnership)
    DocumentFileFactory(document=document)


@pytest.fixture
def curator(db):
    return curator_client()


API_LOOKUPS = [
    ("get", f"/api/v1/ecosystems/{NUL}/"),
    ("get", f"/api/v1/partnerships/{NUL}/"),
    ("get", f"/api/v1/partnerships/{NUL}/members/"),
    ("get", f"/api/v1/organisations/{NUL}/"),
    ("get", f"/api/v1/documents/{NUL}/"),
    ("get", f"/api/v1/calls/{NUL}/"),
    ("get", f"/api/v1/alliances/{NUL}/"),
    ("get", f"/api/v1/alliances/{NUL}/eligibility/"),
    ("get", f"/api/v1/partnerships/open{NUL}/"),
]
API_WRITES = [
    ("patch", f"/api/v1/ecosystems/{NUL}/"),
    ("patch", f"/api/v1/partnerships/{NUL}/"),
    ("put", f"/api/v1/organisations/{NUL}/"),
    ("delete", f"/api/v1/documents/{NUL}/"),
    ("post", f"/api/v1/documents/{NUL}/versions/"),
]


@pytest.mark.parametrize(("method", "url"), API_LOOKUPS)
def test_a_nul_in_an_api_lookup_is_not_found(records, caplog, method, url):
    response = getattr(APIClient(raise_request_exception=False), method)(url)
    assert response.status_code == 404, response.content[:300]
    assert response.json()["detail"]
    assert_no_error_logged(caplog)


@pytest.mark.parametrize(("method", "url"), API_LOOKUPS + API_WRITES)
def test_a_nul_in_a_curators_api_lookup_is_not_found(records, curator, caplog, method, url):
    response = getattr(curator, method)(url, {"name": "Renamed"}, format="json")
    assert response.status_code == 404, response.content[:300]
    assert response.json()["detail"]
    assert_no_error_logged(caplog)


@pytest.mark.parametrize(
    "url",
    [
        f"/en/figures/members-by-type.csv?ecosystem={NUL}",
        f"/en/figures/launches-by-year.csv?ecosystem=digital{NUL}",
        f"/en/documents/doc/{NUL}.pdf",
        f"/en/documents/doc/en{NUL}.pdf",
    ],
)
def test_a_nul_in_a_page_lookup_is_not_found(records, caplog, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 404
    assert_no_error_logged(caplog)


@pytest.mark.parametrize("value", ["\x00", "org\x00", "\x00org"])
def test_a_nul_added_from_the_checkers_directory_is_not_in_the_directory(records, caplog, value):
    response = Client(raise_request_exception=False).post(
        "/en/alliances/check/", {"add": value, "members-TOTAL_FORMS": "0"}
    )
    assert response.status_code == 200
    assert "That organisation is not in the directory." in response.content.decode()
    assert_no_error_logged(caplog)


def test_a_lookup_holding_nul_matches_nothing_and_its_negation_everything(records):
    assert not Partnership.objects.filter(slug="op\x00en").exists()
    assert not Partnership.objects.filter(name__icontains="\x00").exists()
    assert Partnership.objects.exclude(slug="\x00").count() == Partnership.objects.count()
    assert list(Partnership.objects.filter(slug__in=["open", "\x00"]).values_list("slug")) == [
        ("open",)
    ]
    assert not Partnership.objects.filter(slug__in=["\x00"]).exists()
