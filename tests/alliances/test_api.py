import json

import pytest
from django.urls import reverse

from alliances.models import Alliance, AllianceMember
from core.models import PublicationStatus
from tests.alliances.builders import formset_data, make_alliance, twelve
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHECK = "/api/v1/eligibility-check/"


def post(client, body):
    return client.post(CHECK, json.dumps(body), content_type="application/json")


def test_calls_show_their_rules_dates_and_state(client, call):
    data = client.get(f"/api/v1/calls/{call.slug}/").json()
    assert (data["deadline"], data["deadline_time"], data["state"]) == (
        "2025-03-06",
        "17:00",
        "closed",
    )
    assert data["max_grant_eur"] == 4_000_000
    assert data["rules"]["min_programme_countries"] == 8
    years = {c["year"]: c for c in client.get("/api/v1/calls/").json()["results"]}
    assert set(years) == {2017, 2018, 2019, 2020, 2023, 2024, 2025}
    # Rules not on record are null, never another call's.
    assert years[2024]["rules"] is None and years[2017]["deadline"] is None


def test_the_api_gives_the_same_report_as_the_checker_page(client, call):
    members = twelve(m6={"country": "DE", "eche": False})
    page = client.post(reverse("alliances:check"), formset_data(call, members, check="1"))
    api = post(client, {"call": call.slug, "members": members})

    assert api.status_code == 200
    expected = [
        {**result.__dict__, "culprits": list(result.culprits)}
        for result in page.context["report"].results
    ]
    assert api.json()["results"] == expected
    assert api.json()["eligible"] is False


def test_members_may_come_from_the_directory_by_slug(client, call):
    OrganisationFactory(
        slug="deusto", name="Universidad de Deusto", country_id="ES", type="hei", eche_holder=True
    )
    OrganisationFactory(slug="hidden", status=PublicationStatus.DRAFT)
    ok = post(
        client, {"call": call.slug, "members": [{"organisation": "deusto", "role": "coordinator"}]}
    )
    assert ok.status_code == 200
    assert ok.json()["counted"] == ["Universidad de Deusto (ES)"]
    hidden = post(
        client, {"call": call.slug, "members": [{"organisation": "hidden", "role": "coordinator"}]}
    )
    assert hidden.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "call": "nope",
                "members": [{"name": "X", "country": "DE", "type": "sme", "role": "coordinator"}],
            },
            "call",
        ),
        ({"call": "blueprint-2025", "members": []}, "members"),
        ({"call": "blueprint-2025", "members": [{"name": "X", "role": "coordinator"}]}, "members"),
        (
            {
                "call": "blueprint-2025",
                "members": [{"name": "X", "country": "XX", "type": "sme", "role": "boss"}],
            },
            "members",
        ),
        (
            {
                "call": "blueprint-2025",
                "members": [{"name": "X", "country": "DE", "type": "sme", "role": "coordinator"}]
                * 201,
            },
            "members",
        ),
        ({"call": "blueprint-2025"}, "members"),
        (
            {
                "call": "blue\x00print",
                "members": [{"organisation": "x\x00", "role": "coordinator"}],
            },
            "call",
        ),
    ],
)
def test_bad_consortia_are_400_naming_the_field(client, call, body, field):
    response = post(client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_malformed_json_is_a_400(client, call):
    response = client.post(CHECK, "{nope", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_alliances_list_detail_and_eligibility_hide_drafts(client, call):
    alliance = make_alliance(call)
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(), role="coordinator"
    )
    make_alliance(call, slug="secret", acronym="SECRET", status=PublicationStatus.DRAFT)

    listing = client.get("/api/v1/alliances/").json()
    assert [a["slug"] for a in listing["results"]] == ["test"]
    detail = client.get("/api/v1/alliances/test/").json()
    assert detail["members"][0]["role"] == "coordinator"
    report = client.get("/api/v1/alliances/test/eligibility/").json()
    assert report["call"]["slug"] == "blueprint-2025" and report["eligible"] is False
    assert report["assessment"] == "checked"
    assert client.get("/api/v1/alliances/secret/").status_code == 404
    assert client.get("/api/v1/alliances/secret/eligibility/").status_code == 404
    assert client.post("/api/v1/alliances/", {}).status_code in (401, 405)


@pytest.mark.parametrize("members", [3, 30])
def test_alliance_endpoints_run_a_constant_number_of_queries(
    client, call, django_assert_max_num_queries, members
):
    alliance = make_alliance(call)
    for _ in range(members):
        AllianceMember.objects.create(
            alliance=alliance, organisation=OrganisationFactory(), role="full_partner"
        )
    for url, ceiling in [
        ("/api/v1/alliances/", 3),
        ("/api/v1/alliances/test/", 5),
        ("/api/v1/alliances/test/eligibility/", 6),
        ("/api/v1/calls/", 2),
    ]:
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200, url
    assert Alliance.objects.count() == 1


def test_draft_organisations_in_a_consortium_stay_hidden(client, call):
    alliance = make_alliance(call)
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(name="Visible Uni"), role="coordinator"
    )
    AllianceMember.objects.create(
        alliance=alliance,
        organisation=OrganisationFactory(name="Secret Draft Org", status=PublicationStatus.DRAFT),
        role="full_partner",
    )
    page = client.get(alliance.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/alliances/{alliance.slug}/").content.decode()
    report = client.get(f"/api/v1/alliances/{alliance.slug}/eligibility/").content.decode()
    for body in (page, api, report):
        assert "Visible Uni" in body
        assert "Secret Draft Org" not in body
