"""Which partnerships fit an organisation: from a PIC or a description, on the page and in the
API; published records only."""

import pytest
from django.urls import reverse
from django.utils import translation

from alliances.models import AllianceMember
from core.models import PublicationStatus
from tests.alliances.builders import make_alliance
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegionFactory,
    ecosystem,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("match:page")
API = "/api/v1/match/"


@pytest.fixture
def darmstadt(call):
    """A German university in Darmstadt (DE71), member of the digital ecosystem's large-scale
    partnership, and what else is on record around it."""
    university = OrganisationFactory(
        name="Technische Universität Darmstadt",
        slug="tu-darmstadt",
        pic="999986390",
        country_id="DE",
        region_id="DE71",
        type="hei",
        eche_holder=True,
    )
    digital = PartnershipFactory(
        name="Digital LSP", slug="digital-lsp", ecosystem=ecosystem("digital")
    )
    MembershipFactory(partnership=digital, organisation=university)
    PartnershipFactory(
        name="Mobility LSP",
        slug="mobility-lsp",
        ecosystem=ecosystem("mobility-transport-automotive"),
    )
    hesse = PartnershipFactory(
        name="Hessen Skills", slug="hessen", regional=True, coverage="regions"
    )
    hesse.regions.add(RegionFactory(name="Hessen", nuts_code="DE7", country_id="DE"))
    darmstadt = PartnershipFactory(
        name="Darmstadt Skills", slug="darmstadt", regional=True, coverage="regions"
    )
    darmstadt.regions.add(RegionFactory(name="Darmstadt", nuts_code="DE711", country_id="DE"))
    elsewhere = PartnershipFactory(
        name="Bavaria Skills", slug="bavaria", regional=True, coverage="regions"
    )
    elsewhere.regions.add(RegionFactory(name="Oberbayern", nuts_code="DE21", country_id="DE"))
    hidden = PartnershipFactory(
        name="Draft Skills",
        slug="draft",
        regional=True,
        coverage="regions",
        status=PublicationStatus.DRAFT,
    )
    hidden.regions.add(RegionFactory(name="Darmstadt too", nuts_code="DE71", country_id="DE"))
    alliance = make_alliance(call, acronym="DIGI", slug="digi", ecosystem=ecosystem("digital"))
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(), role="coordinator"
    )
    return university


def slugs(fits, kind=None):
    return sorted(f["slug"] for f in fits if kind is None or f["kind"] == kind)


def test_a_german_university_in_darmstadt_finds_what_covers_de71_and_its_ecosystems(
    client, darmstadt
):
    by_pic = client.get(API, {"pic": "999986390"}).json()
    assert by_pic["organisation"]["slug"] == "tu-darmstadt" and by_pic["region"] == "DE71"
    assert slugs(by_pic["member_of"]) == ["digital-lsp"]
    # The regional partnerships covering DE71 (from its level-1 and level-3 codes), and the
    # alliance of its ecosystem; never the draft, Bavaria, or what it is in already.
    assert slugs(by_pic["could_join"], "regional") == ["darmstadt", "hessen"]
    assert slugs(by_pic["could_join"], "alliance") == ["digi"]
    assert slugs(by_pic["could_join"], "large-scale") == []
    fit = next(f for f in by_pic["could_join"] if f["slug"] == "hessen")
    assert fit["reason"] == "Covers Darmstadt (DE71), where the organisation is"
    assert fit["page"].endswith("/en/partnerships/hessen/")

    # A country given with a region is read from the region.
    described = {
        "country": "fr",
        "region": "de71",
        "type": "hei",
        "ecosystem": ["digital", "mobility-transport-automotive"],
    }
    api = client.get(API, described).json()
    assert api["organisation"] is None and api["member_of"] == [] and api["country"]["code"] == "DE"
    assert slugs(api["could_join"], "large-scale") == ["digital-lsp", "mobility-lsp"]
    assert slugs(api["could_join"], "regional") == ["darmstadt", "hessen"]
    reason = next(f["reason"] for f in api["could_join"] if f["slug"] == "digi")
    assert reason.endswith("counts the organisation as an education and training provider")

    page = client.get(PAGE, described)
    html = page.content.decode()
    assert [fit.record.slug for fit in page.context["matches"].could_join] == [
        f["slug"] for f in api["could_join"]
    ]
    assert "The large-scale partnership of" in html and 'href="/en/partnerships/hessen/"' in html


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"pic": "12345"}, 400, "pic"),
        ({"region": "ZZ99"}, 400, "region"),
        ({"ecosystem": "nowhere"}, 400, "ecosystem"),
        ({"type": "wizard"}, 400, "type"),
        # A PIC the directory does not hold names no record.
        ({"pic": "123456789"}, 404, None),
        # An empty question: nothing to match in the API, a request for something on the page.
        ({"pic": ""}, 200, None),
    ],
)
def test_bad_questions_are_form_errors_and_400s(client, darmstadt, query, status, field):
    answer = client.get(API, query)
    assert answer.status_code == status
    if field:
        assert field in answer.json()["errors"]
    if status == 200:
        assert answer.json()["could_join"] == [] and answer.json()["organisation"] is None
    page = client.get(PAGE, query)
    assert page.status_code == 200 and page.context["matches"] is None
    assert "There is a problem" in page.content.decode()


def test_the_checker_and_the_matcher_name_countries_in_the_readers_language(client, call):
    # The English names drawn first are not what the next reader in French or German gets.
    for language, germany, in_order in [
        ("en", "Germany", ("Austria", "Belgium")),
        ("fr", "Allemagne", ("Autriche", "Belgique")),
        ("de", "Deutschland", ("Belgien", "Deutschland")),
    ]:
        for name in ("alliances:check", "match:page"):
            with translation.override(language):
                html = client.get(reverse(name)).content.decode()
            assert f'<option value="DE">{germany}</option>' in html, (language, name)
            # Sorted by the name in that language.
            first, second = (html.index(f">{country}</option>") for country in in_order)
            assert first < second, (language, name)
