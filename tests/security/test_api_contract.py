"""The API takes exactly what its OpenAPI schema says, one example of each thing schemathesis
found it taking or refusing otherwise (tests/security/test_schemathesis.py finds them all)."""

import json

import pytest
from rest_framework.test import APIClient

from alliances.services import alliance_data_load
from core.partial_dates import PartialDate
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.models import Document, DocumentFile
from partnerships.services import LoadReport
from tests.factories import DocumentFactory, OrganisationFactory, PartnershipFactory
from tests.security.curators import assert_no_error_logged, curator_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(db):
    return curator_client()


@pytest.mark.parametrize("query", ["page_size=false", "page_size=0", "page=-3", "page=last"])
def test_a_csv_export_refuses_the_paging_values_a_page_refuses(db, query):
    response = APIClient().get(f"/api/v1/partnerships/?format=csv&{query}")
    assert response.status_code == 400
    assert response.json()["errors"].keys() == {query.split("=")[0]}


@pytest.mark.parametrize("query", ["kind=", "lang=", "page_size=", "page=", "status=", "q="])
def test_an_empty_query_parameter_is_the_same_as_none(db, query):
    PartnershipFactory()
    response = APIClient().get(f"/api/v1/partnerships/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 1),
        ("acronym", 1.5),
        ("commitment_people", "12"),
        ("countries", {}),
        ("countries", "IT"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused(curator, field, value):
    PartnershipFactory(slug="open")
    response = curator.patch("/api/v1/partnerships/open/", {field: value}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [field]


def test_booleans_are_json_booleans(curator):
    OrganisationFactory(slug="org", type="hei")
    for value in ("true", 1, "yes"):
        response = curator.patch(
            "/api/v1/organisations/org/", {"eche_holder": value}, format="json"
        )
        assert response.status_code == 400, value
    assert (
        curator.patch(
            "/api/v1/organisations/org/", {"eche_holder": True}, format="json"
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "address",
    ["ftp://example.eu/", "https://localhost/", "https://" + "a" * 64 + ".eu/", "https://x.eu/%"],
)
def test_a_web_address_is_one_the_schema_describes(curator, address):
    PartnershipFactory(slug="open")
    response = curator.patch("/api/v1/partnerships/open/", {"website": address}, format="json")
    assert response.status_code == 400
    assert "website" in response.json()["errors"]


def test_an_update_the_records_rules_refuse_is_a_conflict_naming_the_field(curator):
    PartnershipFactory(slug="open")  # large-scale
    response = curator.patch("/api/v1/partnerships/open/", {"scope": "local"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The change conflicts with the record as it is.",
        "errors": {"scope": ["A large-scale partnership has no scope."]},
    }


def test_a_new_record_the_rules_refuse_is_still_a_400(curator):
    body = {"slug": "new", "name": "New", "kind": "large-scale", "scope": "local"}
    response = curator.post("/api/v1/partnerships/", body, format="json")
    assert response.status_code == 400
    assert "scope" in response.json()["errors"]


def test_a_record_created_in_another_language_has_that_text_in_english_too(curator):
    response = curator.post(
        "/api/v1/documents/?lang=fr",
        {"slug": "accord", "title": "Accord", "kind": "agreement"},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    document = Document.objects.get(slug="accord")
    assert (document.title_en, document.title_fr) == ("Accord", "Accord")


def test_a_language_version_is_a_pdf_upload_or_a_json_link(curator):
    DocumentFactory(slug="doc")
    link = {"language": "fr", "external_url": "https://example.eu/accord.pdf"}
    # A link says what it opens: a PDF or a web page.
    unsaid = curator.post("/api/v1/documents/doc/versions/", link, format="json")
    assert unsaid.status_code == 400 and "file_format" in unsaid.json()["errors"]
    link["file_format"] = "pdf"
    assert curator.post("/api/v1/documents/doc/versions/", link, format="json").status_code == 201
    both = curator.post(
        "/api/v1/documents/doc/versions/", {"language": "de", **link}, format="multipart"
    )
    assert both.status_code == 400 and "file" in both.json()["errors"]
    assert list(DocumentFile.objects.values_list("language", flat=True)) == ["fr"]


@pytest.mark.parametrize("body", [{"name": "Renamed"}, {"name": "Renamed", "status": "draft"}])
def test_writes_take_json_only(curator, body):
    PartnershipFactory(slug="open")
    response = curator.patch("/api/v1/partnerships/open/", body, format="multipart")
    assert response.status_code == 415


def test_a_body_over_the_limit_is_a_413(curator, caplog):
    body = json.dumps({"name": "x" * 3_000_000})
    response = curator.generic("POST", "/api/v1/partnerships/", body, "application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert_no_error_logged(caplog)


def test_the_browsable_api_serves_a_curator(curator):
    OrganisationFactory(slug="org")
    assert curator.get("/api/v1/organisations/org/", HTTP_ACCEPT="text/html").status_code == 200


def test_a_consortium_members_country_is_any_case_like_every_country(db):
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    calls = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=calls, report=LoadReport())
    member = {"name": "Uni", "country": "fr", "type": "hei", "role": "coordinator"}
    response = APIClient().post(
        "/api/v1/eligibility-check/",
        {"call": "blueprint-2025", "members": [member]},
        format="json",
    )
    assert response.status_code == 200, response.content[:300]


def test_a_year_before_1000_keeps_its_four_digits():
    assert PartialDate.parse("0929").isoformat() == "0929"
    assert PartialDate.parse("0254-12").isoformat() == "0254-12"
