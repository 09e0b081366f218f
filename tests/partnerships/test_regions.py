"""NUTS level-2 regions: the records, what partnerships cover, and the region filter."""

import pytest
import tablib
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import PublicationStatus
from partnerships.models import NutsRegion, Partnership, Region
from partnerships.resources import OrganisationResource
from tests.factories import OrganisationFactory, PartnershipFactory, RegionFactory

API = "/api/v1"


def regional(**kwargs) -> Partnership:
    kwargs.setdefault("kind", Partnership.Kind.REGIONAL)
    kwargs.setdefault("scope", Partnership.Scope.REGIONAL)
    kwargs.setdefault("ecosystem", None)
    kwargs.setdefault("coverage", Partnership.Coverage.REGIONS)
    return PartnershipFactory(**kwargs)


def covering(*codes: str, **kwargs) -> Partnership:
    partnership = regional(**kwargs)
    for code in codes:
        # Areas are shared: one row per NUTS code.
        area = Region.objects.filter(nuts_code=code).first()
        partnership.regions.add(area or RegionFactory(nuts_code=code, country_id=None))
    return partnership


def test_every_nuts_2024_level_2_region_is_a_record_with_its_country(db):
    assert NutsRegion.objects.count() == 289
    lombardy = NutsRegion.objects.get(code="ITC4")
    assert (lombardy.name, lombardy.name_en, lombardy.country_id) == ("Lombardia", "Lombardy", "IT")
    # NUTS writes Greece EL; the portal's country is ISO's GR.
    assert NutsRegion.objects.get(code="EL61").country_id == "GR"
    # Kosovo has no ISO 3166-1 code, so no country row; the region is still there.
    assert NutsRegion.objects.get(code="XK00").country is None
    # The source's trailing spaces are not kept.
    assert not NutsRegion.objects.filter(name__endswith=" ").exists()


@pytest.mark.parametrize(
    ("area", "covered"),
    [
        ("ITC4", {"ITC4"}),
        ("ITF47", {"ITF4"}),  # Bari → Puglia
        ("ITC", {"ITC1", "ITC2", "ITC3", "ITC4"}),  # NUTS-1: all its level-2 regions
    ],
)
def test_an_area_covers_the_level_2_regions_its_code_names(db, area, covered):
    partnership = covering(area)
    found = NutsRegion.objects.covered_by(Partnership.objects.published())
    assert {code for code, ids in found.items() if partnership.pk in ids} == covered
    assert (
        set(NutsRegion.objects.filter(code__in=covered).values_list("code", flat=True)) == covered
    )
    for code in covered:
        assert list(Partnership.objects.covering([code])) == [partnership]


def test_coverage_follows_a_curators_change_of_an_area_or_of_the_areas(db):
    partnership = covering("ITC4")
    area = partnership.regions.get()
    area.nuts_code = "ITH4"
    area.save()
    assert not Partnership.objects.covering(["ITC4"]).exists()
    assert Partnership.objects.covering(["ITH4"]).get() == partnership
    partnership.regions.clear()
    assert not Partnership.objects.covering(["ITH4"]).exists()


def test_the_api_filters_partnerships_by_region_several_allowed(db):
    lombardy = covering("ITC4", name="Lombardy")
    friuli = covering("ITH45", name="Friuli")
    covering("ITC4", name="Draft in Lombardy", status=PublicationStatus.DRAFT)
    covering("EL61", name="Thessaly")

    def names(query):
        response = APIClient().get(f"{API}/partnerships/", query)
        assert response.status_code == 200
        return sorted(p["name"] for p in response.json()["results"])

    assert names({"region": "ITC4"}) == [lombardy.name]
    assert names({"region": "itc4"}) == [lombardy.name]
    assert names({"region": ["ITC4", "ITH4"]}) == sorted([lombardy.name, friuli.name])


def test_the_lombardy_partnership_is_found_by_its_region(pact_data):
    response = APIClient().get(f"{API}/partnerships/", {"region": "ITC4"})
    assert [p["slug"] for p in response.json()["results"]] == [
        "lombardy-regional-skills-partnership"
    ]
    response = APIClient().get(f"{API}/partnerships/", {"region": "ITF4"})
    assert {p["slug"] for p in response.json()["results"]} == {
        "bari-metropolitan-skills-partnership",
        "sud-italia-skills-partnership",
    }


@pytest.mark.parametrize("endpoint", ["partnerships", "organisations"])
@pytest.mark.parametrize("value", ["XX99", "ITC", "ITF47", "\x00"])
def test_an_unknown_region_is_a_400_naming_the_parameter(db, endpoint, value):
    response = APIClient().get(f"{API}/{endpoint}/", {"region": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]


def test_the_api_filters_organisations_by_their_region_published_only(db):
    milan = OrganisationFactory(name="Politecnico", region_id="ITC4")
    OrganisationFactory(name="Draft", region_id="ITC4", status=PublicationStatus.DRAFT)
    OrganisationFactory(name="Elsewhere", region_id="ITH4")
    response = APIClient().get(f"{API}/organisations/", {"region": "ITC4"})
    assert [o["name"] for o in response.json()["results"]] == [milan.name]


def test_the_list_pages_offer_the_regions_with_counts_and_refuse_unknown_ones(db, client):
    covering("ITC4")
    covering("ITC4", "ITH4")
    OrganisationFactory(region_id="ITH4")
    page = client.get(reverse("partnerships:list")).content.decode()
    assert '<option value="ITC4">Lombardy (ITC4) (2)</option>' in page
    assert '<option value="ITH4">Friuli-Venezia Giulia (ITH4) (1)</option>' in page
    assert 'value="ITC1"' not in page  # nothing there
    page = client.get(reverse("partnerships:list"), {"region": "ITH4"}).content.decode()
    assert '<option value="ITH4" selected>' in page
    assert "1 partnership" in page
    organisations = client.get(reverse("partnerships:organisation_list")).content.decode()
    assert '<option value="ITH4">Friuli-Venezia Giulia (ITH4) (1)</option>' in organisations
    response = client.get(reverse("partnerships:list"), {"region": "XX99"})
    assert response.status_code == 200
    assert 'id="id_region_error"' in response.content.decode()
    # The select's "All" sends an empty value: no region, no error.
    response = client.get(reverse("partnerships:list"), {"region": ""})
    assert 'id="id_region_error"' not in response.content.decode()
    assert APIClient().get(f"{API}/organisations/", {"region": ""}).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_region_filtered_lists_cost_the_same_queries_at_any_size(
    db, client, django_assert_max_num_queries, n
):
    for _ in range(n):
        covering("ITC4", "ITF47")
        OrganisationFactory(region_id="ITC4")
    with django_assert_max_num_queries(22):
        assert client.get(reverse("partnerships:list"), {"region": "ITC4"}).status_code == 200
    organisations = reverse("partnerships:organisation_list")
    with django_assert_max_num_queries(14):
        assert client.get(organisations, {"region": "ITC4"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"{API}/partnerships/", {"region": "ITC4"}).status_code == 200


def test_an_organisations_json_names_its_region(db):
    OrganisationFactory(slug="politecnico", region_id="ITC4")
    OrganisationFactory(slug="unknown-place")
    assert APIClient().get(f"{API}/organisations/politecnico/").json()["region"] == "ITC4"
    assert APIClient().get(f"{API}/organisations/unknown-place/").json()["region"] is None


def test_an_organisations_region_is_imported_by_code_and_an_unknown_one_refused(db):
    header = ["slug", "name", "type", "region"]
    good = tablib.Dataset(["lab-milano", "Lab Milano", "sme", "itc4"], headers=header)
    result = OrganisationResource().import_data(good, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert NutsRegion.objects.get(organisations__slug="lab-milano").code == "ITC4"
    bad = tablib.Dataset(["lab-x", "Lab X", "sme", "XX99"], headers=header)
    assert OrganisationResource().import_data(bad, dry_run=True).has_validation_errors()


def test_curators_look_regions_up_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:partnerships_nutsregion_changelist"), {"q": "Lomb"})
    assert response.status_code == 200
    assert "ITC4" in response.content.decode()
