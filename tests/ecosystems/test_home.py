import re

import pytest
from django.urls import reverse

from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from partnerships.models import DocumentFile
from tests.conftest import loaded_assets
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def card(html: str, name: str) -> str:
    """The text of one ecosystem card."""
    start = html.index(f">{name}</a></h3>")
    return re.sub(r"\s+", " ", html[start : html.index("</ul>", start)])


def test_home_shows_the_real_ecosystems_figures_and_documents(client, pact_data):
    response = client.get(reverse("ecosystems:home"))
    html = response.content.decode()

    assert response.status_code == 200
    for name in Ecosystem.objects.values_list("name", flat=True):
        assert name.replace("&", "&amp;") in html
    figures = response.context["figures"]
    assert (figures["partnerships"], figures["large_scale"], figures["regional"]) == (33, 20, 13)
    assert figures["people_pledged"] == 8_150_000
    assert "8,150,000" in html
    assert "3 large-scale partnerships" in card(html, "Health")
    assert "4 regional partnerships" in card(html, "Cultural &amp; Creative Industries")
    assert "English (314.41 KB - PDF)" in html
    assert "Madrid Oeste Tecnológico Regional Skills Partnership Agreement" in html


def test_drafts_and_archived_records_never_reach_the_home_page(client, db):
    health = ecosystem("health")
    published = PartnershipFactory(ecosystem=health)
    MembershipFactory(partnership=published, organisation=OrganisationFactory(country_id="FI"))
    for status in (PublicationStatus.DRAFT, PublicationStatus.ARCHIVED):
        hidden = PartnershipFactory(
            ecosystem=health, status=status, commitment_people=1_000_000, name=f"Hidden {status}"
        )
        hidden.countries.add("MT")
        MembershipFactory(partnership=hidden, organisation=OrganisationFactory(country_id="CY"))
        DocumentFactory(ecosystem=health, status=status, title=f"Secret {status} agreement")
    # A published organisation that only belongs to a draft is not counted either.
    draft = PartnershipFactory(status=PublicationStatus.DRAFT)
    MembershipFactory(partnership=draft, organisation=OrganisationFactory(country_id="LU"))

    response = client.get(reverse("ecosystems:home"))
    html = response.content.decode()
    figures = response.context["figures"]

    assert figures == {
        "partnerships": 1,
        "large_scale": 1,
        "regional": 0,
        "people_pledged": 0,
        "organisations": 1,
        "countries": 1,
    }
    assert "1 large-scale partnership" in card(html, "Health")
    assert "0 documents" in card(html, "Health")
    assert "Secret" not in html and "Hidden" not in html


def test_uploaded_versions_link_to_the_file_and_links_to_their_site(client, db):
    document = DocumentFactory(
        title="Lombardy agreement", issued_on="2023-04-24", issued_on_precision="day"
    )
    DocumentFileFactory(document=document, language="en")
    upload = DocumentFile(document=document, language="it")
    upload.file = pdf_upload(pages=2)
    upload.save()

    html = client.get(reverse("ecosystems:home")).content.decode()
    assert "24 April 2023" in html
    download = reverse("partnerships:document_download", args=[document.slug, "it"])
    assert (
        f'href="{download}" hreflang="it" download type="application/pdf">'
        f"Italian ({upload.size_label} - PDF)" in html
    )
    assert 'rel="external">English (PDF)' in html


@pytest.mark.parametrize("scale", [1, 4])
def test_home_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries, scale):
    for slug in ("health", "digital", "tourism"):
        for partnership in PartnershipFactory.create_batch(15 * scale, ecosystem=ecosystem(slug)):
            MembershipFactory.create_batch(2, partnership=partnership)
            document = DocumentFactory(partnership=partnership, ecosystem=ecosystem(slug))
            DocumentFileFactory(document=document)
        for regional in PartnershipFactory.create_batch(5 * scale, regional=True):
            regional.linked_ecosystems.add(ecosystem(slug))
            regional.countries.add("IT", "SI")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ecosystems:home"))
    assert response.context["figures"]["partnerships"] == 60 * scale


def test_the_page_loads_nothing_from_another_host(client, pact_data):
    html = client.get(reverse("ecosystems:home")).content.decode()
    assert loaded_assets(html)
    assert all(src.startswith("/") and not src.startswith("//") for src in loaded_assets(html))
