"""Hostile input everywhere the public or a curator can type, upload or send.

Cross-site scripting, SQL injection, path traversal, oversized and malformed Unicode values in
every query parameter, form field, CSV cell and API field, and hostile files: nothing
executes (the markup is escaped), nothing is stored that should not be, no response is a 500.
"""

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse, reverse_lazy
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from alliances.filters import AllianceFilter
from alliances.forms import MemberFormSet, member_choices
from alliances.models import FundingCall
from alliances.services import alliance_data_load
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.admin import OrganisationAdmin
from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
from partnerships.models import DocumentFile, Organisation, Partnership
from partnerships.selectors import country_choices
from partnerships.services import LoadReport
from tests.factories import DocumentFactory, OrganisationFactory, PartnershipFactory, make_pdf
from tests.security.payloads import (
    HOSTILE,
    MALFORMED_QUERIES,
    SCRIPT,
    assert_escaped,
    encodable,
)

pytestmark = pytest.mark.django_db

# What the checker's form sends with its two blank rows, as a browser sends it.
BLANK_ROWS = {"members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0"}
API_PARAMETERS = {
    "api:partnership-list": [*PartnershipFilter.base_filters, "page", "page_size", "format"],
    "api:organisation-list": [*OrganisationFilter.base_filters, "page", "page_size"],
    "api:document-list": [*DocumentFilter.base_filters, "page", "page_size"],
    "api:alliance-list": [*AllianceFilter.base_filters, "page", "page_size"],
    "api:ecosystem-list": ["q", "ordering", "page"],
}


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.fixture
def some_content(db):
    PartnershipFactory.create_batch(2)
    OrganisationFactory.create_batch(2)
    DocumentFactory.create_batch(2)


@pytest.mark.parametrize("name", API_PARAMETERS)
def test_hostile_query_parameters_get_a_json_answer_from_the_api(some_content, browser, name):
    url = reverse(name)
    for parameter in API_PARAMETERS[name]:
        cache.clear()  # the anonymous rate limit would answer 429 long before the end
        for label, value in HOSTILE.items():
            response = browser.get(url, {parameter: encodable(value)})
            assert response.status_code in (200, 400, 404), (parameter, label)
            if response.status_code != 200:
                assert "detail" in response.json(), (parameter, label)
        for raw in MALFORMED_QUERIES:
            response = browser.get(f"{url}?{parameter}={raw}")
            assert response.status_code in (200, 400, 404), (parameter, raw)


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_values_in_every_field_of_the_consortium_checker(db, browser, label):
    value = encodable(HOSTILE[label])
    fields = ["name", "country", "type", "eche", "role"]
    data = {
        "call": value,
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "check": "1",
        **{f"members-0-{field}": value for field in fields},
        **{f"members-1-{field}": value for field in fields},
    }
    response = browser.post(reverse("alliances:check"), data)
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode())
    # The directory search, the row count, and a directory result's "Add" button (its slug).
    for sent in [{"q": value, "search": "1"}, {"members-TOTAL_FORMS": value}, {"add": value}]:
        response = browser.post(reverse("alliances:check"), {**BLANK_ROWS, "check": "1", **sent})
        assert response.status_code in (200, 400), sent
        assert_escaped(response.content.decode())


def csv_upload(
    rows: list[list[str]], name: str = "consortium.csv", line_end: str = "\r\n"
) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8", "surrogatepass"), "text/csv")


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_cells_in_the_checkers_csv_upload(db, browser, label):
    value = HOSTILE[label]
    upload = csv_upload(
        [["name", "country", "type", "eche", "role"], [value, value, value, value, value]]
    )
    response = browser.post(
        reverse("alliances:check"), {"call": "blueprint-2025", "csv_file": upload, "upload": "1"}
    )
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode())


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00n\x00a\x00m\x00e", b"PK\x03\x04 a zip file", b"name\n" + b"x" * 3_000_000],
    ids=["utf-16-without-a-header", "zip", "three-megabytes"],
)
def test_a_csv_upload_that_is_not_a_csv_is_refused_politely(db, browser, content):
    upload = SimpleUploadedFile("consortium.csv", content, "text/csv")
    response = browser.post(
        reverse("alliances:check"), {"call": "blueprint-2025", "csv_file": upload, "upload": "1"}
    )
    assert response.status_code in (200, 400)


@pytest.fixture
def call(db):
    """The 2025 call and the programme countries, from the portal's own data file."""
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    sections = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=sections, report=LoadReport())
    return FundingCall.objects.get(slug="blueprint-2025")


CHECKER = reverse_lazy("alliances:check")
MEMBER_ROWS = re.compile(r'name="members-\d+-name"')


@pytest.mark.parametrize(
    ("total", "initial"),
    [("99999999", "0"), ("203", "0"), ("99999999", "99999999"), ("9" * 4000, "0")],
    ids=["ninety-nine-million", "one-more-than-the-page", "as-many-initial", "4000-digits"],
)
def test_a_checker_post_with_more_rows_than_a_consortium_has_is_refused_cheaply(
    call, browser, total, initial
):
    response = browser.post(
        CHECKER,
        {
            "call": call.pk,
            "members-TOTAL_FORMS": total,
            "members-INITIAL_FORMS": initial,
            "check": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A consortium can have at most 200 members." in html
    # The page starts again with its two blank rows, not with a row for each number sent.
    assert len(MEMBER_ROWS.findall(html)) == 2
    assert len(response.content) < 100_000


def test_the_checkers_own_largest_form_is_still_accepted(call):
    """200 members and the two blank rows: the most rows the page ever shows."""
    data = {"members-TOTAL_FORMS": "202", "members-INITIAL_FORMS": "200"}
    for index in range(200):
        data |= {
            f"members-{index}-name": f"Partner {index}",
            f"members-{index}-country": "DE",
            f"members-{index}-type": "sme",
            f"members-{index}-role": "full_partner",
        }
    formset = MemberFormSet(
        data, prefix="members", form_kwargs={"choices": member_choices(country_choices())}
    )
    assert formset.is_valid(), formset.non_form_errors()
    assert len([form for form in formset.forms if form.cleaned_data]) == 200


MEMBERS_CSV = [
    ["name", "country", "type", "eche", "role"],
    ["Universität Wien", "AT", "hei", "yes", "coordinator"],
    ["Centro di Formazione, Torino", "IT", "vet_provider", "no", "full_partner"],
    ["Camera di Commercio", "IT", "chamber", "no", "full_partner"],
]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr-excel-for-mac"])
def test_the_checkers_csv_is_read_whatever_its_line_ends(call, browser, line_end):
    upload = csv_upload(MEMBERS_CSV, line_end=line_end)
    response = browser.post(
        CHECKER, {"call": call.pk, **BLANK_ROWS, "csv_file": upload, "upload": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Consortium: 3 members" in html
    for name, *_rest in MEMBERS_CSV[1:]:
        assert f'value="{name}"' in html


@pytest.mark.parametrize(
    "cell",
    ["x" * 131_073, '"a quotation mark never closed ' + "x" * 131_073],
    ids=["cell-over-the-csv-limit", "quotation-mark-never-closed"],
)
def test_a_csv_cell_longer_than_the_csv_module_reads_is_a_form_error(call, browser, cell):
    content = (
        "name,country,type,eche,role\n"
        "Universität Wien,AT,hei,yes,coordinator\n"
        f"{cell},DE,hei,no,full_partner\n"
    )
    upload = SimpleUploadedFile("consortium.csv", content.encode(), "text/csv")
    response = browser.post(
        CHECKER, {"call": call.pk, **BLANK_ROWS, "csv_file": upload, "upload": "1"}
    )
    assert response.status_code == 200
    assert (
        "Row 3 could not be read: a cell is longer than 131,072 characters, or a quotation "
        "mark is never closed." in response.content.decode()
    )


@pytest.fixture
def curator_client(db):
    user = get_user_model().objects.create_user("curator", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["partnerships", "ecosystems"])
    )
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


PARTNERSHIP = {
    "slug": "basque-skills",
    "name": "Basque Skills Partnership",
    "kind": "regional",
    "scope": "regional",
    "countries": ["ES"],
    "linked_ecosystems": ["digital"],
    "launched": "2024-03",
    "summary": "Skills for the Basque Country.",
    "website": "https://basque.example.eu/",
    "status": "published",
}


@pytest.mark.parametrize("field", [f for f in PARTNERSHIP if f != "slug"] + ["slug"])
def test_hostile_values_in_every_api_field_are_refused_or_stored_as_inert_text(
    curator_client, browser, field
):
    for label, value in HOSTILE.items():
        before = Partnership.objects.count()
        body = {**PARTNERSHIP, "slug": f"hostile-{label}", field: value}
        if field in ("countries", "linked_ecosystems"):
            body[field] = [value]
        # Serialised by hand: ASCII escapes carry even a lone surrogate, as an attacker's would.
        response = curator_client.generic(
            "POST", reverse("api:partnership-list"), json.dumps(body), "application/json"
        )
        assert response.status_code in (201, 400), (field, label, response.content[:300])
        if response.status_code == 400:
            assert response.json()["detail"], (field, label)
            assert Partnership.objects.count() == before
            continue
        # Accepted as text: it is shown escaped, never run.
        stored = Partnership.objects.get(slug=body["slug"])
        assert "\x00" not in str(getattr(stored, field, ""))
        page = browser.get(stored.get_absolute_url())
        assert page.status_code == 200
        assert_escaped(page.content.decode())


def test_malformed_json_and_oversized_bodies_get_a_400(curator_client):
    url = reverse("api:partnership-list")
    for body in [b'{"slug": ', b"\xff\xfe not json", b"[]", b'{"name": "' + b"x" * 3_000_000]:
        response = curator_client.generic("POST", url, body, content_type="application/json")
        assert response.status_code in (400, 413), (body[:20], response.status_code)
        assert "detail" in response.json()


def test_a_formula_in_a_record_is_inert_in_the_csv_export(db, browser):
    cache.clear()
    PartnershipFactory(name=HOSTILE["formula"])
    response = browser.get(reverse("api:partnership-list"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows if "HYPERLINK" in row["name"]] == ["'" + HOSTILE["formula"]]


def pdf_with_javascript(where: str) -> bytes:
    """A real PDF whose script runs from its named scripts or when it is opened."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('pact');"),
            }
        )
    )
    if where == "names":
        scripts = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("pact"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(scripts)}
        )
    else:
        writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE_FILES = {
    "pdf-with-javascript": (pdf_with_javascript("names"), "agreement.pdf", "JavaScript"),
    "pdf-opening-with-javascript": (pdf_with_javascript("open"), "agreement.pdf", "JavaScript"),
    "zip-named-pdf": (b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 200, "agreement.pdf", "not a PDF"),
    "html-named-pdf": (f"<html>{SCRIPT}</html>".encode(), "agreement.pdf", "not a PDF"),
    "polyglot-html-then-pdf": (
        f"<html>{SCRIPT}<!--".encode() + make_pdf() + b"-->",
        "agreement.pdf",
        None,
    ),
}


@pytest.mark.parametrize("kind", HOSTILE_FILES)
def test_hostile_files_are_refused_or_served_inert(curator_client, browser, kind):
    content, name, refusal = HOSTILE_FILES[kind]
    document = DocumentFactory(slug="agreement")
    response = curator_client.post(
        reverse("api:document-versions", kwargs={"slug": document.slug}),
        {"language": "en", "file": SimpleUploadedFile(name, content, "application/pdf")},
        format="multipart",
    )
    if refusal:
        assert response.status_code == 400, response.content[:300]
        assert refusal in str(response.json()["errors"]["file"])
        assert not DocumentFile.objects.filter(document=document).exists()
        return
    # Whatever a lenient PDF reader accepts is only ever a download, never a page.
    if response.status_code == 400:
        return
    assert response.status_code == 201
    download = browser.get(
        reverse("partnerships:document_download", kwargs={"slug": document.slug, "language": "en"})
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in download["Content-Security-Policy"]


def test_a_file_name_climbing_out_of_the_media_folder_is_stored_safely(curator_client, settings):
    document = DocumentFactory(slug="agreement")
    response = curator_client.post(
        reverse("api:document-versions", kwargs={"slug": document.slug}),
        {
            "language": "en",
            "file": SimpleUploadedFile("../../../../etc/cron.d/pact.pdf", make_pdf()),
        },
        format="multipart",
    )
    assert response.status_code == 201
    stored = DocumentFile.objects.get(document=document).file
    assert ".." not in stored.name
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}/pact\.pdf", stored.name)
    assert stored.path.startswith(str(settings.MEDIA_ROOT))
    assert PdfReader(stored.path).pages


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_sign_in_values_are_a_form_error(db, browser, label):
    value = encodable(HOSTILE[label])
    response = browser.post(reverse("admin:login"), {"username": value, "password": value})
    assert response.status_code in (200, 400, 429)
    assert_escaped(response.content.decode())


def test_hostile_text_stored_by_a_curator_in_the_admin_is_shown_escaped(admin_client, browser):
    organisation = OrganisationFactory()
    response = admin_client.post(
        reverse("admin:partnerships_organisation_change", args=[organisation.pk]),
        {
            "slug": organisation.slug,
            "name": SCRIPT,
            "type": organisation.type,
            "status": "published",
            "country": "",
        },
    )
    assert response.status_code in (200, 302)
    organisation.refresh_from_db()
    if organisation.name == SCRIPT:
        page = browser.get(organisation.get_absolute_url())
        assert page.status_code == 200
        assert_escaped(page.content.decode())
    assert not any("\x00" in name for name in Organisation.objects.values_list("name", flat=True))


ORGANISATION_COLUMNS = [
    "slug",
    "name",
    "acronym",
    "country",
    "type",
    "pic",
    "eche_holder",
    "website",
    "source_url",
    "status",
]


@pytest.mark.parametrize("column", ORGANISATION_COLUMNS)
def test_hostile_cells_in_an_admin_csv_import_are_refused_or_kept_as_text(admin_client, column):
    url = reverse("admin:partnerships_organisation_import")
    csv_format = next(
        i for i, f in enumerate(OrganisationAdmin.formats) if f().get_title() == "csv"
    )
    before = set(Organisation.objects.values_list("slug", flat=True))
    for label, value in HOSTILE.items():
        row = {
            "slug": f"hostile-{label}",
            "name": "Hostile input GmbH",
            "country": "DE",
            "type": "sme",
            "eche_holder": "0",
            "status": "draft",
            column: value,
        }
        content = csv_upload([ORGANISATION_COLUMNS, [row.get(c, "") for c in ORGANISATION_COLUMNS]])
        response = admin_client.post(
            url, {"import_file": content, "format": csv_format, "resource": 0}
        )
        assert response.status_code == 200, (column, label, response.status_code)
        assert_escaped(response.content.decode())
    # The preview writes nothing, whatever the file held.
    assert set(Organisation.objects.values_list("slug", flat=True)) == before
