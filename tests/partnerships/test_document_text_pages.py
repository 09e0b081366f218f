"""A language version's text as an HTML page, and in the site's search and document list."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import PublicationStatus
from partnerships.models import DocumentFile
from partnerships.services import document_text_refresh
from tests.factories import DocumentFactory, make_scanned_pdf, make_text_pdf

pytestmark = pytest.mark.django_db

HOSTILE = 'The partners <script>alert("x")</script> agree on <b>quixotic</b> terms.'


def seven_pages(word: str = "zygomorphic") -> list[str]:
    pages = [f"Page {n} of the agreement on welding skills." for n in range(1, 7)]
    return [*pages, f"Annex: the partners train 4,000 {word} apprentices by 2030."]


def upload(document, pages=None, *, content=None, language="en", outline=None) -> DocumentFile:
    """A version uploaded and read, as the admin and the API do."""
    version = DocumentFile(document=document, language=language)
    version.file = ContentFile(content or make_text_pdf(pages, outline=outline), name="v.pdf")
    version.save()
    document_text_refresh(version=version)
    return version


def text_url(document, language="en") -> str:
    return reverse("partnerships:document_text", args=[document.slug, language])


def test_the_text_reads_page_by_page_with_its_outline_and_the_pdf_first(client):
    document = DocumentFactory(title="Welding pact", slug="welding-pact")
    upload(document, [*seven_pages()[:6], HOSTILE], outline={1: "Agreement", 7: "Annex"})

    response = client.get(text_url(document))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<section class="document-text__page" id="p7" aria-labelledby="p7-title">' in html
    assert '<h2 id="p7-title">Page 7</h2>' in html
    assert '<h3 lang="en">Annex</h3>' in html
    assert '<a href="#p7" lang="en">Annex</a>' in html  # the contents, from the outline
    assert reverse("partnerships:document_download", args=["welding-pact", "en"]) in html
    assert "The PDF is the authoritative version" in html
    # The PDF's text is text, never markup.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>alert" not in html

    detail = client.get(document.get_absolute_url()).content.decode()
    assert f'<a href="{text_url(document)}">Read as a web page' in detail


def test_a_drafts_text_is_never_shown_nor_listed_in_the_sitemap(client):
    draft = DocumentFactory(slug="draft-pact", status=PublicationStatus.DRAFT)
    upload(draft, seven_pages())
    published = DocumentFactory(slug="public-pact")
    upload(published, seven_pages(), language="fr")

    assert client.get(text_url(draft)).status_code == 404
    assert client.get(text_url(published, "de")).status_code == 404  # no German version
    sitemap = client.get("/sitemap-document-texts.xml").content.decode()
    assert "/en/documents/public-pact/fr/text/" in sitemap
    assert "draft-pact" not in sitemap


def test_a_scan_is_flagged_with_a_way_to_ask_for_an_accessible_format(client):
    document = DocumentFactory(slug="scanned-charter")
    upload(document, content=make_scanned_pdf(), language="de")
    contact = reverse("information_page", args=["contact"])

    page = client.get(text_url(document, "de")).content.decode()
    assert "This PDF has no text layer" in page and f'href="{contact}"' in page
    detail = client.get(document.get_absolute_url()).content.decode()
    assert "No text layer (a scan)" in detail and f'href="{contact}"' in detail


@pytest.mark.parametrize("pages", [2, 7])
def test_the_text_page_runs_the_same_queries_for_any_length(
    client, django_assert_num_queries, no_page_cache, pages
):
    document = DocumentFactory()
    upload(document, seven_pages()[:pages], outline={1: "Agreement", pages: "Annex"})
    with django_assert_num_queries(3):  # the document, its versions, the pages
        assert client.get(text_url(document)).status_code == 200
