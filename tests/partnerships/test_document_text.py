"""The text inside uploaded PDFs: read on upload (API and admin), in the background for long
files, again by a command; scans and damaged files flagged, never a server error."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from partnerships.models import DocumentFile, DocumentPage, TextStatus
from partnerships.pdftext import ExtractionFailed, ExtractionTimedOut, extract, extract_bounded
from partnerships.services import document_text_refresh
from tests.factories import DocumentFactory, make_pdf, make_scanned_pdf, make_text_pdf
from tests.partnerships.test_curation import post_version

SEVEN_PAGES = [f"Page {n} of the agreement on welding skills." for n in range(1, 7)] + [
    "Annex: the partners train 4,000 zygomorphic apprentices by 2030."
]


def api_upload(curator, slug: str, content: bytes, language: str = "en"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator).key}")
    file = SimpleUploadedFile("version.pdf", content, content_type="application/pdf")
    return client.post(
        f"/api/v1/documents/{slug}/versions/",
        {"language": language, "file": file},
        format="multipart",
    )


@pytest.mark.django_db
def test_an_api_upload_is_read_page_by_page_with_its_outline(curator):
    DocumentFactory(slug="welding-pact")
    content = make_text_pdf(SEVEN_PAGES, outline={1: "The agreement", 7: "Annex"})
    response = api_upload(curator, "welding-pact", content)

    assert response.status_code == 201, response.json()
    assert response.json()["text_status"] == "read"
    assert response.json()["text_url"].endswith("/en/documents/welding-pact/en/text/")
    pages = list(DocumentPage.objects.filter(version__document__slug="welding-pact"))
    assert [page.number for page in pages] == [1, 2, 3, 4, 5, 6, 7]
    assert "zygomorphic apprentices" in pages[6].text
    assert pages[0].headings == [[1, "The agreement"]] and pages[6].headings == [[1, "Annex"]]
    assert {page.search_config for page in pages} == {"english"}


@pytest.mark.django_db
def test_a_scan_is_flagged_for_curators_in_the_admin(curator_client):
    document = DocumentFactory(title="Scanned charter")
    post_version(curator_client, document, make_scanned_pdf(pages=2))
    version = DocumentFile.objects.get(document=document)
    assert version.text_status == TextStatus.NO_TEXT
    assert not version.pages.exists()

    change = curator_client.get(reverse("admin:partnerships_document_change", args=[document.pk]))
    assert "No text layer" in change.content.decode()
    listing = curator_client.get(reverse("admin:partnerships_document_changelist"))
    assert "IT: No text layer" in listing.content.decode()

    # A version with text, through the same inline: read at once, linked to its HTML page.
    post_version(curator_client, document, make_text_pdf(SEVEN_PAGES), language="en")
    english = DocumentFile.objects.get(document=document, language="en")
    assert english.text_status == TextStatus.READ and english.pages.count() == 7
    change = curator_client.get(reverse("admin:partnerships_document_change", args=[document.pk]))
    assert f'Text read <a href="{english.get_text_url()}">Read it as HTML</a>' in (
        change.content.decode()
    )


@pytest.mark.django_db
def test_a_pdf_whose_text_cannot_be_read_is_recorded_not_a_server_error(
    curator, monkeypatch, settings
):
    """A file that passes the upload's checks but breaks the text reader: the upload stands
    and the version says its text could not be read."""
    DocumentFactory(slug="odd-file")

    def breaks(data, *, seconds, memory_mb):
        raise ExtractionFailed("damaged content stream")

    monkeypatch.setattr("partnerships.services.extract_bounded", breaks)
    response = api_upload(curator, "odd-file", make_pdf(pages=1))
    assert response.status_code == 201
    assert response.json()["text_status"] == "failed" and response.json()["text_url"] is None


def test_a_damaged_file_or_one_past_its_time_or_memory_fails_clearly_in_the_child():
    readable = make_text_pdf(["Some text"])
    assert extract_bounded(readable, seconds=20, memory_mb=512)[0].text == "Some text"
    with pytest.raises(ExtractionFailed, match=r"PdfStreamError|PdfReadError"):
        extract_bounded(b"%PDF-1.7\n1 0 obj << /Type /Catalog", seconds=20, memory_mb=512)
    with pytest.raises(ExtractionTimedOut):
        extract_bounded(readable, seconds=0.01, memory_mb=512)
    # 4 MB to read within a limit the child has already passed.
    with pytest.raises(ExtractionFailed, match="MemoryError"):
        extract_bounded(readable + b"%" * 4_000_000, seconds=20, memory_mb=16)


@pytest.mark.django_db
def test_the_command_reads_one_document_or_all_again(db):
    first = DocumentFactory(slug="first")
    second = DocumentFactory(slug="second")
    for document, text in [(first, "Erste Seite über Schweißen"), (second, "Second text")]:
        version = DocumentFile(document=document, language="de")
        version.file = ContentFile(make_text_pdf([text]), name="v.pdf")
        version.save()  # as the loader or an import would: not read yet
    assert not DocumentPage.objects.exists()

    out = io.StringIO()
    call_command("extract_document_text", "first", stdout=out)
    assert out.getvalue() == "first (de): read\n"
    assert DocumentPage.objects.get().search_config == "german"

    call_command("extract_document_text", "--all", stdout=out)
    assert DocumentPage.objects.count() == 2
    with pytest.raises(CommandError, match="No uploaded file for: nothing"):
        call_command("extract_document_text", "nothing")


def run_worker():
    """The worker, in this process, until no job is due."""
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)


@pytest.mark.django_db(transaction=True)
def test_a_long_file_is_read_by_the_background_worker(curator, settings):
    settings.DOCUMENT_TEXT_INLINE_PAGES = 5
    DocumentFactory(slug="long-report")
    response = api_upload(curator, "long-report", make_text_pdf(SEVEN_PAGES), language="fr")
    assert response.status_code == 201
    assert response.json()["text_status"] == "pending"
    version = DocumentFile.objects.get(document__slug="long-report")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        assert cursor.fetchone()[0] == 1

    run_worker()

    version.refresh_from_db()
    assert version.text_status == TextStatus.READ
    assert version.pages.count() == 7
    assert version.pages.get(number=7).search_config == "french"


@pytest.mark.django_db
def test_a_version_that_becomes_a_link_loses_the_text_of_its_file(curator):
    DocumentFactory(slug="moved")
    api_upload(curator, "moved", make_text_pdf(SEVEN_PAGES))
    version = DocumentFile.objects.get(document__slug="moved")
    version.file = ""
    version.external_url = "https://example.org/moved.pdf"
    version.full_clean()
    version.save()
    document_text_refresh(version=version)

    version.refresh_from_db()
    assert version.text_status == "" and not version.pages.exists()


def test_the_text_kept_of_one_file_is_bounded(monkeypatch):
    monkeypatch.setattr("partnerships.pdftext.MAX_TEXT_CHARS", 30)
    pages = extract(io.BytesIO(make_text_pdf(["First page, twenty-six.", "Second page text."])))
    assert [page.text for page in pages] == ["First page, twenty-six.", "Second"]
