"""The public browse pages: partnerships, organisations, documents and their details."""

import datetime

import pytest
from django.urls import reverse

from core.models import PublicationStatus
from partnerships.models import DocumentFile, Partnership
from partnerships.views import PARTNERSHIP_CHOICES
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

PARTNERSHIPS = reverse("partnerships:list")
ORGANISATIONS = reverse("partnerships:organisation_list")
DOCUMENTS = reverse("partnerships:document_list")


def names(response) -> list[str]:
    return [obj.name for obj in response.context["object_list"]]


def titles(response) -> list[str]:
    return [obj.title for obj in response.context["object_list"]]


@pytest.fixture
def mixed():
    """A small spread of partnerships over kinds, scopes, ecosystems, countries and years."""
    made = {
        "digital_lsp": PartnershipFactory(
            name="Digital Skills Alliance",
            ecosystem=ecosystem("digital"),
            launched_on=datetime.date(2021, 3, 1),
            launched_on_precision="day",
        ),
        "health_lsp": PartnershipFactory(
            name="Health Workforce Partnership",
            ecosystem=ecosystem("health"),
            launched_on=datetime.date(2023, 1, 1),
            launched_on_precision="year",
            summary="Nurses and carers trained for the hospitals of tomorrow.",
        ),
        "lombardy": PartnershipFactory(
            regional=True,
            name="Lombardy Regional Skills",
            launched_on=datetime.date(2022, 12, 1),
            launched_on_precision="month",
        ),
        "danube": PartnershipFactory(
            regional=True, scope=Partnership.Scope.MACRO_REGIONAL, name="Danube Skills Network"
        ),
        "bari": PartnershipFactory(regional=True, scope=Partnership.Scope.LOCAL, name="Bari City"),
    }
    made["lombardy"].countries.add("IT")
    made["lombardy"].linked_ecosystems.add(ecosystem("digital"))
    made["danube"].countries.add("AT", "HU")
    made["bari"].countries.add("IT")
    MembershipFactory(
        partnership=made["health_lsp"], organisation=OrganisationFactory(country_id="FI")
    )
    PartnershipFactory(name="Hidden Draft Partnership", status=PublicationStatus.DRAFT)
    PartnershipFactory(name="Old Archived Partnership", status=PublicationStatus.ARCHIVED)
    return made


def test_the_list_shows_every_published_partnership_with_the_total(client, mixed):
    response = client.get(PARTNERSHIPS)
    html = response.content.decode()

    assert response.status_code == 200
    assert names(response) == sorted(p.name for p in mixed.values())
    assert "5 partnerships found" in html
    assert "Hidden Draft" not in html and "Old Archived" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "large-scale"}, ["Digital Skills Alliance", "Health Workforce Partnership"]),
        ({"kind": "regional", "scope": "local"}, ["Bari City"]),
        ({"scope": "macro-regional"}, ["Danube Skills Network"]),
        # A large-scale partnership belongs to the ecosystem; a regional one is linked to it.
        ({"ecosystem": "digital"}, ["Digital Skills Alliance", "Lombardy Regional Skills"]),
        # Covered by the partnership, or home to one of its members; codes in any case.
        ({"country": "it"}, ["Bari City", "Lombardy Regional Skills"]),
        ({"country": "FI"}, ["Health Workforce Partnership"]),
        ({"year": "2022"}, ["Lombardy Regional Skills"]),
        ({"year_from": "2022"}, ["Health Workforce Partnership", "Lombardy Regional Skills"]),
        ({"year_to": "2022"}, ["Digital Skills Alliance", "Lombardy Regional Skills"]),
        ({"q": "nurses"}, ["Health Workforce Partnership"]),
        (
            {"kind": "regional", "country": "IT", "ecosystem": "digital"},
            ["Lombardy Regional Skills"],
        ),
    ],
)
def test_each_filter_narrows_and_filters_combine(client, mixed, query, expected):
    response = client.get(PARTNERSHIPS, query)
    assert sorted(names(response)) == expected


def test_the_filter_form_keeps_its_values_counts_choices_and_can_be_cleared(client, mixed):
    html = client.get(PARTNERSHIPS, {"kind": "regional", "country": "IT"}).content.decode()

    assert '<option value="regional" selected>Regional partnership (2)</option>' in html
    # Counts for a facet ignore its own choice: choosing large-scale instead would give none
    # in Italy, while each scope's count reflects the Italian regional partnerships.
    assert '<option value="large-scale">Large-scale partnership (0)</option>' in html
    assert "Local (a city or group of municipalities) (1)" in html
    assert '<option value="IT" selected>Italy</option>' in html
    assert f'href="{PARTNERSHIPS}">Clear all filters</a>' in html


def test_regional_partnerships_are_one_click_away_grouped_by_scope(client, mixed):
    html = client.get(PARTNERSHIPS).content.decode()
    assert 'href="?kind=regional&amp;scope=macro-regional"' in html
    response = client.get(PARTNERSHIPS, {"kind": "regional", "scope": "macro-regional"})
    assert names(response) == ["Danube Skills Network"]


@pytest.mark.parametrize(
    ("ordering", "first"),
    [("name", "Bari City"), ("-name", "Lombardy Regional Skills"), ("-launched", "Health")],
)
def test_the_list_sorts_by_name_and_launch_date(client, mixed, ordering, first):
    assert names(client.get(PARTNERSHIPS, {"ordering": ordering}))[0].startswith(first)


def test_pages_hold_twenty_and_their_links_keep_the_filters(client):
    PartnershipFactory.create_batch(45, regional=True)
    response = client.get(PARTNERSHIPS, {"kind": "regional", "page": 2})
    html = response.content.decode()

    assert len(response.context["object_list"]) == 20
    assert "45 partnerships found" in html
    assert "Page 2 of 3" in html
    assert 'href="?kind=regional&amp;page=3" rel="next"' in html
    assert (
        len(client.get(PARTNERSHIPS, {"kind": "regional", "page": 3}).context["object_list"]) == 5
    )


@pytest.mark.parametrize(
    ("page", "message", "shown"),
    [("abc", "is not a page number", 1), ("99999", "There is no page 99999", 3)],
)
def test_a_bad_page_number_shows_a_real_page_with_a_message(client, page, message, shown):
    PartnershipFactory.create_batch(45)
    response = client.get(PARTNERSHIPS, {"page": page})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page_obj"].number == shown


def test_unknown_filter_values_are_reported_and_ignored(client, mixed):
    response = client.get(PARTNERSHIPS, {"kind": "regional", "ecosystem": "nope", "year": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be used and were ignored" in html
    assert "Select a valid choice" in html
    assert len(names(response)) == 3  # the valid kind filter still applies


def test_partnership_page_shows_everything_a_reader_needs(client, pact_data):
    lombardy = Partnership.objects.get(slug="lombardy-regional-skills-partnership")
    response = client.get(lombardy.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    for text in [
        "Regional partnership",
        "Regional (one region of one Member State)",
        "Cultural &amp; Creative Industries",
        "Italy",
        "Lombardy",
        "NUTS ITC4",
        "24 April 2023",
        "December 2022",
        "Coordinator",
        "Source of this record",
        "Where it works",
        "In the regions listed",
        "Confidence",
        "Confirmed",
        'aria-label="Breadcrumb"',
    ]:
        assert text in html, text
    # Its launch note is about its launch, not the agreement's date.
    assert "The agreement date is" not in html
    # Loaded, never changed by a curator: no "last updated" date that is only the load's.
    assert "Last updated" not in html
    assert f'<link rel="canonical" href="http://testserver{lombardy.get_absolute_url()}">' in html


def test_partnership_page_lists_members_by_role_with_country_and_type(client, db):
    partnership = PartnershipFactory()
    MembershipFactory(
        partnership=partnership,
        role="coordinator",
        organisation=OrganisationFactory(name="Politecnico di Milano", type="hei"),
    )
    MembershipFactory(
        partnership=partnership,
        organisation=OrganisationFactory(
            name="Siemens Austria", country_id="AT", type="large_enterprise"
        ),
    )
    MembershipFactory(
        partnership=partnership,
        organisation=OrganisationFactory(name="Secret Draft Org", status=PublicationStatus.DRAFT),
    )
    DocumentFactory(partnership=partnership, title="Signed agreement")
    DocumentFactory(partnership=partnership, title="Unreleased draft", status="draft")
    partnership.commitment_people, partnership.commitment_target_year = 25_000, 2030
    partnership.commitment_basis = Partnership.PledgeBasis.TOTAL
    partnership.save()

    html = client.get(partnership.get_absolute_url()).content.decode()

    coordinators = html[html.index("Coordinator") : html.index("Member <span")]
    assert (
        "Politecnico di Milano" in coordinators and "Higher education institution" in coordinators
    )
    assert "Siemens Austria" in html[html.index("Member <span") :] and "Austria" in html
    assert "<strong>25,000</strong> people to upskill or reskill by 2030" in html
    assert "Signed agreement" in html
    assert "Secret Draft Org" not in html and "Unreleased draft" not in html


def test_drafts_are_404_for_the_public_and_previewed_by_staff_with_a_banner(client, admin_client):
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Work in progress")
    assert client.get(draft.get_absolute_url()).status_code == 404

    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "only curators can see this page" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_archived_partnerships_keep_their_page_marked_but_leave_every_list(client):
    archived = PartnershipFactory(status=PublicationStatus.ARCHIVED, name="Closed Partnership")
    response = client.get(archived.get_absolute_url())
    assert response.status_code == 200
    assert "Archived" in response.content.decode()
    assert "Closed Partnership" not in client.get(PARTNERSHIPS).content.decode()
    assert "Closed Partnership" not in client.get(reverse("ecosystems:home")).content.decode()


def test_organisation_directory_filters_by_country_type_and_text(client, db):
    uni = OrganisationFactory(name="Universidad de Deusto", country_id="ES", type="hei")
    OrganisationFactory(name="Bosch", country_id="DE", type="large_enterprise")
    OrganisationFactory(name="Hidden Org", country_id="ES", status=PublicationStatus.DRAFT)
    partnership = PartnershipFactory(name="Basque Skills")
    MembershipFactory(partnership=partnership, organisation=uni)
    MembershipFactory(
        partnership=PartnershipFactory(status="draft", name="Draft P"), organisation=uni
    )

    assert names(client.get(ORGANISATIONS, {"country": "es"})) == ["Universidad de Deusto"]
    assert names(client.get(ORGANISATIONS, {"type": "large_enterprise"})) == ["Bosch"]
    assert names(client.get(ORGANISATIONS, {"q": "deusto"})) == ["Universidad de Deusto"]
    assert "Hidden Org" not in client.get(ORGANISATIONS).content.decode()

    detail = client.get(uni.get_absolute_url()).content.decode()
    assert "Basque Skills" in detail and "Draft P" not in detail
    assert (
        client.get(reverse("partnerships:organisation_detail", args=["hidden"])).status_code == 404
    )


@pytest.fixture
def library():
    digital = PartnershipFactory(name="Digital LSP", ecosystem=ecosystem("digital"))
    agreement = DocumentFactory(
        title="Digital pact agreement",
        partnership=digital,
        issued_on=datetime.date(2021, 6, 1),
        issued_on_precision="month",
    )
    DocumentFileFactory(document=agreement, language="en")
    DocumentFileFactory(document=agreement, language="fr")
    flyer = DocumentFactory(
        title="Tourism flyer",
        kind="publication",
        ecosystem=ecosystem("tourism"),
        issued_on=datetime.date(2023, 1, 1),
        issued_on_precision="year",
    )
    DocumentFileFactory(document=flyer, language="de")
    DocumentFactory(title="Draft statement", status=PublicationStatus.DRAFT)
    return {"agreement": agreement, "flyer": flyer}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Tourism flyer", "Digital pact agreement"]),
        ({"kind": "agreement"}, ["Digital pact agreement"]),
        ({"language": "fr"}, ["Digital pact agreement"]),
        ({"year": "2023"}, ["Tourism flyer"]),
        ({"ecosystem": "digital"}, ["Digital pact agreement"]),  # through its partnership
        ({"q": "flyer"}, ["Tourism flyer"]),
        ({"ordering": "title"}, ["Digital pact agreement", "Tourism flyer"]),
    ],
)
def test_document_library_filters(client, library, query, expected):
    assert titles(client.get(DOCUMENTS, query)) == expected


def test_document_library_filters_by_published_partnership_only(client, library):
    partnership = library["agreement"].partnership
    assert titles(client.get(DOCUMENTS, {"partnership": partnership.slug})) == [
        "Digital pact agreement"
    ]
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Secret LSP")
    DocumentFactory(partnership=draft, title="Published note of a draft partnership")
    response = client.get(DOCUMENTS, {"partnership": draft.slug})
    # The draft is no valid choice: the filter is refused and its name appears nowhere.
    assert "Secret LSP" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


def test_document_versions_read_like_eu_sites_and_uploads_download_as_pdf(client, library):
    agreement = library["agreement"]
    upload = DocumentFile(document=agreement, language="it")
    upload.file = pdf_upload(pages=3, name="../../etc/Accordo finale.PDF")
    upload.save()

    html = client.get(agreement.get_absolute_url()).content.decode()
    assert f"Italian ({upload.size_label} - PDF)" in html
    # Links to PDFs elsewhere name the site; only the upload reads like an EU download.
    assert "English (PDF, on pact-for-skills.ec.europa.eu)" in html
    assert "French (PDF, on pact-for-skills.ec.europa.eu)" in html
    assert "June 2021" in html

    response = client.get(reverse("partnerships:document_download", args=[agreement.slug, "it"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{agreement.slug}-it.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # A language without an upload, and a draft document's file, are not found.
    missing = reverse("partnerships:document_download", args=[agreement.slug, "en"])
    assert client.get(missing).status_code == 404
    agreement.status = PublicationStatus.DRAFT
    agreement.save()
    response = client.get(reverse("partnerships:document_download", args=[agreement.slug, "it"]))
    assert response.status_code == 404


def test_draft_documents_never_show_and_their_partnership_name_stays_hidden(client, db):
    draft_partnership = PartnershipFactory(name="Confidential Partnership", status="draft")
    DocumentFactory(title="Public leaflet", partnership=draft_partnership)
    html = client.get(DOCUMENTS).content.decode()
    assert "Public leaflet" in html
    assert "Confidential Partnership" not in html
    home = client.get(reverse("ecosystems:home")).content.decode()
    assert "Confidential Partnership" not in home


def test_the_library_offers_the_partnerships_with_most_documents_and_keeps_the_chosen_one(
    client,
):
    busy = PartnershipFactory(name="Busy Partnership")
    DocumentFactory.create_batch(3, partnership=busy)
    quiet = [PartnershipFactory(name=f"Quiet {n:02}") for n in range(PARTNERSHIP_CHOICES + 1)]
    for partnership in quiet:
        DocumentFactory(partnership=partnership)

    response = client.get(reverse("partnerships:document_list"))
    offered = [slug for slug, _name, _count in response.context["partnerships"]]
    assert len(offered) == PARTNERSHIP_CHOICES and busy.slug in offered
    assert "partnerships with the most documents are offered" in response.content.decode()

    # The last of the quiet ones, beyond the first choices, stays chosen when picked.
    left_out = next(p for p in reversed(quiet) if p.slug not in offered)
    response = client.get(reverse("partnerships:document_list"), {"partnership": left_out.slug})
    assert f'<option value="{left_out.slug}" selected>' in response.content.decode()
    assert response.context["paginator"].count == 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "hydrogen"},
        {"language": "fr"},
        {"kind": "report"},
        {"q": "hydrogen", "language": "en"},
    ],
)
def test_each_partnership_offered_counts_the_documents_choosing_it_lists(client, db, query):
    hydrogen = PartnershipFactory(name="Hydrogen Valleys")
    tourism = PartnershipFactory(name="Tourism Skills")
    agreement = DocumentFactory(title="Hydrogen agreement", partnership=hydrogen)
    DocumentFileFactory(document=agreement, language="en")
    DocumentFileFactory(document=agreement, language="fr")
    report = DocumentFactory(title="Hydrogen progress report", kind="report", partnership=hydrogen)
    DocumentFileFactory(document=report, language="en")
    flyer = DocumentFactory(title="Tourism flyer", kind="publication", partnership=tourism)
    DocumentFileFactory(document=flyer, language="fr")
    DocumentFileFactory(document=flyer, language="de")
    DocumentFactory(title="Hydrogen draft", partnership=tourism, status=PublicationStatus.DRAFT)

    offered = client.get(DOCUMENTS, query).context["partnerships"]
    assert offered
    for slug, _name, count in offered:
        chosen = client.get(DOCUMENTS, {**query, "partnership": slug})
        assert chosen.context["paginator"].count == count, (query, slug)


def test_an_invalid_choice_is_marked_on_its_select_and_ignored(client, mixed):
    response = client.get(PARTNERSHIPS, {"kind": "bogus", "country": "IT"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<select id="id_kind" name="kind" aria-invalid="true" aria-describedby="id_kind_error">'
        in html
    )
    assert '<p class="field__error" id="id_kind_error">' in html
    # The other filter still applies, and its select is not marked.
    assert '<select id="id_country" name="country"><option value="">All</option>' in html
    assert '<option value="IT" selected>Italy</option>' in html


def test_last_updated_means_a_curators_change_never_the_load(client, admin_user):
    partnership = PartnershipFactory()
    assert "Last updated" not in client.get(partnership.get_absolute_url()).content.decode()

    partnership.summary = "Rewritten by a curator."
    partnership._history_user = admin_user  # as HistoryRequestMiddleware records it
    partnership.save()
    html = client.get(partnership.get_absolute_url()).content.decode()
    assert "Last updated by a curator" in html


def test_pages_say_how_sure_the_sources_are_and_where_a_partnership_works(client, db):
    eu_wide = PartnershipFactory(coverage=Partnership.Coverage.EU_WIDE)
    doubtful = PartnershipFactory(
        regional=True,
        coverage=Partnership.Coverage.REGIONS,
        confidence="unconfirmed",
        confidence_note="Known from one regional news page only.",
    )
    html = client.get(eu_wide.get_absolute_url()).content.decode()
    assert "<dd>EU-wide</dd>" in html and "An official or first-party source states it." in html
    html = client.get(doubtful.get_absolute_url()).content.decode()
    assert "Not confirmed" in html and "Known from one regional news page only." in html
    assert "its regions are not listed in the sources" in html
    listed = client.get(reverse("partnerships:list")).content.decode()
    assert 'class="tag tag--unconfirmed">Not confirmed' in listed
