import re

import pytest
from django.urls import reverse

from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from figures.views import ECOSYSTEM_PARTNERSHIPS
from partnerships.models import OrganisationType
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
)

pytestmark = pytest.mark.django_db


def test_the_ecosystem_index_links_all_fourteen(client, pact_data):
    html = client.get(reverse("ecosystems:list")).content.decode()
    for item in Ecosystem.objects.all():
        assert f'href="{item.get_absolute_url()}"' in html


def test_an_ecosystem_page_shows_its_partnerships_documents_and_figures(client, pact_data):
    response = client.get(reverse("ecosystems:detail", args=["cultural-creative-industries"]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Cultural &amp; Creative Industries</h1>" in html
    # Lombardy is regional and linked to the ecosystem, so it is listed with the regional ones.
    regional = html[html.index('id="rsp-title"') : html.index('id="documents-title"')]
    assert "Regional Skills Partnership: Lombardy Region" in regional
    # Sud Italia is linked to it too, but its sources do not confirm it: counted apart.
    assert re.search(
        r"\d+ large-scale, 3 regional, and 1 more regional one reported but not confirmed",
        re.sub(r"\s+", " ", html),
    )


def test_drafts_stay_out_of_an_ecosystem_page(client, db):
    tourism = ecosystem("tourism")
    PartnershipFactory(ecosystem=tourism, name="Visible Tourism Partnership")
    PartnershipFactory(ecosystem=tourism, name="Draft Tourism", status=PublicationStatus.DRAFT)
    DocumentFactory(ecosystem=tourism, title="Draft brochure", status=PublicationStatus.DRAFT)

    response = client.get(tourism.get_absolute_url())
    html = response.content.decode()
    assert "Visible Tourism Partnership" in html
    assert "Draft Tourism" not in html and "Draft brochure" not in html
    assert "<dt>Partnerships listed on this portal</dt>\n    <dd>1\n" in html


def test_an_ecosystem_counts_each_published_member_organisation_once(client, db):
    tourism = ecosystem("tourism")
    first, second = PartnershipFactory.create_batch(2, ecosystem=tourism)
    linked = PartnershipFactory(regional=True)
    linked.linked_ecosystems.add(tourism)
    hidden = PartnershipFactory(ecosystem=tourism, status=PublicationStatus.DRAFT)
    hei = OrganisationFactory(type=OrganisationType.HEI)
    for partnership in (first, second, linked):
        MembershipFactory(partnership=partnership, organisation=hei)
    MembershipFactory(partnership=linked)  # a VET provider
    MembershipFactory(partnership=hidden)  # only in a draft
    MembershipFactory(partnership=first, organisation__status=PublicationStatus.DRAFT)
    MembershipFactory(partnership=PartnershipFactory(ecosystem=ecosystem("digital")))

    response = client.get(tourism.get_absolute_url())

    html = response.content.decode()
    assert "<dt>Member organisations listed on this portal</dt>\n    <dd>2</dd>" in html
    # The figure and the chart of members by type agree.
    by_type = next(c for c in response.context["charts"] if c["chart"].slug == "members-by-type")
    assert {row.key: row.value for row in by_type["rows"]} == {"hei": 1, "vet_provider": 1}


def test_an_unknown_ecosystem_is_not_found(client, db):
    assert client.get(reverse("ecosystems:detail", args=["space-tourism"])).status_code == 404


def test_a_large_ecosystem_shows_its_first_partnerships_and_links_to_all(client, db):
    tourism = ecosystem("tourism")
    PartnershipFactory.create_batch(ECOSYSTEM_PARTNERSHIPS + 3, ecosystem=tourism)

    response = client.get(tourism.get_absolute_url())
    html = response.content.decode()

    lsp = html[html.index('id="lsp-title"') : html.index('id="rsp-title"')]
    assert lsp.count('class="item"') == ECOSYSTEM_PARTNERSHIPS
    full_list = f"{reverse('partnerships:list')}?ecosystem=tourism&amp;kind=large-scale"
    assert f'href="{full_list}">All {ECOSYSTEM_PARTNERSHIPS + 3} large-scale' in lsp
    # The link leads to every one of them.
    listed = client.get(full_list.replace("&amp;", "&"))
    assert listed.context["paginator"].count == ECOSYSTEM_PARTNERSHIPS + 3
