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
    # The official figures lead, dated and linked to their source.
    official = html[html.index('id="figures-title"') : html.index("Listed on this portal")]
    assert [figure.slug for figure in response.context["official"]] == [
        "2025-05-19-members",
        "2025-05-19-people-trained",
        "2025-05-19-people-pledged",
        "2024-03-large-scale-partnerships",
        "2025-05-19-regional-partnerships",
    ]
    assert "more than</span> 3,200" in official and "as of 19 May 2025" in official
    assert "since 2020" in official and "by 2030" in official
    assert 'href="https://en.bia-bg.com/news/view/34064" rel="external">European Commission' in (
        official
    )
    # The portal's own counts come after, said as such; the two records the sources do not
    # confirm are counted apart; no sum of pledges with different bases.
    figures = response.context["figures"]
    assert (figures["partnerships"], figures["large_scale"], figures["regional"]) == (31, 20, 11)
    assert (figures["unconfirmed_regional"], figures["eu_wide"]) == (2, 20)
    assert "20 large-scale, 11 regional, and 2 more regional ones reported but not confirmed" in (
        re.sub(r"\s+", " ", html)
    )
    assert "People pledged for training" not in html and "8,150,000" not in html
    assert "3 large-scale partnerships" in card(html, "Health")
    assert "3 regional partnerships" in card(html, "Cultural &amp; Creative Industries")
    assert "and 1 reported but not confirmed" in card(html, "Cultural &amp; Creative Industries")
    # The agreement's link opens the Pact's listing page: a web page, not a PDF.
    assert "English (web page)" in html and "314.41 KB" not in html
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
        "eu_wide": 0,
        "unconfirmed": 0,
        "unconfirmed_large_scale": 0,
        "unconfirmed_regional": 0,
        "organisations": 1,
        # A member's country is not a country covered.
        "countries": 0,
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
    assert 'rel="external">English (PDF, on pact-for-skills.ec.europa.eu)' in html


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
    # The official figures, the listed figures (one query together), the ecosystems, the
    # map, the latest documents' ids, their records and their files: 7.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("ecosystems:home"))
    assert response.context["figures"]["partnerships"] == 60 * scale


def test_the_page_loads_nothing_from_another_host(client, pact_data):
    html = client.get(reverse("ecosystems:home")).content.decode()
    assert loaded_assets(html)
    assert all(src.startswith("/") and not src.startswith("//") for src in loaded_assets(html))
