"""Where each partnership has published members, and how many published partnerships each
organisation is a member of, as the database keeps them: exact after every kind of write,
including those that send no signal (bulk updates and deletes, raw SQL)."""

from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import PublicationStatus
from partnerships.models import (
    Engagement,
    Headcount,
    Membership,
    Organisation,
    Partnership,
    Presence,
)
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def truth() -> Counter:
    """Published members of each partnership in each country, counted from the memberships."""
    return Counter(
        (m.partnership_id, m.organisation.country_id)
        for m in Membership.objects.select_related("organisation")
        if m.organisation.status == PublicationStatus.PUBLISHED and m.organisation.country_id
    )


def assert_kept_through(steps, kept, truth) -> None:
    """After each of ``steps`` (a name and a write), what the database keeps equals what
    counting the rows themselves gives."""
    for name, step in steps:
        step()
        assert kept() == truth(), name
    assert kept(), "nothing left to compare"


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
    assert_kept_through(steps, kept, truth)


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


def engagements_truth() -> Counter:
    """Each published organisation's memberships of published partnerships, counted from
    them."""
    return Counter(
        m.organisation_id
        for m in Membership.objects.select_related("partnership", "organisation")
        if m.partnership.status == PublicationStatus.PUBLISHED
        and m.organisation.status == PublicationStatus.PUBLISHED
    )


def engagements_kept() -> Counter:
    return Counter({e.organisation_id: e.partnerships for e in Engagement.objects.all()})


def test_engagements_follow_every_write_to_memberships_and_partnerships():
    published, other = PartnershipFactory(), PartnershipFactory()
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, published_at=None)
    one, two, three = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    for partnership, organisation in [
        (published, one),
        (published, two),
        (other, one),
        (draft, two),
        (draft, three),
    ]:
        MembershipFactory(partnership=partnership, organisation=organisation)
    steps = [
        ("created", lambda: None),
        (
            "draft published",
            lambda: Partnership.objects.filter(pk=draft.pk).update(
                status=PublicationStatus.PUBLISHED, published_at=timezone.now()
            ),
        ),
        (
            "withdrawn",
            lambda: Partnership.objects.filter(pk=other.pk).update(
                status=PublicationStatus.ARCHIVED
            ),
        ),
        ("edited only", lambda: Partnership.objects.filter(pk=published.pk).update(name="New")),
        (
            "organisation withdrawn",
            lambda: Organisation.objects.filter(pk=one.pk).update(
                status=PublicationStatus.ARCHIVED
            ),
        ),
        (
            "member added to a withdrawn organisation",
            lambda: MembershipFactory(partnership=PartnershipFactory(), organisation=one),
        ),
        (
            "organisation published again",
            lambda: Organisation.objects.filter(pk=one.pk).update(
                status=PublicationStatus.PUBLISHED
            ),
        ),
        (
            "organisation edited only",
            lambda: Organisation.objects.filter(pk=two.pk).update(name="Renamed"),
        ),
        (
            "membership moved to a withdrawn partnership",
            lambda: Membership.objects.filter(partnership=published, organisation=two).update(
                partnership=other
            ),
        ),
        ("member added", lambda: MembershipFactory(partnership=draft, organisation=one)),
        ("bulk delete", lambda: Membership.objects.filter(organisation=three).delete()),
        (
            "raw SQL",
            lambda: connection.cursor().execute(
                "DELETE FROM partnerships_membership WHERE partnership_id = %s AND "
                "organisation_id = %s",
                [published.pk, one.pk],
            ),
        ),
        ("partnership deleted", lambda: draft.delete()),
        ("organisation deleted", lambda: Organisation.objects.filter(pk=three.pk).delete()),
        ("member added again", lambda: MembershipFactory(partnership=published, organisation=one)),
    ]
    assert_kept_through(steps, engagements_kept, engagements_truth)


def test_the_home_page_counts_published_members_of_published_partnerships_as_they_change(
    client,
):
    partnership = PartnershipFactory(status=PublicationStatus.DRAFT, published_at=None)
    organisations = OrganisationFactory.create_batch(3)
    for organisation in organisations:
        MembershipFactory(partnership=partnership, organisation=organisation)

    def shown() -> int:
        return client.get(reverse("ecosystems:home")).context["figures"]["organisations"]

    def counted() -> int:
        published = Partnership.objects.published()
        return Organisation.objects.published().members_of(published).count()

    before = shown()
    assert before == counted()
    partnership.status, partnership.published_at = PublicationStatus.PUBLISHED, timezone.now()
    partnership.save()
    assert shown() == before + 3 == counted()
    withdrawn = organisations[0]
    withdrawn.status = PublicationStatus.ARCHIVED
    withdrawn.save()
    assert shown() == before + 2 == counted()


def headcounts_truth() -> Counter:
    """Each partnership's memberships whose organisation is published, counted from them."""
    return Counter(
        m.partnership_id
        for m in Membership.objects.select_related("organisation")
        if m.organisation.status == PublicationStatus.PUBLISHED
    )


def headcounts_kept() -> Counter:
    return Counter({h.partnership_id: h.members for h in Headcount.objects.all()})


def test_headcounts_follow_every_write_to_memberships_and_organisations():
    first, second = PartnershipFactory(), PartnershipFactory()
    draft_partnership = PartnershipFactory(status=PublicationStatus.DRAFT, published_at=None)
    one, two = OrganisationFactory(), OrganisationFactory(country_id=None)
    draft = OrganisationFactory(status=PublicationStatus.DRAFT)
    for partnership, organisation in [
        (first, one),
        (first, two),
        (first, draft),
        (second, one),
        (draft_partnership, one),
        (draft_partnership, draft),
    ]:
        MembershipFactory(partnership=partnership, organisation=organisation)
    steps = [
        ("created", lambda: None),
        (
            "draft organisation published",
            lambda: Organisation.objects.filter(pk=draft.pk).update(
                status=PublicationStatus.PUBLISHED, published_at=timezone.now()
            ),
        ),
        (
            "organisation archived",
            lambda: Organisation.objects.filter(pk=one.pk).update(
                status=PublicationStatus.ARCHIVED
            ),
        ),
        (
            "member added to an archived organisation",
            lambda: MembershipFactory(partnership=PartnershipFactory(), organisation=one),
        ),
        (
            "organisation published again",
            lambda: Organisation.objects.filter(pk=one.pk).update(
                status=PublicationStatus.PUBLISHED
            ),
        ),
        ("edited only", lambda: Organisation.objects.filter(pk=two.pk).update(name="Renamed")),
        (
            "partnership published",
            lambda: Partnership.objects.filter(pk=draft_partnership.pk).update(
                status=PublicationStatus.PUBLISHED, published_at=timezone.now()
            ),
        ),
        (
            "membership moved",
            lambda: Membership.objects.filter(partnership=first, organisation=two).update(
                partnership=second
            ),
        ),
        (
            "membership given another organisation",
            lambda: Membership.objects.filter(partnership=first, organisation=draft).update(
                organisation=OrganisationFactory(status=PublicationStatus.DRAFT)
            ),
        ),
        ("bulk delete", lambda: Membership.objects.filter(organisation=two).delete()),
        (
            "raw SQL",
            lambda: connection.cursor().execute(
                "DELETE FROM partnerships_membership WHERE partnership_id = %s", [second.pk]
            ),
        ),
        ("partnership deleted", lambda: first.delete()),
        ("published partnership deleted", lambda: draft_partnership.delete()),
        ("member added again", lambda: MembershipFactory(partnership=second, organisation=one)),
    ]
    assert_kept_through(steps, headcounts_kept, headcounts_truth)


def test_a_partnership_shows_its_published_members_wherever_it_is_counted(client):
    partnership = PartnershipFactory(name="Counted Everywhere")
    members = OrganisationFactory.create_batch(3)
    for organisation in [*members, OrganisationFactory(status=PublicationStatus.DRAFT)]:
        MembershipFactory(partnership=partnership, organisation=organisation)

    def shown() -> tuple[int, int, int]:
        listed = client.get(reverse("partnerships:list"), {"q": "Counted Everywhere"})
        row = next(p for p in listed.context["object_list"] if p.pk == partnership.pk)
        record = client.get(reverse("api:partnership-detail", args=[partnership.slug])).json()
        loaded = Partnership.objects.for_list().get(pk=partnership.pk)
        assert f"{row.member_count} members listed" in listed.text
        return row.member_count, record["member_count"], loaded.member_count

    assert shown() == (3, 3, 3)
    withdrawn = members[0]
    withdrawn.status = PublicationStatus.ARCHIVED
    withdrawn.save()
    assert shown() == (2, 2, 2)
    Membership.objects.filter(partnership=partnership).delete()
    assert shown() == (0, 0, 0)
