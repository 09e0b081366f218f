"""REST API v1: reading, visibility, filters, formats, writes and their permissions."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from core.models import PublicationStatus
from core.partial_dates import PartialDate
from partnerships.models import DocumentFile, Organisation, Partnership
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
    make_pdf,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def clients(who: str, curator, reader) -> APIClient:
    return {
        "anonymous": client_for,
        "reader": lambda: client_for(reader),
        "curator": lambda: client_for(curator),
    }[who]()


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def curator():
    user = User.objects.create_user("curator", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["partnerships", "ecosystems"])
    )
    return user


@pytest.fixture
def reader():
    """Signed in, but neither staff nor granted any permission."""
    return User.objects.create_user("reader")


def test_the_lombardy_partnership_answers_the_readme_example(pact_data):
    response = client_for().get(f"{API}/partnerships/", {"kind": "regional", "country": "IT"})
    slugs = [p["slug"] for p in response.json()["results"]]
    assert response.status_code == 200
    assert "lombardy-regional-skills-partnership" in slugs


def test_a_partnership_in_full(pact_data):
    data = client_for().get(f"{API}/partnerships/lombardy-regional-skills-partnership/").json()

    assert data["kind"] == "regional" and data["scope"] == "regional"
    assert (
        data["url"] == "http://testserver/api/v1/partnerships/lombardy-regional-skills-partnership/"
    )
    assert data["web_url"] == "http://testserver" + reverse(
        "partnerships:detail", args=["lombardy-regional-skills-partnership"]
    )
    assert data["launched"] == "2022-12"  # known to the month, said so
    assert data["agreement_signed"] == "2023-04-24"
    assert data["countries"] == [{"code": "IT", "name": "Italy"}]
    assert data["regions"] == [{"name": "Lombardy", "nuts_code": "ITC4", "country": "IT"}]
    assert {e["slug"] for e in data["ecosystems"]} == {
        "cultural-creative-industries",
        "energy-intensive-industries",
        "health",
    }
    assert data["members"] == [
        {
            "organisation": {
                "slug": "regione-lombardia",
                "name": "Regione Lombardia",
                "url": "http://testserver/api/v1/organisations/regione-lombardia/",
            },
            "role": "coordinator",
            "country": {"code": "IT", "name": "Italy"},
            "type": "public_body",
            "named": "2022-12",
            "source_url": "https://pact-for-skills.ec.europa.eu/about/regional-skills-partnerships/"
            "regional-skills-partnership-lombardy-region_en",
        }
    ]
    assert data["member_counts"] == [] and data["alliances"] == []
    assert data["member_count"] == 1 and data["document_count"] == len(data["documents"])


def test_document_versions_carry_size_pages_hash_and_an_absolute_download_url(db):
    document = DocumentFactory(title="Signed agreement")
    upload = DocumentFile(document=document, language="de")
    upload.file = pdf_upload(pages=2)
    upload.save()
    DocumentFileFactory(document=document, language="en", size_bytes=334_930)

    versions = client_for().get(f"{API}/documents/{document.slug}/").json()["versions"]
    german = next(v for v in versions if v["language"] == "de")
    assert german == {
        "language": "de",
        "language_name": "German",
        "file_format": "pdf",
        "size_bytes": upload.size_bytes,
        "page_count": 2,
        "sha256": upload.sha256,
        "host": "",
        "label": f"German ({upload.size_label} - PDF)",
        "download_url": "http://testserver"
        + reverse("partnerships:document_download", args=[document.slug, "de"]),
        # Saved without reading its text, as the loader does: extract_document_text reads it.
        "text_status": "",
        "text_url": None,
    }
    english = next(v for v in versions if v["language"] == "en")
    # A PDF published elsewhere says where; only a PDF hosted here reads like a download.
    assert english["label"] == "English (327.08 KB - PDF, on pact-for-skills.ec.europa.eu)"
    assert english["host"] == "pact-for-skills.ec.europa.eu"
    assert english["download_url"].startswith("https://pact-for-skills.ec.europa.eu/")


def test_drafts_never_reach_anonymous_clients_anywhere(db):
    published = PartnershipFactory(slug="open")
    draft = PartnershipFactory(slug="secret", status=PublicationStatus.DRAFT)
    MembershipFactory(
        partnership=published,
        organisation=OrganisationFactory(slug="hidden-org", status=PublicationStatus.DRAFT),
    )
    DocumentFactory(partnership=published, slug="hidden-doc", status=PublicationStatus.DRAFT)
    DocumentFactory(partnership=draft, slug="public-doc-of-draft")
    anonymous = client_for()

    listing = anonymous.get(f"{API}/partnerships/").content.decode()
    detail = anonymous.get(f"{API}/partnerships/open/").content.decode()
    members = anonymous.get(f"{API}/partnerships/open/members/").content.decode()
    csv = anonymous.get(f"{API}/partnerships/", {"format": "csv"}).content.decode()
    document = anonymous.get(f"{API}/documents/public-doc-of-draft/").json()

    for body in (listing, detail, members, csv):
        assert "secret" not in body and "hidden-org" not in body and "hidden-doc" not in body
    assert anonymous.get(f"{API}/partnerships/secret/").status_code == 404
    assert anonymous.get(f"{API}/organisations/hidden-org/").status_code == 404
    assert document["partnership"] is None  # a draft partnership is not named
    assert anonymous.get(f"{API}/partnerships/", {"status": "draft"}).status_code == 403


def test_curators_list_drafts_on_request_and_read_them_by_slug(curator):
    PartnershipFactory(slug="open")
    PartnershipFactory(slug="secret", status=PublicationStatus.DRAFT)
    client = client_for(curator)

    default = [p["slug"] for p in client.get(f"{API}/partnerships/").json()["results"]]
    drafts = [p["slug"] for p in client.get(f"{API}/partnerships/?status=draft").json()["results"]]
    assert default == ["open"] and drafts == ["secret"]
    assert client.get(f"{API}/partnerships/secret/").status_code == 200
    response = client.get(f"{API}/partnerships/?status=hidden")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def launched(text: str) -> dict:
    date = PartialDate.parse(text)
    return {"launched_on": date.date, "launched_on_precision": date.precision}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "regional"}, ["bari", "lombardy"]),
        ({"scope": "local"}, ["bari"]),
        ({"ecosystem": "digital"}, ["digital-lsp", "lombardy"]),
        ({"country": "it"}, ["bari", "lombardy"]),
        ({"year": "2022"}, ["lombardy"]),
        ({"year_from": "2023", "year_to": "2023"}, ["digital-lsp"]),
        ({"q": "metropolitan"}, ["bari"]),
        ({"ordering": "-name"}, ["lombardy", "digital-lsp", "bari"]),
    ],
)
def test_partnership_filters_are_the_pages_filters(db, query, expected):
    digital = PartnershipFactory(
        slug="digital-lsp",
        name="Digital LSP",
        ecosystem=ecosystem("digital"),
        **launched("2023-05-01"),
    )
    lombardy = PartnershipFactory(
        regional=True, slug="lombardy", name="Lombardy", **launched("2022-12")
    )
    lombardy.linked_ecosystems.add(ecosystem("digital"))
    lombardy.countries.add("IT")
    bari = PartnershipFactory(
        regional=True, scope="local", slug="bari", name="Bari", summary="A metropolitan one."
    )
    bari.countries.add("IT")
    assert digital.launched.year == 2023

    results = client_for().get(f"{API}/partnerships/", query).json()["results"]
    slugs = [p["slug"] for p in results]
    assert slugs == expected if "ordering" in query else sorted(slugs) == expected


@pytest.mark.parametrize(
    ("endpoint", "query", "parameter"),
    [
        ("partnerships", {"kind": "mega"}, "kind"),
        ("partnerships", {"country": "XX"}, "country"),
        ("partnerships", {"ecosystem": "space"}, "ecosystem"),
        ("partnerships", {"year": "twenty"}, "year"),
        ("partnerships", {"year_from": "99999999999999"}, "year_from"),
        ("partnerships", {"ordering": "secret_field"}, "ordering"),
        ("partnerships", {"q": "x" * 201}, "q"),
        ("organisations", {"type": "alien"}, "type"),
        ("documents", {"language": "xx"}, "language"),
        ("documents", {"partnership": "nope"}, "partnership"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(db, endpoint, query, parameter):
    response = client_for().get(f"{API}/{endpoint}/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert list(body["errors"]) == [parameter]


@pytest.mark.parametrize(
    "view", ["api:organisation-list", "partnerships:organisation_list", "partnerships:list"]
)
def test_an_empty_ordering_list_is_no_ordering(db, view):
    OrganisationFactory()
    response = client_for().get(reverse(view), {"ordering": ",,"})
    assert response.status_code == 200


def test_organisation_and_document_filters(db):
    OrganisationFactory(slug="deusto", name="Universidad de Deusto", country_id="ES", type="hei")
    OrganisationFactory(slug="bosch", name="Bosch", country_id="DE", type="large_enterprise")
    flyer = DocumentFactory(slug="flyer", kind="publication")
    DocumentFileFactory(document=flyer, language="fr")
    DocumentFactory(slug="agreement", kind="agreement")
    anonymous = client_for()

    def slugs(url, query):
        return [r["slug"] for r in anonymous.get(url, query).json()["results"]]

    assert slugs(f"{API}/organisations/", {"country": "ES"}) == ["deusto"]
    assert slugs(f"{API}/organisations/", {"type": "large_enterprise"}) == ["bosch"]
    assert slugs(f"{API}/organisations/", {"q": "deusto"}) == ["deusto"]
    assert slugs(f"{API}/documents/", {"language": "fr"}) == ["flyer"]
    assert slugs(f"{API}/documents/", {"kind": "agreement"}) == ["agreement"]


def test_pages_have_count_links_and_a_bounded_size(db):
    PartnershipFactory.create_batch(130)
    anonymous = client_for()

    first = anonymous.get(f"{API}/partnerships/", {"page_size": 50}).json()
    assert first["count"] == 130 and len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/partnerships/?page=2&page_size=50"
    for bad in ("500", "0", "ten"):
        response = anonymous.get(f"{API}/partnerships/", {"page_size": bad})
        assert response.status_code == 400
        assert response.json()["errors"] == {"page_size": ["Enter a whole number from 1 to 100."]}
    missing = anonymous.get(f"{API}/partnerships/", {"page": 99})
    assert missing.status_code == 404 and missing.json()["detail"] == "Invalid page."


@pytest.mark.parametrize("how", ["query", "accept"])
def test_lists_answer_in_csv_with_the_same_filters(db, how):
    lombardy = PartnershipFactory(regional=True, slug="lombardy", name="Lombardy")
    lombardy.countries.add("IT", "SI")
    PartnershipFactory(slug="digital-lsp")
    anonymous = client_for()
    if how == "query":
        response = anonymous.get(f"{API}/partnerships/", {"kind": "regional", "format": "csv"})
    else:
        response = anonymous.get(
            f"{API}/partnerships/", {"kind": "regional"}, HTTP_ACCEPT="text/csv"
        )

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="partnerships.csv"'
    assert lines[0].startswith("slug,name,")
    assert len(lines) == 2 and lines[1].startswith("lombardy,Lombardy,")
    assert ",IT;SI," in lines[1]


def test_anonymous_reads_get_an_etag_and_304_when_unchanged(db):
    PartnershipFactory(slug="open")
    anonymous = client_for()
    first = anonymous.get(f"{API}/partnerships/open/")
    again = anonymous.get(f"{API}/partnerships/open/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304 and again.content == b""
    assert "Authorization" in first["Vary"]


def test_anonymous_clients_are_throttled_with_retry_after(db, monkeypatch):
    # Rates are read when the throttle class is defined; the setting is API_THROTTLE_ANON.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    anonymous = client_for()
    # Each a read the portal computes: another page size each time.
    statuses = [anonymous.get(f"{API}/ecosystems/?page_size={n}").status_code for n in range(1, 5)]
    response = anonymous.get(f"{API}/ecosystems/?page_size=9")

    assert statuses == [200, 200, 200, 429]
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    # A read the page cache answers costs no database work and is not counted.
    assert anonymous.get(f"{API}/ecosystems/?page_size=1").status_code == 200


# Writes

PARTNERSHIP_BODY = {
    "slug": "basque-skills",
    "name": "Basque Skills Partnership",
    "kind": "regional",
    "scope": "regional",
    "linked_ecosystems": ["digital"],
    "countries": ["es"],
    "launched": "2024-03",
    "status": "draft",
}


def test_a_curator_token_creates_a_draft_the_public_cannot_see(curator):
    response = client_for(curator).post(f"{API}/partnerships/", PARTNERSHIP_BODY, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["countries"] == [{"code": "ES", "name": "Spain"}]
    assert data["launched"] == "2024-03"
    assert data["member_count"] == 0
    created = Partnership.objects.get(slug="basque-skills")
    assert created.launched_on_precision == "month"
    assert client_for().get(f"{API}/partnerships/basque-skills/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scope": ""}, "scope"),  # a regional partnership needs a scope
        ({"kind": "large-scale", "scope": "", "linked_ecosystems": []}, "ecosystem"),
        ({"kind": "large-scale", "scope": "", "ecosystem": "digital"}, "linked_ecosystems"),
        ({"countries": ["XX"]}, "countries"),
        ({"launched": "2024-13"}, "launched"),
        ({"commitment_target_year": 1900}, "commitment_target_year"),
        ({"slug": "bad slug!"}, "slug"),
        ({"linked_ecosystems": ["digi\x00tal"]}, "linked_ecosystems"),
        ({"countries": ["I\x00"]}, "countries"),
    ],
)
def test_writes_keep_the_same_rules_as_the_admin(curator, change, field):
    response = client_for(curator).post(
        f"{API}/partnerships/", {**PARTNERSHIP_BODY, **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Partnership.objects.filter(slug="basque-skills").exists()


def test_a_curator_updates_and_deletes(curator):
    PartnershipFactory(slug="open", name="Old name")
    client = client_for(curator)
    response = client.patch(f"{API}/partnerships/open/", {"name": "New name"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "New name"
    assert client.delete(f"{API}/partnerships/open/").status_code == 204
    assert not Partnership.objects.filter(slug="open").exists()


def test_uploading_a_language_version_checks_the_pdf(curator):
    document = DocumentFactory(slug="agreement")
    client = client_for(curator)
    url = f"{API}/documents/agreement/versions/"

    def upload(language, content):
        # The declared type always says PDF: only the bytes may decide.
        file = SimpleUploadedFile("version.pdf", content, content_type="application/pdf")
        return client.post(url, {"language": language, "file": file}, format="multipart")

    real = upload("it", make_pdf(pages=3))
    fake = upload("fr", b"MZ\x90\x00 not a pdf")
    locked = upload("de", make_pdf(password="x"))

    assert real.status_code == 201, real.json()
    assert real.json()["page_count"] == 3 and len(real.json()["sha256"]) == 64
    assert fake.status_code == 400 and "not a PDF" in str(fake.json()["errors"]["file"])
    assert locked.status_code == 400 and "encrypted" in str(locked.json()["errors"]["file"])
    assert list(document.files.values_list("language", flat=True)) == ["it"]


def test_an_oversized_upload_is_refused(curator, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1_000
    DocumentFactory(slug="agreement")
    response = client_for(curator).post(
        f"{API}/documents/agreement/versions/",
        {"language": "it", "file": SimpleUploadedFile("big.pdf", make_pdf(pages=30))},
        format="multipart",
    )
    assert response.status_code == 400
    assert "larger than" in str(response.json()["errors"]["file"])


WRITES = [
    ("post", "/partnerships/", PARTNERSHIP_BODY),
    ("patch", "/partnerships/open/", {"name": "Renamed"}),
    ("delete", "/partnerships/open/", None),
    ("post", "/organisations/", {"slug": "new-org", "name": "New Org", "type": "sme"}),
    ("patch", "/organisations/org/", {"name": "Renamed"}),
    ("delete", "/organisations/org/", None),
    ("post", "/documents/", {"slug": "new-doc", "title": "New", "kind": "report"}),
    ("patch", "/documents/doc/", {"title": "Renamed"}),
    ("delete", "/documents/doc/", None),
    ("patch", "/ecosystems/digital/", {"description": "Changed."}),
]


@pytest.fixture
def one_of_each(db):
    PartnershipFactory(slug="open")
    OrganisationFactory(slug="org")
    DocumentFactory(slug="doc")


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("reader", 403), ("curator", 2)])
def test_permission_matrix_for_writes(
    curator, reader, one_of_each, method, path, body, who, expected
):
    client = clients(who, curator, reader)

    response = getattr(client, method)(f"{API}{path}", body, format="json")

    if expected == 2:
        assert 200 <= response.status_code < 300, response.content
    else:
        assert response.status_code == expected
        assert response.json()["detail"]


@pytest.mark.parametrize("who", ["anonymous", "reader", "curator"])
@pytest.mark.parametrize(
    "path",
    [
        "/ecosystems/",
        "/ecosystems/digital/",
        "/partnerships/",
        "/partnerships/open/",
        "/partnerships/open/members/",
        "/organisations/",
        "/organisations/org/",
        "/documents/",
        "/documents/doc/",
    ],
)
def test_permission_matrix_for_reads(curator, reader, one_of_each, who, path):
    client = clients(who, curator, reader)
    assert client.get(f"{API}{path}").status_code == 200


def test_ecosystems_cannot_be_created_or_deleted_even_by_curators(curator):
    client = client_for(curator)
    assert client.post(f"{API}/ecosystems/", {"name": "Space"}, format="json").status_code == 405
    assert client.delete(f"{API}/ecosystems/digital/").status_code == 405


def test_errors_are_json_for_every_status(db):
    anonymous = client_for()
    for response, status in [
        (anonymous.get(f"{API}/partnerships/none/"), 404),
        (anonymous.get(f"{API}/nothing-here/"), 404),
        (anonymous.get(f"{API}/partnerships/", HTTP_ACCEPT="application/xml"), 406),
        (anonymous.post(f"{API}/partnerships/", "{not json", content_type="application/json"), 401),
    ]:
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


def test_malformed_json_from_a_curator_is_a_400_with_a_message(curator):
    response = client_for(curator).post(
        f"{API}/partnerships/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def build(scale: int):
    for _ in range(25 * scale):
        partnership = PartnershipFactory(regional=True)
        partnership.countries.add("IT", "AT")
        partnership.linked_ecosystems.add(ecosystem("digital"))
        MembershipFactory.create_batch(2, partnership=partnership)
        document = DocumentFactory(partnership=partnership)
        DocumentFileFactory(document=document)
        DocumentFileFactory(document=document, language="fr")
    return Partnership.objects.first()


@pytest.mark.parametrize(("scale", "page_size"), [(2, 5), (5, 100)])
def test_list_and_detail_endpoints_run_a_constant_number_of_queries(
    django_assert_max_num_queries, db, scale, page_size
):
    sample = build(scale)
    anonymous = client_for()
    organisation = Organisation.objects.first()
    document = sample.documents.first()
    for path, ceiling in [
        (f"/ecosystems/?page_size={page_size}", 2),
        (f"/partnerships/?page_size={page_size}", 5),
        (f"/partnerships/?page_size={page_size}&country=IT&ecosystem=digital&format=csv", 6),
        (f"/organisations/?page_size={page_size}", 3),
        (f"/documents/?page_size={page_size}", 4),
        (f"/partnerships/{sample.slug}/", 10),  # member counts and supporting alliances
        (f"/partnerships/{sample.slug}/members/", 3),
        (f"/organisations/{organisation.slug}/", 3),
        (f"/documents/{document.slug}/", 3),
    ]:
        with django_assert_max_num_queries(ceiling):
            assert anonymous.get(f"{API}{path}").status_code == 200, path


def test_a_curator_writes_a_summary_in_the_language_the_request_names(curator):
    partnership = PartnershipFactory(slug="open", summary="Skills for shipyards.")
    detail = reverse("api:partnership-detail", args=["open"])
    french = "Des compétences pour les chantiers navals."

    response = client_for(curator).patch(f"{detail}?lang=fr", {"summary": french}, format="json")
    assert response.status_code == 200, response.json()
    assert response["Content-Language"] == "fr" and response.json()["summary"] == french

    partnership.refresh_from_db()
    assert (partnership.summary_en, partnership.summary_fr) == ("Skills for shipyards.", french)
    assert client_for().get(detail, {"lang": "de"}).json()["summary"] == "Skills for shipyards."


def test_country_names_come_in_the_requested_language(db):
    PartnershipFactory(slug="open").countries.add("DE")
    detail = reverse("api:partnership-detail", args=["open"])
    names = {
        language: client_for().get(detail, {"lang": language}).json()["countries"]
        for language in ("en", "fr", "de")
    }
    assert names == {
        "en": [{"code": "DE", "name": "Germany"}],
        "fr": [{"code": "DE", "name": "Allemagne"}],
        "de": [{"code": "DE", "name": "Deutschland"}],
    }
