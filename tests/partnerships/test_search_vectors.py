"""Stored search vectors: PostgreSQL's generated columns hold exactly what vector() builds."""

import pytest
from django.urls import reverse

from alliances.models import Alliance
from core.models import StoredVector
from ecosystems.models import Ecosystem
from partnerships.models import Document, Organisation, Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Ecosystem, Organisation, Partnership, Document, Alliance])
def test_the_stored_vector_is_the_one_the_queryset_builds(pact_data, model):
    computed = type(model.objects.all()).vector()
    rows = model.objects.annotate(computed=computed, stored=StoredVector())
    pairs = list(rows.values_list("slug", "computed", "stored"))

    assert pairs
    assert [(slug, stored) for slug, _c, stored in pairs] == [
        (slug, computed) for slug, computed, _s in pairs
    ]


def test_an_edit_is_searchable_at_once():
    partnership = PartnershipFactory(summary="Welders and riveters for shipyards.")
    assert list(Partnership.objects.published().search("shipyard")) == [partnership]

    partnership.summary = "Bakers and pastry cooks for the hotels of the coast."
    partnership.save()

    assert list(Partnership.objects.published().search("shipyard")) == []
    assert list(Partnership.objects.published().search("pastry")) == [partnership]


def test_an_alliance_is_found_by_its_ecosystems_new_name_at_once(pact_data):
    alliance = Alliance.objects.published().select_related("ecosystem").first()
    ecosystem = alliance.ecosystem
    assert alliance not in Alliance.objects.published().search("Zeppelinwerft")

    ecosystem.name_de = "Zeppelinwerft und Luftfahrt"
    ecosystem.save()

    found = Alliance.objects.published().search("Zeppelinwerft")
    assert alliance in found and set(found) == set(ecosystem.alliances.published())


def test_the_facets_of_a_search_count_only_what_it_found(client):
    # Facet counts wrap the searched list in a subquery with its own table alias.
    PartnershipFactory(name="Maritime Alliance")
    PartnershipFactory(name="Orbital Alliance", regional=True)
    PartnershipFactory(name="Forestry Partnership")

    response = client.get(reverse("partnerships:list"), {"q": "alliances"})

    kinds = {value: n for value, _label, n in response.context["facets"]["kind"]}
    assert kinds == {"large-scale": 1, "regional": 1}
    assert response.context["paginator"].count == 2
