"""Where each partnership has published members, as the database keeps it: exact after every
kind of write, including those that send no signal (bulk updates and deletes, raw SQL)."""

from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import PublicationStatus
from partnerships.models import Membership, Organisation, Partnership, Presence
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def truth() -> Counter:
    """Published members of each partnership in each country, counted from the memberships."""
    return Counter(
        (m.partnership_id, m.organisation.country_id)
        for m in Membership.objects.select_related("organisation")
        if m.organisation.status == PublicationStatus.PUBLISHED and m.organisation.country_id
    )


def kept() -> Counter:
    return Counter({(p.partnership_id, p.country_id): p.members for p in Presence.objects.all()})


def test_presences_follow_every_write_to_memberships_and_organisations():
    first, second = PartnershipFactory(), PartnershipFactory()
    italian, french = OrganisationFactory(country_id="IT"), OrganisationFactory(country_id="FR")
    stateless = OrganisationFactory(country_id=None)
    draft = OrganisationFactory(country_id="DE", status=PublicationStatus.DRAFT)
    for organisation in (italian, french, stateless, draft):
        MembershipFactory(partnership=first, organisation=organisation)
    MembershipFactory(partnership=second, organisation=italian)
    steps = [
        ("created", lambda: None),
        (
            "draft published",
            lambda: Organisation.objects.filter(pk=draft.pk).update(
                status=PublicationStatus.PUBLISHED, published_at=timezone.now()
            ),
        ),
        (
            "moved country",
            lambda: Organisation.objects.filter(pk=italian.pk).update(country_id="ES"),
        ),
        (
            "given a country",
            lambda: Organisation.objects.filter(pk=stateless.pk).update(country_id="FR"),
        ),
        (
            "unpublished",
            lambda: Organisation.objects.filter(pk=french.pk).update(
                status=PublicationStatus.ARCHIVED
            ),
        ),
        (
            "membership moved",
            lambda: Membership.objects.filter(partnership=first, organisation=italian).update(
                partnership=PartnershipFactory()
            ),
        ),
        ("renamed only", lambda: Organisation.objects.filter(pk=italian.pk).update(name="Renamed")),
        ("bulk delete", lambda: Membership.objects.filter(organisation=stateless).delete()),
        (
            "raw SQL",
            lambda: connection.cursor().execute(
                "DELETE FROM partnerships_membership WHERE organisation_id = %s", [draft.pk]
            ),
        ),
        ("partnership deleted", lambda: second.delete()),
    ]
    for name, step in steps:
        step()
        assert kept() == truth(), name
    assert kept(), "nothing left to compare"


def test_the_country_filter_follows_a_member_moving_country(client):
    partnership = PartnershipFactory(name="Followed Across Borders")
    member = OrganisationFactory(country_id="IT")
    MembershipFactory(partnership=partnership, organisation=member)
    url = reverse("partnerships:list")
    assert "Followed Across Borders" in client.get(url, {"country": "IT"}).text

    member.country_id = "PT"
    member.save()
    assert "Followed Across Borders" not in client.get(url, {"country": "IT"}).text
    assert "Followed Across Borders" in client.get(url, {"country": "PT"}).text
    assert list(Partnership.objects.published().in_country("PT")) == [partnership]
