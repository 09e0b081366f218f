"""From a failed check to a complete consortium: the directory's organisations that would make
each failed rule pass, on the checker page and in the API."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliances.models import Alliance, AllianceMember, FundingCall
from core.models import PublicationStatus
from tests.alliances.builders import formset_data, make_alliance, twelve
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, ecosystem

pytestmark = pytest.mark.django_db

CHECK = reverse("alliances:check")
API = "/api/v1/eligibility-check/"


def one_vet_provider_short():
    """The twelve partners of a passing consortium, its two VET providers made networks."""
    return twelve(m7={"type": "vet_network"}, m9={"type": "vet_network"})


@pytest.fixture
def vet_providers(call):
    """VET providers of the directory: one active in the digital ecosystem's large-scale
    partnership, one in a region of a member, others; a draft, one outside the programme
    countries and a network of providers, none of which can fix the rule."""
    lsp = PartnershipFactory(ecosystem=ecosystem("digital"))
    active = OrganisationFactory(name="Zeta Berufskolleg", slug="zeta", country_id="AT")
    MembershipFactory(partnership=lsp, organisation=active)
    OrganisationFactory(
        name="Darmstadt Campus",
        slug="tu",
        country_id="DE",
        type="hei",
        region_id="DE71",
        eche_holder=True,
    )
    near = OrganisationFactory(
        name="Yellow School", slug="yellow", country_id="DE", region_id="DE71"
    )
    others = [
        OrganisationFactory(name=f"Alpha VET {n:02}", slug=f"alpha-{n}", country_id="FR")
        for n in range(11)
    ]
    OrganisationFactory(name="Alpha draft", slug="draft", status=PublicationStatus.DRAFT)
    OrganisationFactory(name="Alpha abroad", slug="abroad", country_id="US")
    OrganisationFactory(name="Alpha network", slug="network", type="vet_network")
    return active, near, others


def rule_names(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('id="suggest-')[1:]]


def test_a_consortium_one_vet_provider_short_gets_vet_providers_and_adding_one_passes(
    client, call, vet_providers
):
    active, near, others = vet_providers
    members = one_vet_provider_short()
    # A member taken from the directory: its region ranks the suggestions.
    members[1] |= {"name": "Darmstadt Campus", "organisation": "tu"}
    data = formset_data(call, members, check="1", ecosystem="digital")

    page = client.post(CHECK, data)
    failed = [r.rule for r in page.context["report"].failures]
    assert failed == ["require_vet_provider"]
    (group,) = page.context["suggestions"]
    shown = [s.organisation.slug for s in group.suggestions]
    # In the ecosystem first, then in a consortium's region, then by name; ten a page.
    assert shown == [active.slug, near.slug, *[o.slug for o in others[:8]]]
    assert group.next_page == 2
    html = page.content.decode()
    assert rule_names(html) == ["require_vet_provider"]
    assert "Fixes “A VET provider as full partner”: A VET provider." in html
    assert 'name="add" value="zeta"' in html and 'form="checker"' in html

    more = client.post(CHECK, {**data, "more": "require_vet_provider:2"})
    assert [s.organisation.slug for s in more.context["suggestions"][0].suggestions] == [
        o.slug for o in others[8:]
    ]

    # The suggestion's button: added as a full partner, the check runs again and passes.
    added = client.post(CHECK, {**data, "add": "zeta"})
    assert added.context["report"].eligible
    assert added.context["suggestions"] == []
    assert "Meets every rule" in added.content.decode()

    # The API answers the same, a page at a time.
    body = {
        "call": call.slug,
        "members": one_vet_provider_short(),
        "suggest": True,
        "ecosystem": "digital",
        "page_size": 10,
    }
    body["members"][1] = {"organisation": "tu", "role": "full_partner"}
    api = client.post(API, json.dumps(body), content_type="application/json").json()
    (rule,) = api["suggestions"]
    assert (rule["rule"], rule["page"], rule["next_page"]) == ("require_vet_provider", 1, 2)
    assert [s["organisation"]["slug"] for s in rule["organisations"]] == shown
    assert rule["organisations"][0]["in_ecosystem"] is True
    assert rule["organisations"][0]["reason"] == "A VET provider"
    body["members"].append({"organisation": "zeta", "role": "full_partner"})
    fixed = client.post(API, json.dumps(body), content_type="application/json").json()
    assert fixed["eligible"] is True and fixed["suggestions"] == []


def suggestions_shown(page) -> str:
    html = page.content.decode()
    return html[html.index('id="suggestions-title"') :]


def organisation_queries(queries) -> list[str]:
    """The queries reading organisations: a ranking's parts are sliced (``LIMIT``), the
    organisations loaded to draw them are not."""
    return [q["sql"] for q in queries if "partnerships_organisation" in q["sql"]]


def test_a_ranking_is_read_once_for_every_consortium_failing_the_rule(client, call, vet_providers):
    active, near, others = vet_providers
    data = formset_data(call, one_vet_provider_short(), check="1", ecosystem="digital")
    # A check that passes first: what every check reads is remembered then.
    assert client.post(CHECK, formset_data(call, twelve(), check="1")).context["report"].eligible
    with CaptureQueriesContext(connection) as first:
        before = client.post(CHECK, data)
    # The ranking (its first group came short: two queries) and the organisations shown.
    assert ["LIMIT" in sql for sql in organisation_queries(first)] == [True, True, False]

    # Another consortium one VET provider short in the ecosystem: the same ranking, read
    # from what the first check remembered, without its own members. One of them is named
    # as the directory's organisation active in the ecosystem: it is not suggested to itself.
    other = one_vet_provider_short()
    other[4]["name"] = active.name
    with CaptureQueriesContext(connection) as again:
        after = client.post(CHECK, formset_data(call, other, check="1", ecosystem="digital"))
    # No ranking read: only the organisation the first page did not show is loaded, to draw it.
    (loaded,) = organisation_queries(again)
    assert "LIMIT" not in loaded
    assert [s.slug for s in before.context["suggestions"][0].suggestions] == [
        active.slug,
        *[o.slug for o in others[:9]],
    ]
    (group,) = after.context["suggestions"]
    assert [s.slug for s in group.suggestions] == [o.slug for o in others[:10]]
    assert group.next_page == 2
    assert f'value="{active.slug}"' not in suggestions_shown(after)
    assert f'value="{others[0].slug}"' in suggestions_shown(after)
    assert near.slug not in [s.slug for s in group.suggestions]

    # A change retires the ranking and the drawings: the next check reads them again and
    # shows the organisation's new name.
    active.name = "Zeta Kolleg"
    active.save()
    with CaptureQueriesContext(connection) as changed:
        renamed = suggestions_shown(client.post(CHECK, data))
    assert ["LIMIT" in sql for sql in organisation_queries(changed)] == [True, True, False]
    assert "Zeta Kolleg" in renamed and "Zeta Berufskolleg" not in renamed


def test_each_failed_rule_gets_its_own_fixes(client, call):
    OrganisationFactory(slug="chamber", country_id="PT", type="chamber")
    OrganisationFactory(slug="uni-no-charter", country_id="PT", type="hei")
    OrganisationFactory(slug="uni", country_id="PT", type="hei", eche_holder=True)
    members = [
        {"name": "Lone SME", "country": "DE", "type": "sme", "eche": False, "role": "coordinator"}
    ]
    page = client.post(CHECK, formset_data(call, members, check="1"))
    found = {
        g.rule: {s.organisation.slug for s in g.suggestions} for g in page.context["suggestions"]
    }
    assert found == {
        "min_programme_countries": {"chamber", "uni"},
        "min_full_partners": {"chamber", "uni"},
        "min_labour_market_actors": {"chamber"},
        "min_education_training_providers": {"uni"},
        # The call wants a charter: an institution without one is never suggested.
        "require_hei": {"uni"},
        "require_vet_provider": set(),
    }
    assert "No organisation of the directory would make this rule pass." in (page.content.decode())


def test_the_country_rule_finds_the_countries_missing_behind_many_of_those_present(client, call):
    # The first candidates by name are all of the consortium's own country: the rule asks
    # for the others, further down.
    present = [
        OrganisationFactory(name=f"Aachen {n:03}", slug=f"aachen-{n}", country_id="DE")
        for n in range(120)
    ]
    OrganisationFactory(name="Zulu Porto", slug="porto", country_id="PT")
    OrganisationFactory(name="Zulu Lisboa", slug="lisboa", country_id="PT")
    members = [
        {"name": "Lone SME", "country": "DE", "type": "sme", "eche": False, "role": "coordinator"}
    ]
    page = client.post(CHECK, formset_data(call, members, check="1"))
    found = {g.rule: [s.slug for s in g.suggestions] for g in page.context["suggestions"]}
    assert found["min_programme_countries"] == ["lisboa", "porto"]
    assert found["min_full_partners"] == [o.slug for o in present[:10]]


@pytest.mark.parametrize("n", [1, 6])
def test_suggestions_take_a_constant_number_of_queries(client, call, django_assert_num_queries, n):
    alliance = make_alliance(call)
    for _i in range(n):
        organisation = OrganisationFactory(country_id="PL", type="sme")
        AllianceMember.objects.create(
            alliance=alliance, organisation=organisation, role="full_partner"
        )
        OrganisationFactory(country_id="SE", type="hei", eche_holder=True)
        OrganisationFactory(country_id="FI")
    members = [
        {"name": "Lone SME", "country": "DE", "type": "sme", "eche": False, "role": "coordinator"}
    ]
    body = {
        "call": call.slug,
        "members": members,
        "suggest": True,
        "ecosystem": alliance.ecosystem.slug,
    }
    # Each rule's first group of the ranking (the few organisations active in the ecosystem
    # leave it short), the later groups, and the organisations shown: the same count at
    # either size.
    with django_assert_num_queries(7):
        answer = client.post(API, json.dumps(body), content_type="application/json")
    assert len(answer.json()["suggestions"]) == 6
    assert Alliance.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"suggest": "yes"}, "suggest"),
        ({"suggest": True, "page": 0}, "page"),
        ({"suggest": True, "page_size": 500}, "page_size"),
        ({"suggest": True, "ecosystem": "nowhere"}, "ecosystem"),
        ({"call": "blueprint-2024"}, "call"),
    ],
)
def test_bad_suggestion_requests_are_400_naming_the_field(client, call, change, field):
    body = {"call": call.slug, "members": one_vet_provider_short(), **change}
    answer = client.post(API, json.dumps(body), content_type="application/json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_every_call_is_offered_and_one_without_rules_says_it_cannot_be_checked(client, call):
    page = client.get(CHECK)
    labels = [str(label) for _value, label in page.context["form"].fields["call"].choices]
    # The latest first, with its state and deadline; the others too, marked.
    assert labels[0].endswith(
        "(ERASMUS-EDU-2025-PI-ALL-INNO-BLUEPRINT) — Closed — deadline 6 March 2025"
    )
    assert len(labels) == 7 and labels[1].endswith("rules not on record")
    older = FundingCall.objects.get(slug="blueprint-2024")
    other = client.post(CHECK, formset_data(older, twelve(), check="1"))
    assert other.context["report"] is None
    assert "are not on record, so no consortium can be checked" in other.content.decode()
