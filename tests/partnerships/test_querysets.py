"""The one published-only query path every public face reads through."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ecosystems.models import Ecosystem
from pactportal.models import PublicationStatus
from partnerships.models import (
    Document,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    Partnership,
)
from tests.factories import DocumentFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

STATUSES = [PublicationStatus.DRAFT, PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED]


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Partnership, PartnershipFactory),
        (Organisation, OrganisationFactory),
        (Document, DocumentFactory),
    ],
)
def test_published_holds_only_published_records(model, factory, django_user_model):
    for status in STATUSES:
        factory(status=status)
    public = model.objects.published()
    assert list(public.values_list("status", flat=True)) == ["published"]

    assert model.objects.visible_to(AnonymousUser()).count() == 1
    visitor = django_user_model.objects.create_user("visitor")
    assert model.objects.visible_to(visitor).count() == 1
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    assert model.objects.visible_to(curator).count() == 3
    curator.is_active = False
    assert model.objects.visible_to(curator).count() == 1


def test_every_ecosystem_is_public():
    assert Ecosystem.objects.published().count() == 14


def test_kind_shortcuts():
    PartnershipFactory()
    PartnershipFactory(regional=True)
    assert list(Partnership.objects.large_scale().values_list("kind", flat=True)) == ["large-scale"]
    assert list(Partnership.objects.regional().values_list("kind", flat=True)) == ["regional"]


@pytest.mark.parametrize(
    ("organisation_type", "category"),
    [
        (OrganisationType.HEI, OrganisationCategory.EDUCATION_TRAINING),
        (OrganisationType.VET_PROVIDER, OrganisationCategory.EDUCATION_TRAINING),
        (OrganisationType.SME, OrganisationCategory.LABOUR_MARKET),
        (OrganisationType.CHAMBER, OrganisationCategory.LABOUR_MARKET),
        (OrganisationType.SOCIAL_PARTNER, OrganisationCategory.LABOUR_MARKET),
        (OrganisationType.RESEARCH_INSTITUTE, OrganisationCategory.OTHER),
        (OrganisationType.PUBLIC_BODY, OrganisationCategory.OTHER),
    ],
)
def test_category_is_derived_from_type_in_python_and_in_queries(organisation_type, category):
    organisation = OrganisationFactory(type=organisation_type)
    OrganisationFactory(type=OrganisationType.NGO)
    assert organisation.category == category
    if category != OrganisationCategory.OTHER:
        assert list(Organisation.objects.of_category(category)) == [organisation]
