"""Which organisations are active in each ecosystem, as the database keeps it: exact after
every kind of write to memberships, partnerships, alliance members and alliances, including
those that send no signal (bulk updates and deletes, raw SQL)."""

from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from alliances.models import Alliance, AllianceMember, Involvement
from core.models import PublicationStatus
from partnerships.models import Membership, Partnership
from tests.alliances.builders import make_alliance
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, ecosystem
from tests.partnerships.test_presence import assert_kept_through

pytestmark = pytest.mark.django_db

PUBLISHED = PublicationStatus.PUBLISHED


def truth() -> Counter:
    """Each organisation's memberships in each ecosystem's published large-scale partnerships
    and published alliances, counted from the rows."""
    found = Counter(
        (m.organisation_id, m.partnership.ecosystem_id)
        for m in Membership.objects.select_related("partnership")
        if m.partnership.status == PUBLISHED
        and m.partnership.kind == Partnership.Kind.LARGE_SCALE
        and m.partnership.ecosystem_id
    )
    found.update(
        (m.organisation_id, m.alliance.ecosystem_id)
        for m in AllianceMember.objects.select_related("alliance")
        if m.alliance.status == PUBLISHED and m.alliance.ecosystem_id
    )
    return found


def kept() -> Counter:
    return Counter(
        {(i.organisation_id, i.ecosystem_id): i.memberships for i in Involvement.objects.all()}
    )


def test_involvements_follow_every_write_to_members_partnerships_and_alliances():
    digital, retail = ecosystem("digital"), ecosystem("retail")
    lsp, other_lsp = PartnershipFactory(ecosystem=digital), PartnershipFactory(ecosystem=retail)
    draft_lsp = PartnershipFactory(
        ecosystem=digital, status=PublicationStatus.DRAFT, published_at=None
    )
    regional = PartnershipFactory(regional=True)
    alliance = make_alliance(None, slug="first", ecosystem=digital)
    draft_alliance = make_alliance(
        None, slug="second", ecosystem=retail, status=PublicationStatus.DRAFT
    )
    one, two, three = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    for partnership, organisation in [
        (lsp, one),
        (lsp, two),
        (other_lsp, one),
        (draft_lsp, two),
        (draft_lsp, three),
        (regional, three),
    ]:
        MembershipFactory(partnership=partnership, organisation=organisation)
    for group, organisation in [(alliance, one), (alliance, three), (draft_alliance, two)]:
        AllianceMember.objects.create(alliance=group, organisation=organisation, role="partner")

    def partnerships(partnership, **values):
        return lambda: Partnership.objects.filter(pk=partnership.pk).update(**values)

    def alliances(group, **values):
        return lambda: Alliance.objects.filter(pk=group.pk).update(**values)

    steps = [
        ("created", lambda: None),
        (
            "draft partnership published",
            partnerships(draft_lsp, status=PUBLISHED, published_at=timezone.now()),
        ),
        ("partnership withdrawn", partnerships(other_lsp, status=PublicationStatus.ARCHIVED)),
        ("partnership edited only", partnerships(lsp, name="New")),
        ("partnership moved to another ecosystem", partnerships(lsp, ecosystem=retail)),
        (
            "regional partnership made large-scale",
            partnerships(regional, kind=Partnership.Kind.LARGE_SCALE, scope="", ecosystem=digital),
        ),
        (
            "large-scale partnership made regional",
            partnerships(draft_lsp, kind="regional", scope="local", ecosystem=None),
        ),
        (
            "withdrawn partnership moved and published",
            partnerships(other_lsp, ecosystem=digital, status=PUBLISHED),
        ),
        (
            "draft alliance published",
            alliances(draft_alliance, status=PUBLISHED, published_at=timezone.now()),
        ),
        ("alliance moved to another ecosystem", alliances(alliance, ecosystem=retail)),
        ("alliance without an ecosystem", alliances(draft_alliance, ecosystem=None)),
        ("alliance withdrawn", alliances(alliance, status=PublicationStatus.ARCHIVED)),
        ("alliance published again", alliances(alliance, status=PUBLISHED)),
        (
            "membership moved to another partnership",
            lambda: Membership.objects.filter(partnership=lsp, organisation=two).update(
                partnership=regional
            ),
        ),
        (
            "membership given to another organisation",
            lambda: Membership.objects.filter(partnership=other_lsp, organisation=one).update(
                organisation=two
            ),
        ),
        (
            "alliance member moved to another alliance",
            lambda: AllianceMember.objects.filter(alliance=alliance, organisation=three).update(
                alliance=draft_alliance
            ),
        ),
        ("member added", lambda: MembershipFactory(partnership=lsp, organisation=three)),
        (
            "alliance member added",
            lambda: AllianceMember.objects.create(
                alliance=alliance, organisation=two, role="partner"
            ),
        ),
        ("bulk delete", lambda: Membership.objects.filter(organisation=three).delete()),
        (
            "raw SQL",
            lambda: connection.cursor().execute(
                "DELETE FROM alliances_alliancemember WHERE alliance_id = %s AND "
                "organisation_id = %s",
                [alliance.pk, one.pk],
            ),
        ),
        ("partnership deleted", lambda: regional.delete()),
        ("alliance deleted", lambda: alliance.delete()),
        ("member added again", lambda: MembershipFactory(partnership=draft_lsp, organisation=one)),
    ]
    assert_kept_through(steps, kept, truth)
