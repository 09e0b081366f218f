"""The consortium checker, rule by rule at each boundary, and its properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliances.eligibility import CallRules, Member, Role, check_consortium
from tests.alliances.builders import twelve

RULES = CallRules(
    min_programme_countries=8,
    min_full_partners=12,
    min_labour_market_actors=5,
    min_education_training_providers=5,
    require_hei=True,
    require_vet_provider=True,
    eche_required_in_programme_countries=True,
)
PROGRAMME = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "MK",
        "RS",
        "TR",
    ]
)


def consortium() -> list[Member]:
    """A passing 12-member consortium in 8 countries: 6 employers, 6 educators."""
    return [Member(**values) for values in twelve()]


def result(members, rule):
    return next(r for r in check_consortium(RULES, members, PROGRAMME).results if r.rule == rule)


def test_the_reference_consortium_meets_every_rule():
    report = check_consortium(RULES, consortium(), PROGRAMME)
    assert report.eligible, [r for r in report.results if not r.passed]


def test_seven_programme_countries_fail_and_eight_pass():
    members = consortium()
    assert result(members, "min_programme_countries").passed
    seven = [
        m if m.country != "AT" else Member(m.name, "DE", m.type, m.eche, m.role) for m in members
    ]
    assert not result(seven, "min_programme_countries").passed
    assert result(seven, "min_programme_countries").actual.startswith("7")


def test_eleven_full_partners_fail_and_twelve_pass():
    members = consortium()
    assert result(members, "min_full_partners").actual == "12"
    assert not result(members[:11], "min_full_partners").passed


@pytest.mark.parametrize(
    ("rule", "category_types"),
    [
        ("min_labour_market_actors", {"sme", "large_enterprise", "chamber", "social_partner"}),
        ("min_education_training_providers", {"hei", "vet_provider", "vet_network"}),
    ],
)
def test_five_of_each_category_pass_and_four_fail(rule, category_types):
    members = consortium()
    in_category = [m for m in members if m.type in category_types]
    assert len(in_category) == 6
    # Turn one into a research institute (neither category): 5 still pass, then 4 fail.
    five = [
        Member(m.name, m.country, "research_institute", False, m.role)
        if m is in_category[-1]
        else m
        for m in members
    ]
    assert result(five, rule).passed and result(five, rule).actual == "5"
    last = [m for m in five if m.type in category_types][-1]
    four = [
        Member(m.name, m.country, "research_institute", False, m.role) if m is last else m
        for m in five
    ]
    assert not result(four, rule).passed and result(four, rule).actual == "4"


def test_no_higher_education_institution_fails():
    members = [
        Member(m.name, m.country, "vet_provider" if m.type == "hei" else m.type, False, m.role)
        for m in consortium()
    ]
    assert not result(members, "require_hei").passed


def test_no_vet_provider_fails_and_a_network_is_not_enough():
    members = [
        Member(
            m.name, m.country, "vet_network" if m.type == "vet_provider" else m.type, m.eche, m.role
        )
        for m in consortium()
    ]
    assert not result(members, "require_vet_provider").passed
    assert "network" in result(members, "require_vet_provider").decision


def test_affiliated_entities_and_associated_partners_are_listed_not_counted():
    members = [
        *consortium()[:11],
        Member("Affiliated Lab", "LU", "research_institute", False, Role.AFFILIATED_ENTITY),
        Member("Associated Ministry", "MT", "public_body", False, Role.ASSOCIATED_PARTNER),
    ]
    report = check_consortium(RULES, members, PROGRAMME)
    assert result(members, "min_full_partners").actual == "11"
    assert "LU" not in result(members, "min_programme_countries").actual
    assert report.not_counted == ("Affiliated Lab (LU)", "Associated Ministry (MT)")


def test_eche_is_required_in_programme_countries_only():
    partner_country_hei = Member("Kyiv Polytechnic", "UA", "hei", False, Role.FULL_PARTNER)
    programme_country_hei = Member("Universität X", "DE", "hei", False, Role.FULL_PARTNER)

    accepted = result([*consortium(), partner_country_hei], "eche_required_in_programme_countries")
    refused = result([*consortium(), programme_country_hei], "eche_required_in_programme_countries")

    assert accepted.passed
    assert not refused.passed
    assert refused.culprits == (
        "Universität X (DE) is a higher education institution without an ECHE",
    )


def test_a_full_partner_outside_the_programme_counts_as_partner_not_as_country():
    members = [*consortium()[:11], Member("Kyiv Tech", "UA", "sme", False, Role.FULL_PARTNER)]
    assert result(members, "min_full_partners").actual == "12"
    countries = result(members, "min_programme_countries")
    assert "UA" not in countries.actual
    assert countries.culprits == (
        "Kyiv Tech (UA) is not in a programme country: counted as a partner, not as a country",
    )


def test_a_consortium_needs_exactly_one_coordinator():
    members = consortium()
    two = [*members, Member("Second lead", "DE", "sme", False, Role.COORDINATOR)]
    none = [Member(m.name, m.country, m.type, m.eche, Role.FULL_PARTNER) for m in members]
    assert not result(two, "one_coordinator").passed
    assert not result(none, "one_coordinator").passed


def test_rules_are_data_another_call_needs_no_code():
    strict = CallRules.from_dict({"min_full_partners": 14, "require_hei": True})
    report = check_consortium(strict, consortium(), PROGRAMME)
    assert [r.rule for r in report.failures] == ["min_full_partners"]
    for bad in [
        {"min_full_partners": -1},
        {"min_full_partners": "12"},
        {"require_hei": 1},
        {"max_budget": 5},
        [],
    ]:
        with pytest.raises(ValueError):
            CallRules.from_dict(bad)


# Properties

member = st.builds(
    Member,
    name=st.text(min_size=1, max_size=12),
    country=st.sampled_from([*sorted(PROGRAMME)[:10], "UA", "US", None]),
    type=st.sampled_from(["hei", "vet_provider", "vet_network", "sme", "ngo", "chamber"]),
    eche=st.booleans(),
    role=st.sampled_from([r for r, _ in Role.CHOICES]),
)
COUNT_RULES = [
    "min_programme_countries",
    "min_full_partners",
    "min_labour_market_actors",
    "min_education_training_providers",
    "require_hei",
    "require_vet_provider",
]


def count_of(report, rule) -> int:
    return int(next(r for r in report.results if r.rule == rule).actual.split()[0])


@given(st.lists(member, max_size=20), member)
def test_adding_a_full_partner_never_breaks_a_passing_minimum(members, extra):
    newcomer = Member(extra.name, extra.country, extra.type, True, Role.FULL_PARTNER)
    before = {r.rule: r.passed for r in check_consortium(RULES, members, PROGRAMME).results}
    after = {
        r.rule: r.passed for r in check_consortium(RULES, [*members, newcomer], PROGRAMME).results
    }
    for rule in COUNT_RULES:
        assert not (before[rule] and not after[rule]), rule


@given(st.lists(member, max_size=20), st.randoms())
def test_the_report_does_not_depend_on_the_members_order(members, random):
    shuffled = list(members)
    random.shuffle(shuffled)
    assert check_consortium(RULES, members, PROGRAMME) == check_consortium(
        RULES, shuffled, PROGRAMME
    )


@given(st.lists(member, min_size=1, max_size=20), st.integers(min_value=0, max_value=19))
def test_demoting_a_member_to_associated_partner_never_increases_a_count(members, index):
    index %= len(members)
    demoted = list(members)
    m = demoted[index]
    demoted[index] = Member(m.name, m.country, m.type, m.eche, Role.ASSOCIATED_PARTNER)
    before = check_consortium(RULES, members, PROGRAMME)
    after = check_consortium(RULES, demoted, PROGRAMME)
    for rule in COUNT_RULES:
        assert count_of(after, rule) <= count_of(before, rule), rule
