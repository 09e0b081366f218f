"""Region pages, the coverage map, the white spots and their CSV and JSON."""

import csv
import gzip
import io

import pytest
from rest_framework.test import APIClient

from alliances.models import AllianceMember
from core.models import PublicationStatus
from partnerships.models import NutsRegion, Partnership, Region
from tests.alliances.builders import make_alliance
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegionFactory,
    ecosystem,
)

DRAFT = PublicationStatus.DRAFT


def regional(*codes: str, **kwargs) -> Partnership:
    partnership = PartnershipFactory(
        kind=Partnership.Kind.REGIONAL,
        scope=Partnership.Scope.REGIONAL,
        ecosystem=None,
        coverage=Partnership.Coverage.REGIONS,
        **kwargs,
    )
    for code in codes:
        area = Region.objects.filter(nuts_code=code).first()
        partnership.regions.add(area or RegionFactory(nuts_code=code, country_id=None))
    return partnership


def friuli_world(n: int = 1):
    """Published partnerships, alliances and members in Friuli-Venezia Giulia (ITH4), and a
    draft of each that must never show."""
    for i in range(n):
        regional("ITH4", name=f"Friuli partnership {i}")
        large = PartnershipFactory(name=f"Digital large-scale {i}")
        member = OrganisationFactory(name=f"Trieste member {i}", region_id="ITH4")
        MembershipFactory(partnership=large, organisation=member)
        DocumentFactory(title=f"Friuli agreement {i}", partnership=large)
    regional("ITH4", name="Draft partnership", status=DRAFT)
    hidden = OrganisationFactory(name="Draft member", region_id="ITH4", status=DRAFT)
    MembershipFactory(
        partnership=PartnershipFactory(name="Hidden large-scale"), organisation=hidden
    )
    draft_large = PartnershipFactory(name="Draft large-scale", status=DRAFT)
    MembershipFactory(
        partnership=draft_large, organisation=OrganisationFactory(name="Udine", region_id="ITH4")
    )
    DocumentFactory(title="Draft document", partnership=draft_large)
    regional("ITH3", name="Veneto partnership")


DRAFT_NAMES = [
    "Draft partnership",
    "Draft member",
    "Hidden large-scale",
    "Draft large-scale",
    "Draft document",
    "Udine",
]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_region_page_shows_what_covers_it_and_who_is_there_never_a_draft(db, client, language):
    friuli_world()
    call = None
    alliance = make_alliance(call, acronym="DIGI", slug="digi")
    AllianceMember.objects.create(
        alliance=alliance,
        organisation=OrganisationFactory(name="Gorizia", region_id="ITH4"),
        role="full_partner",
    )
    page = client.get(f"/{language}/regions/ITH4/").content.decode()
    for shown in [
        "Friuli partnership 0",
        "Digital large-scale 0",
        "Trieste member 0",
        "Friuli agreement 0",
        "DIGI",
        "Gorizia",
        "Veneto",
    ]:
        assert shown in page
    for hidden in DRAFT_NAMES:
        assert hidden not in page
    assert "Friuli-Venezia Giulia" in page


def test_the_euradria_partnership_is_on_friulis_page(pact_data, client):
    page = client.get("/en/regions/ITH4/").content.decode()
    assert "Regional Skills Partnership for the EURADRIA region" in page
    # And its page leads to the regions it covers: Friuli, and Goriška in Zahodna Slovenija.
    partnership = client.get("/en/partnerships/euradria-skills-partnership/").content.decode()
    assert '<a href="/en/regions/ITH4/">Friuli Venezia Giulia</a>' in partnership
    assert '<a href="/en/regions/SI04/">Goriška</a>' in partnership
    assert client.get("/en/regions/ith4/").url == "/en/regions/ITH4/"
    assert client.get("/en/regions/XX99/").status_code == 404


def test_a_regions_json_lists_the_same_and_the_list_filters_by_country(db):
    friuli_world()
    body = APIClient().get("/api/v1/regions/ITH4/").json()
    assert body["code"] == "ITH4" and body["country"] == "IT" and body["partnerships"] == 1
    assert [p["name"] for p in body["regional_partnerships"]] == ["Friuli partnership 0"]
    assert [p["name"] for p in body["large_scale_partnerships"]] == ["Digital large-scale 0"]
    assert [o["name"] for o in body["members"]] == ["Trieste member 0"]
    assert [d["name"] for d in body["documents"]] == ["Friuli agreement 0"]
    assert [r["code"] for r in body["neighbours"]] == ["ITH3"]
    assert all(name not in str(body) for name in DRAFT_NAMES)
    italy = APIClient().get("/api/v1/regions/", {"country": "IT", "page_size": 100}).json()
    assert italy["count"] == 21
    assert APIClient().get("/api/v1/regions/", {"country": "XX"}).status_code == 400


@pytest.mark.parametrize("n", [1, 4])
def test_region_pages_cost_the_same_queries_at_any_size(
    db, client, django_assert_max_num_queries, n
):
    friuli_world(n)
    with django_assert_max_num_queries(12):
        assert client.get("/en/regions/ITH4/").status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get("/api/v1/regions/ITH4/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/en/regions/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/en/regions/gaps/", {"ecosystem": "digital"}).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/en/regions/regions.csv").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/en/regions/gaps/health.csv").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/regions/", {"country": "IT"}).status_code == 200


def test_the_coverage_map_draws_every_region_and_links_the_covered_ones(db, client):
    regional("ITC4")
    regional("ITC4", "ITF47")
    regional("ITC4", name="Draft", status=DRAFT)
    response = client.get("/en/regions/")
    page = response.content.decode()
    assert page.count('class="country-map__link"') == 2
    assert page.count('role="img" aria-label=') == 289 - 2
    assert 'href="/en/regions/ITC4/" aria-label="Lombardy: 2 partnerships"' in page
    assert 'aria-label="Apulia: 1 partnership"' in page
    assert "© EuroGeographics for the administrative boundaries" in page
    assert "style=" not in page
    # The page weight the brief sets: 150 KB compressed at most.
    assert len(gzip.compress(response.content)) < 150_000
    french = client.get("/fr/regions/", {"country": "IT"}).content.decode()
    assert french.count('class="country-map__link"') == 2
    assert french.count('role="img" aria-label=') == 21 - 2  # Italy's regions only
    assert 'viewBox="0 0 1000 834"' not in french  # zoomed to Italy
    german = client.get("/de/regions/", {"country": "ZZ"}).content.decode()
    assert 'id="id_country_error"' in german


def test_the_coverage_csv_has_every_region_and_counts_no_draft(db, client):
    regional("ITC4")
    regional("ITC4", "ITH4", status=DRAFT)
    rows = list(csv.reader(io.StringIO(client.get("/en/regions/regions.csv").content.decode())))
    assert rows[0] == ["code", "name", "name_en", "country", "partnerships"]
    assert len(rows) == 290
    assert ["ITC4", "Lombardia", "Lombardy", "IT", "1"] in rows
    assert ["ITH4", "Friuli-Venezia Giulia", "", "IT", "0"] in rows


@pytest.mark.parametrize("slug", ["digital", "health"])
def test_the_white_spots_csv_has_one_row_per_region_zero_where_nothing_is(db, client, slug):
    linked = regional("ITC4")
    linked.linked_ecosystems.add(ecosystem("digital"))
    regional("ITH4")  # linked to no ecosystem: no help for digital
    large = PartnershipFactory(ecosystem=ecosystem("digital"))
    MembershipFactory(partnership=large, organisation=OrganisationFactory(region_id="EL61"))
    MembershipFactory(
        partnership=large, organisation=OrganisationFactory(region_id="EL30", status=DRAFT)
    )
    response = client.get(f"/en/regions/gaps/{slug}.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == NutsRegion.objects.count() == 289
    totals = {row["code"]: int(row["total"]) for row in rows}
    expected = {"ITC4": 1, "EL61": 1} if slug == "digital" else {}
    assert {code: n for code, n in totals.items() if n} == expected
    page = client.get("/en/regions/gaps/", {"ecosystem": slug}).content.decode()
    assert f"{289 - len(expected)} white spots" in page


def test_the_white_spots_ask_for_an_ecosystem(db, client):
    assert client.get("/en/regions/gaps/").status_code == 200
    page = client.get("/en/regions/gaps/", {"ecosystem": "space"}).content.decode()
    assert 'id="id_ecosystem_error"' in page
    assert client.get("/en/regions/gaps/space.csv").status_code == 404


def test_search_finds_regions_in_any_of_their_languages(db, client):
    for words in ["Friuli", "Lombardia", "Lombardy"]:
        page = client.get("/en/search/", {"q": words}).content.decode()
        assert 'id="group-regions"' in page
    page = client.get("/en/search/", {"q": "Friuli"}).content.decode()
    assert 'href="/en/regions/ITH4/"' in page


def test_region_pages_are_in_the_sitemap(db, client):
    sitemap = client.get("/sitemap-regions.xml").content.decode()
    assert "/en/regions/ITH4/" in sitemap and "/de/regions/XK00/" in sitemap
