"""What the alliance pages say agrees with their sources: statuses with their own dates,
verdicts only against rules on record for their own call, every figure with its source."""

import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from alliances.models import Alliance, AllianceMember, Assessment, FundingCall, MemberCount
from alliances.timeline import Phase, Timeline
from core.partial_dates import PartialDate
from partnerships.models import Membership, Organisation, Partnership

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
PROJECT_YEAR = re.compile(r"-EPP-1-(\d{4})-")


def test_every_published_alliance_agrees_with_its_dates_call_and_sources(client, pact_data):
    today = datetime.date.today()
    alliances = list(Alliance.objects.published().for_detail())
    assert len(alliances) == 26
    for alliance in alliances:
        name = alliance.acronym
        phase = alliance.phase(today)
        timeline = alliance.timeline
        # No status contradicts the record's own dates.
        assert timeline.allows(phase, today), name
        if timeline.ends_by and timeline.ends_by < today:
            assert phase == Phase.ENDED, name
        if alliance.reported_status:
            assert alliance.reported_status_source_url, name
        # Each alliance belongs to a call its number and start allow.
        call = alliance.call
        if call:
            match = PROJECT_YEAR.search(alliance.project_number)
            assert not match or int(match.group(1)) == call.year, name
            if alliance.starts and call.deadline:
                assert alliance.starts.date >= call.deadline.replace(day=1), name
        # No verdict without rules on record for its own call and a whole consortium.
        assessment = alliance.assessment()
        report = alliance.eligibility(frozenset())
        assert (report is not None) == (assessment == Assessment.CHECKED), name
        if report is not None:
            assert call.has_rules
        # Every figure has a source.
        if alliance.reported_partners or alliance.eu_grant_eur or alliance.reported_countries:
            assert alliance.source_url, name
        assert all(count.source_url for count in alliance.member_counts.all()), name
        assert all(member.source_url for member in alliance.members.all()), name

        api = client.get(f"/api/v1/alliances/{alliance.slug}/").json()
        assert api["phase"] == phase and api["phase_as_of"] == today.isoformat(), name
        assert api["assessment"] == assessment, name
        verdict = client.get(f"/api/v1/alliances/{alliance.slug}/eligibility/").json()
        assert verdict["assessment"] == assessment and (verdict["eligible"] is None) == (
            report is None
        ), name
        html = client.get(alliance.get_absolute_url()).content.decode()
        assert str(phase.label) in html, name
        if report is None:
            assert "Fails" not in html and "Meets every rule" not in html, name
    # Only the 2025 call's rules are on record, and no alliance on record answered it.
    assert [c.year for c in FundingCall.objects.with_rules()] == [2025]
    assert not any(a.assessment() == Assessment.CHECKED for a in alliances)


def test_the_statuses_the_issue_found_wrong_now_follow_the_dates(pact_data):
    phases = {a.slug: a.phase(TODAY) for a in Alliance.objects.all()}
    assert phases["skillsea"] == phases["fields"] == phases["chaise"] == Phase.ENDED
    assert phases["metaskills4tclf"] == Phase.ONGOING  # runs to August 2027
    # Started in 2025, with neither an end nor a duration on record: not guessed.
    assert phases["skills4eii"] == Phase.UNKNOWN


@pytest.mark.parametrize(
    ("language", "not_recorded", "no_verdict", "phase"),
    [
        ("en", "Consortium not recorded on this portal.", "No verdict is given.", "Not known"),
        (
            "fr",
            "Consortium non enregistré sur ce portail.",
            "Aucun verdict n’est rendu.",
            "Inconnu",
        ),
        (
            "de",
            "Konsortium auf diesem Portal nicht erfasst.",
            "Es wird kein Urteil gefällt.",
            "Nicht bekannt",
        ),
    ],
)
def test_an_alliance_without_a_consortium_reads_right_in_each_language(
    client, pact_data, language, not_recorded, no_verdict, phase
):
    with translation.override(language):
        url = reverse("alliances:detail", args=["skills4eii"])
    html = client.get(url).content.decode()
    assert url.startswith(f"/{language}/")
    assert not_recorded in html and no_verdict in html and phase in html
    assert "Fails" not in html and "✗" not in html
    # What is known instead: the call it belongs to and that no coordinator is reported.
    assert "ERASMUS-EDU-2024-PI-ALL-INNO-BLUEPRINT" in html


def test_a_recorded_consortium_shows_its_composition_and_no_borrowed_verdict(client, pact_data):
    html = client.get(reverse("alliances:detail", args=["essa-steel"])).content.decode()
    assert "36 members named in public sources" in html
    assert "By country" in html and "By type" in html and "Germany" in html
    # ESSA's 2018 call has no rules on record: no verdict, and the 2025 rules are not used.
    assert "The composition rules of its call are not on record." in html
    assert "Fails" not in html


def test_partnerships_and_alliances_link_both_ways(client, pact_data):
    health = Partnership.objects.get(slug="health-ecosystem-skills-partnership")
    html = client.get(health.get_absolute_url()).content.decode()
    assert "Blueprint alliances supporting it" in html and "BeWell" in html
    api = client.get(f"/api/v1/partnerships/{health.slug}/").json()
    assert [a["slug"] for a in api["alliances"]] == ["bewell"]
    alliance = client.get("/api/v1/alliances/bewell/").json()
    assert [p["slug"] for p in alliance["supported_partnerships"]] == [health.slug]
    ecosystem = client.get(reverse("ecosystems:detail", args=["health"])).content.decode()
    assert "BeWell" in ecosystem and "Care4Skills" in ecosystem


@pytest.mark.parametrize(("words", "found"), [("ALBATTS", "ALBATTS"), ("automotive", "DRIVES")])
def test_search_finds_alliances_by_acronym_and_ecosystem(client, pact_data, words, found):
    response = client.get(reverse("partnerships:search"), {"q": words})
    groups = {group["key"]: group for group in response.context["groups"]}
    assert groups["alliances"]["count"] >= 1
    assert found in response.content.decode()


def test_partnership_members_named_in_sources_beside_the_count_it_reports(client, pact_data):
    asa = Partnership.objects.get(slug="automotive-skills-alliance")
    named = Membership.objects.filter(partnership=asa).count()
    html = client.get(asa.get_absolute_url()).content.decode()
    assert "Members named in public sources" in html
    assert f"The partnership reports more than 120 members; {named} are named here." in html
    assert "Members reported over time" in html
    counts = list(MemberCount.objects.filter(partnership=asa))
    assert len(counts) > 3 and all(c.source_url for c in counts)
    api = client.get(f"/api/v1/partnerships/{asa.slug}/").json()
    assert api["member_counts"][-1]["count"] == 120
    assert all(member["source_url"] for member in api["members"])


def test_members_are_matched_to_existing_organisations_never_duplicated(pact_data):
    assert Organisation.objects.filter(slug="industriall-europe").count() == 1
    assert not Organisation.objects.filter(slug__startswith="industriall-europe-").exists()
    names = list(Organisation.objects.values_list("name", "country_id"))
    assert len(names) == len(set(names))
    assert Membership.objects.count() == 124
    assert AllianceMember.objects.count() == 328
    essa = AllianceMember.objects.filter(alliance__slug="essa-steel")
    assert essa.filter(role="full_partner").count() == 23
    assert essa.filter(role="associated_partner").count() == 12


def test_a_broken_members_file_loads_nothing(db, tmp_path):
    broken = tmp_path / "members.json"
    broken.write_text(
        json.dumps(
            {
                "format_version": 1,
                "organisations": [],
                "memberships": [
                    {
                        "partnership": "no-such-partnership",
                        "organisation": "ehma",
                        "role": "member",
                        "named": None,
                        "source_url": "https://example.org/",
                    }
                ],
            }
        )
    )
    with pytest.raises(CommandError, match="memberships record 1"):
        call_command("load_pact_data", members_file=broken, stdout=io.StringIO())
    assert not Partnership.objects.exists() and not Alliance.objects.exists()


def test_the_checker_shows_each_call_with_its_dates_and_state(client, pact_data):
    html = client.get(reverse("alliances:check")).content.decode()
    assert "Deadline 6 March 2025, 17:00 Brussels time." in html
    assert "This call is not open" in html
    form_call = client.get(reverse("alliances:check")).context["form"].fields["call"]
    assert next(str(label) for _value, label in form_call.choices).endswith(
        "Closed — deadline 6 March 2025"
    )
    # Every call on record is offered; choosing one without rules says it cannot be checked.
    assert [value for value, _label in form_call.choices] == [
        str(call.pk) for call in FundingCall.objects.all()
    ]


def test_a_remembered_call_closes_at_its_deadline_without_a_change(client, call, monkeypatch):
    """The checker reads the calls once until content changes; their state still comes from
    the clock on every check, as no change of content marks a deadline passing."""
    deadline = call.deadline_moment
    page = reverse("alliances:check")

    def state_on_page(moment) -> str:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        field = client.get(page).context["form"].fields["call"]
        return next(str(label) for value, label in field.choices if value == str(call.pk))

    assert " — Open — " in state_on_page(deadline - datetime.timedelta(minutes=1))
    assert " — Closed — " in state_on_page(deadline)


@pytest.mark.parametrize(
    ("starts", "ends", "months", "today", "phase"),
    [
        ("2025", None, None, "2026-12-06", Phase.UNKNOWN),
        ("2020-02", None, 48, "2026-12-06", Phase.ENDED),
        ("2020-02", None, 48, "2022-01-01", Phase.ONGOING),
        ("2023-09-01", "2027-08", None, "2026-12-06", Phase.ONGOING),
        ("2023", "2026", None, "2026-12-06", Phase.UNKNOWN),  # may or may not be over
        ("2023", "2026", None, "2027-01-01", Phase.ENDED),
        ("2027-01", None, None, "2026-12-06", Phase.NOT_STARTED),
    ],
)
def test_a_phase_follows_from_partial_dates(starts, ends, months, today, phase):
    timeline = Timeline(
        PartialDate.parse(starts), PartialDate.parse(ends) if ends else None, months
    )
    assert timeline.phase(datetime.date.fromisoformat(today)) == phase


def test_a_reported_status_is_used_only_where_the_dates_cannot_decide():
    undecided = Timeline(PartialDate.parse("2025"), None, None, Phase.ONGOING)
    assert undecided.phase(TODAY) == Phase.ONGOING
    contradicted = Timeline(PartialDate.parse("2018"), PartialDate.parse("2021"), None, "ongoing")
    assert contradicted.phase(TODAY) == Phase.ENDED


def test_alliances_filter_by_where_they_stand_today(client, pact_data):
    today = datetime.date.today()
    ongoing = {a.acronym for a in Alliance.objects.published() if a.phase(today) == "ongoing"}
    page = client.get(reverse("alliances:list"), {"phase": "ongoing"})
    assert {a.acronym for a in page.context["object_list"]} == ongoing
    api = client.get("/api/v1/alliances/", {"phase": "ongoing"}).json()["results"]
    assert {a["acronym"] for a in api} == ongoing and "DRIVES" not in ongoing
