"""Alliances: the data, the rules the database keeps, the pages, the checker form, the admin."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from alliances.models import Alliance, AllianceMember, FundingCall, ProgrammeCountry
from core.models import PublicationStatus
from tests.alliances.builders import COUNTRIES, TYPES, formset_data, make_alliance, twelve
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CHECK = reverse("alliances:check")


def test_the_real_alliances_call_and_programme_countries_are_loaded(pact_data):
    call = FundingCall.objects.get(slug="blueprint-2025")
    assert Alliance.objects.published().count() == 26
    assert ProgrammeCountry.objects.count() == 33
    assert "TR" in ProgrammeCountry.codes() and "UA" not in ProgrammeCountry.codes()
    assert call.max_grant_eur == 4_000_000 and call.duration_months == 48
    assert call.call_rules.min_full_partners == 12
    # 6 March 2025, 17:00 in Brussels is 16:00 UTC.
    assert call.deadline_moment.isoformat() == "2025-03-06T17:00:00+01:00"
    assert call.state() == "closed"
    assert list(FundingCall.objects.with_rules()) == [call]
    drives = Alliance.objects.get(slug="drives")
    assert (drives.ecosystem.slug, drives.starts.isoformat(), drives.call.slug) == (
        "mobility-transport-automotive",
        "2018-01",
        "blueprint-2017",
    )
    assert drives.phase() == "ended"


def test_a_grant_above_the_calls_maximum_is_refused(call):
    with pytest.raises(ValidationError, match="at most EUR 4,000,000"):
        make_alliance(call, eu_grant_eur=4_000_001)
    assert make_alliance(call, eu_grant_eur=4_000_000).pk


def test_a_call_that_says_so_funds_one_alliance_per_ecosystem(call):
    first = make_alliance(call)
    with pytest.raises(ValidationError, match="only one alliance per ecosystem"):
        make_alliance(call, slug="second", ecosystem=first.ecosystem)
    # A call whose sources say nothing of the kind is not held to the 2025 call's rule.
    call.one_alliance_per_ecosystem = False
    call.save()
    assert make_alliance(call, slug="second", ecosystem=first.ecosystem).pk


def test_an_alliance_has_one_coordinator(call):
    alliance = make_alliance(call)
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(), role="coordinator"
    )
    second = AllianceMember(
        alliance=alliance, organisation=OrganisationFactory(), role="coordinator"
    )
    with pytest.raises(ValidationError, match="one coordinator"):
        second.full_clean()


def test_call_rules_are_validated_as_data(call):
    call.rules = {**call.rules, "min_full_partners": "twelve"}
    with pytest.raises(ValidationError, match="must be a whole number"):
        call.full_clean()


def test_the_list_shows_published_alliances_and_filters(client, pact_data):
    Alliance.objects.filter(slug="drives").update(status=PublicationStatus.DRAFT)
    html = client.get(reverse("alliances:list")).content.decode()
    assert "25 alliances found" in html and ">DRIVES<" not in html
    digital = client.get(reverse("alliances:list"), {"ecosystem": "digital"})
    assert {a.acronym for a in digital.context["object_list"]} == {"CHAISE", "REWIRE", "ARISA"}
    assert client.get(reverse("alliances:detail", args=["drives"])).status_code == 404


def test_an_alliance_page_shows_consortium_partnerships_and_report(client, call):
    alliance = make_alliance(call)
    for index, kind in enumerate(TYPES[:11]):
        AllianceMember.objects.create(
            alliance=alliance,
            role="coordinator" if index == 0 else "full_partner",
            organisation=OrganisationFactory(
                type=kind, country_id=COUNTRIES[index % 8], eche_holder=kind == "hei"
            ),
        )
    alliance.supported_partnerships.add(PartnershipFactory(name="Digital Skills LSP"))
    html = client.get(alliance.get_absolute_url()).content.decode()

    assert "Coordinator" in html and "Full partner" in html
    assert "Digital Skills LSP" in html
    assert "Fails 1 rule" in html
    assert "✗ Fail" in html and "✓ Pass" in html


@pytest.mark.parametrize("members", [5, 40])
def test_alliance_pages_run_a_constant_number_of_queries(
    client, call, django_assert_max_num_queries, members
):
    alliance = make_alliance(call)
    for _ in range(members):
        AllianceMember.objects.create(
            alliance=alliance, organisation=OrganisationFactory(), role="full_partner"
        )
    with django_assert_max_num_queries(10):
        assert client.get(alliance.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("alliances:list")).status_code == 200


def test_a_visitor_assembles_a_consortium_sees_what_fails_and_fixes_it(client, call):
    broken = twelve(m6={"country": "DE", "eche": False})  # a German university without ECHE
    response = client.post(CHECK, formset_data(call, broken, check="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Partner 6 (DE) is a higher education institution without an ECHE" in html
    assert not response.context["report"].eligible

    fixed = client.post(CHECK, formset_data(call, twelve(), check="1"))
    assert fixed.context["report"].eligible
    assert "Meets every rule" in fixed.content.decode()


def test_an_organisation_from_the_directory_is_added_as_a_full_partner(client, call):
    OrganisationFactory(name="Universidad de Deusto", slug="deusto", country_id="ES", type="hei")
    found = client.post(CHECK, formset_data(call, twelve()[:2], q="deusto", search="1"))
    assert "Add as full partner" in found.content.decode()
    added = client.post(CHECK, formset_data(call, twelve()[:2], add="deusto"))
    names = [f.initial.get("name") for f in added.context["formset"].forms]
    assert "Universidad de Deusto" in names
    assert added.context["member_count"] == 3


def csv_upload(text: str | bytes) -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile("consortium.csv", content, content_type="text/csv")


GOOD_CSV = "name,country,type,eche,role\n" + "".join(
    f"{m['name']},{m['country']},{m['type']},{'yes' if m['eche'] else 'no'},{m['role']}\n"
    for m in twelve()
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,land,type\nX,DE,sme\n", "The first row must name the columns"),
        ("name,country,type,eche,role\nX,XX,sme,no,full_partner\n", "Row 2: unknown country “XX”"),
        ("name,country,type,eche,role\nX,DE,spaceship,no,full_partner\n", "unknown type"),
        ("name,country,type,eche,role\n", "The file has no members."),
        (b"name,country\n\xff\xfe\x00bad", "not UTF-8 text"),
        ("name,country,type,eche,role\n" + "X,DE,sme,no,full_partner\n" * 10_000, "at most"),
    ],
)
def test_a_bad_csv_gets_a_clear_message_and_adds_nothing(client, call, content, message):
    response = client.post(CHECK, {**formset_data(call, []), "csv_file": csv_upload(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["member_count"] == 0


def test_a_good_csv_fills_the_consortium_and_checks_it(client, call):
    response = client.post(CHECK, {**formset_data(call, []), "csv_file": csv_upload(GOOD_CSV)})
    assert response.context["member_count"] == 12
    assert response.context["report"].eligible


def test_empty_and_malformed_posts_never_fail(client, call):
    assert client.get(CHECK).status_code == 200
    assert client.post(CHECK, {}).status_code == 200
    assert client.post(CHECK, formset_data(call, [], check="1")).status_code == 200
    bad = formset_data(call, [{"name": "", "country": "ZZ", "type": "x", "role": "boss"}])
    assert client.post(CHECK, bad).status_code == 200


def test_the_admin_shows_the_report_on_an_alliance(admin_client, call):
    alliance = make_alliance(call)
    html = admin_client.get(
        reverse("admin:alliances_alliance_change", args=[alliance.pk])
    ).content.decode()
    assert "No verdict: Consortium not recorded on this portal." in html
    for model in ["alliance", "fundingcall", "programmecountry", "membercount"]:
        assert admin_client.get(reverse(f"admin:alliances_{model}_changelist")).status_code == 200


def test_a_second_load_of_the_alliances_changes_nothing(pact_data):
    out = io.StringIO()
    call_command("load_pact_data", stdout=out)
    assert "already loaded" in out.getvalue()


def test_the_sitemap_lists_published_alliances_only(client, call):
    make_alliance(call, slug="open-alliance")
    make_alliance(call, slug="draft-alliance", status=PublicationStatus.DRAFT)
    xml = client.get("/sitemap-alliances.xml").content.decode()
    assert "/alliances/open-alliance/" in xml and "draft-alliance" not in xml
