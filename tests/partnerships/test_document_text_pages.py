"""A language version's text as an HTML page, and in the site's search and document list."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import PublicationStatus
from partnerships.models import DocumentFile
from partnerships.models.texts import highlighted
from partnerships.pdftext import MARK_START, MARK_STOP
from partnerships.services import document_text_refresh
from tests.factories import DocumentFactory, make_scanned_pdf, make_text_pdf
from tests.partnerships.test_document_text import api_upload

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


def test_a_word_on_page_seven_is_found_with_its_page_and_a_snippet_everywhere(client, curator):
    document = DocumentFactory(title="Welding pact", slug="welding-pact")
    assert api_upload(curator, "welding-pact", make_text_pdf(seven_pages())).status_code == 201
    passage = text_url(document) + "#p7"

    search = client.get(reverse("partnerships:search") + "?q=zygomorphic").content.decode()
    listing = client.get(reverse("partnerships:document_list") + "?q=zygomorphic")
    api = client.get("/api/v1/documents/?q=zygomorphic").json()

    for html in (search, listing.content.decode()):
        assert "Welding pact" in html
        assert f'<a href="{passage}" hreflang="en">Found on page 7</a>' in html
        assert "4,000 <mark>zygomorphic</mark> apprentices" in html
    assert [result["slug"] for result in api["results"]] == ["welding-pact"]
    match = api["results"][0]["text_match"]
    assert match["language"] == "en" and match["page"] == 7
    assert "4,000 <mark>zygomorphic</mark> apprentices" in match["snippet"]
    assert match["text_url"] == f"http://testserver{passage}"
    assert 'id="p7"' in client.get(text_url(document)).content.decode()


def test_text_is_stemmed_in_its_versions_language_and_records_rank_first(client):
    in_title = DocumentFactory(title="Apprenticeships charter", slug="in-title")
    in_text = DocumentFactory(title="Agreement of the partners", slug="in-text")
    upload(in_text, ["Les partenaires offrent des apprentissages dans la région."], language="fr")
    upload(in_title, ["Nothing to see on this page."])

    api = client.get("/api/v1/documents/?q=apprentissage").json()["results"]
    # The French word found in the French text, through the French stemmer; no English
    # stemming would take "apprentissages" to "apprentissag".
    assert [result["slug"] for result in api] == ["in-text"]
    assert api[0]["text_match"]["language"] == "fr"

    found = client.get("/api/v1/documents/?q=apprenticeships or apprentissages").json()["results"]
    assert [result["slug"] for result in found] == ["in-title", "in-text"]
    assert found[0]["text_match"] is None


def test_a_drafts_text_is_never_searchable(client):
    upload(DocumentFactory(slug="secret", status=PublicationStatus.DRAFT), seven_pages("xylic"))
    search = client.get(reverse("partnerships:search") + "?q=xylic").content.decode()
    assert "0 results" in search and "secret" not in search
    assert client.get("/api/v1/documents/?q=xylic").json()["count"] == 0
    listing = client.get(reverse("partnerships:document_list") + "?q=xylic").content.decode()
    assert "0 documents found" in listing


def test_a_snippet_never_carries_the_pdfs_markup(client):
    upload(DocumentFactory(slug="hostile"), [HOSTILE])
    html = client.get(reverse("partnerships:search") + "?q=quixotic").content.decode()
    # PostgreSQL leaves tag-like words out of a snippet; what remains is escaped.
    assert "alert(&quot;x&quot;)  agree on  <mark>quixotic</mark>  terms." in html
    assert "<script>alert" not in html and "<b>" not in html
    snippet = client.get("/api/v1/documents/?q=quixotic").json()["results"][0]["text_match"]
    assert snippet["snippet"].endswith(
        "alert(&quot;x&quot;)  agree on  <mark>quixotic</mark>  terms."
    )


def test_only_the_marks_of_a_snippet_are_markup():
    raw = f"<img src=x onerror=alert(1)> {MARK_START}<i>word</i>{MARK_STOP} & {MARK_START}more"
    assert highlighted(raw) == (
        "&lt;img src=x onerror=alert(1)&gt; <mark>&lt;i&gt;word&lt;/i&gt;</mark> &amp; more"
    )


@pytest.mark.parametrize("n", [1, 4])
def test_searching_text_runs_the_same_queries_for_any_number_of_matches(
    client, django_assert_num_queries, n
):
    for number in range(n):
        upload(DocumentFactory(slug=f"pact-{number}"), seven_pages())
    # Pinned, the same for any n: the snippets of a page's documents are one query.
    for url, queries in [
        (reverse("partnerships:search") + "?q=zygomorphic", 8),
        (reverse("partnerships:document_list") + "?q=zygomorphic", 9),  # facets: one query
        ("/api/v1/documents/?q=zygomorphic", 5),
    ]:
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.content.decode().count("zygomorphic</mark>") == n


def test_a_version_whose_language_is_corrected_is_stemmed_in_its_new_language(client):
    version = upload(DocumentFactory(slug="mislabelled"), ["Les partenaires et leurs métiers."])
    assert set(version.pages.values_list("search_config", flat=True)) == {"english"}

    version.language = "fr"
    version.save()
    document_text_refresh(version=version)
    # The same file keeps its pages, now stemmed in French ("métiers" is "méti").
    assert set(version.pages.values_list("search_config", flat=True)) == {"french"}
    found = client.get("/api/v1/documents/?q=métier").json()["results"]
    assert [(r["slug"], r["text_match"]["language"]) for r in found] == [("mislabelled", "fr")]
