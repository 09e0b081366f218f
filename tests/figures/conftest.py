import datetime
import json

import pytest

from alliances.models import AllianceMember, FundingCall
from alliances.services import alliance_data_load
from core.models import PublicationStatus
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.services import LoadReport
from tests.alliances.builders import make_alliance
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, ecosystem

DRAFT = PublicationStatus.DRAFT


@pytest.fixture
def call(db):
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    sections = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=sections, report=LoadReport())
    return FundingCall.objects.get(slug="blueprint-2025")


def build_pact(scale: int = 1, call=None):
    """Published partnerships, members and alliances, with drafts everywhere that must not count.

    Malta appears only through drafts: a draft partnership covering it, a draft organisation
    established there in a published partnership, and a published organisation there that is
    a member of a draft partnership only.
    """
    for i in range(3 * scale):
        for slug, country, people in (("digital", "IT", 1_000), ("health", "FR", None)):
            partnership = PartnershipFactory(
                ecosystem=ecosystem(slug),
                launched_on=datetime.date(2020 + i % 3, 1, 1),
                launched_on_precision="year",
                commitment_people=people,
            )
            partnership.countries.add(country)
            MembershipFactory(partnership=partnership, organisation__country_id="DE")
            MembershipFactory(
                partnership=partnership, organisation__country_id="LU", organisation__type="sme"
            )
        regional = PartnershipFactory(regional=True, commitment_people=250)
        regional.countries.add("CY")
        regional.linked_ecosystems.add(ecosystem("digital"), ecosystem("tourism"))
        MembershipFactory(partnership=regional, organisation__country_id="ES")
        MembershipFactory(partnership=regional, organisation__country_id=None)

    draft = PartnershipFactory(
        status=DRAFT,
        ecosystem=ecosystem("digital"),
        launched_on=datetime.date(2019, 5, 1),
        launched_on_precision="month",
        commitment_people=99_999,
    )
    draft.countries.add("MT")
    maltese = OrganisationFactory(country_id="MT", type="hei")
    MembershipFactory(partnership=draft, organisation=maltese)
    published = PartnershipFactory(ecosystem=ecosystem("digital"))
    MembershipFactory(
        partnership=published,
        organisation=OrganisationFactory(status=DRAFT, country_id="PT", type="ngo"),
    )

    if call is not None:
        for i, status in enumerate([PublicationStatus.PUBLISHED] * 2 + [DRAFT]):
            alliance = make_alliance(
                call if i != 1 else None,
                slug=f"alliance-{i}",
                acronym=f"AL{i}",
                status=status,
                programme_strand="" if i != 1 else "Erasmus+ Sector Skills Alliances, Lot 3",
            )
            AllianceMember.objects.create(
                alliance=alliance,
                organisation=OrganisationFactory(country_id="SI"),
                role="coordinator",
            )
