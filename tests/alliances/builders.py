"""Alliances and consortia for the tests, built the way curators and visitors build them."""

from urllib.parse import urlencode

from alliances.models import Alliance, FundingCall
from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from tests.factories import ecosystem

COUNTRIES = ["DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT"]
TYPES = [
    "sme",
    "large_enterprise",
    "chamber",
    "social_partner",
    "sme",
    "sme",
    "hei",
    "vet_provider",
    "hei",
    "vet_provider",
    "vet_network",
    "hei",
]


def make_alliance(call, **fields) -> Alliance:
    # The 2025 call funds one alliance per ecosystem: each further one takes another ecosystem.
    taken = Ecosystem.objects.filter(alliances__call=call) if call else Ecosystem.objects.none()
    free = Ecosystem.objects.exclude(pk__in=taken).order_by("slug")
    values = {
        "acronym": "TEST",
        "name": "Test alliance",
        "slug": "test",
        "call": call,
        "ecosystem": ecosystem("digital")
        if not taken.filter(slug="digital").exists()
        else free.first(),
        "status": PublicationStatus.PUBLISHED,
        **fields,
    }
    alliance = Alliance(**values)
    alliance.full_clean()
    alliance.save()
    return alliance


def formset_data(call, members, **extra):
    data = {
        "call": call.pk,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        **extra,
    }
    for index, member in enumerate(members):
        for key, value in member.items():
            if value is not False:
                data[f"members-{index}-{key}"] = value
    return data


def twelve(**change):
    members = [
        {
            "name": f"Partner {i}",
            "country": COUNTRIES[i % 8],
            "type": kind,
            "eche": kind == "hei",
            "role": "coordinator" if i == 0 else "full_partner",
        }
        for i, kind in enumerate(TYPES)
    ]
    for index, values in change.items():
        members[int(index.removeprefix("m"))].update(values)
    return members


def checker_query() -> str:
    """The checker's query for a check by address: six of the twelve partners, without VET
    providers, so that several rules fail and each gets its suggestions."""
    call = FundingCall.objects.with_rules().first()
    members = twelve(m7={"type": "vet_network"}, m9={"type": "vet_network"})[:6]
    return urlencode(formset_data(call, members, check="1", ecosystem="digital"))
