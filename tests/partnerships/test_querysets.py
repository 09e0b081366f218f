"""The one published-only query path every public face reads through."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.cache import cache

from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from partnerships.models import (
    Country,
    Document,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    Partnership,
)
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)

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
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    assert model.objects.visible_to(staff).count() == 1
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    curator.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
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


@pytest.fixture(params=[0, 600], ids=["cache off", "cache on"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = request.param
    cache.clear()


def italian(partnerships):
    return set(partnerships.in_country(Country.objects.get(code="IT")))


def test_a_partnership_is_in_the_countries_of_its_published_members(page_cache):
    hosting = PartnershipFactory(name="Hosting")
    MembershipFactory(partnership=hosting, organisation=OrganisationFactory(country_id="IT"))
    hidden = PartnershipFactory(name="Only a draft member here")
    MembershipFactory(
        partnership=hidden,
        organisation=OrganisationFactory(country_id="IT", status=PublicationStatus.DRAFT),
    )
    covering = PartnershipFactory(regional=True, name="Covering")
    covering.countries.add("IT")
    PartnershipFactory(name="Elsewhere")

    assert italian(Partnership.objects.published()) == {hosting, covering}


def test_a_new_member_puts_its_partnership_in_its_country_at_once(page_cache):
    partnership = PartnershipFactory()
    assert italian(Partnership.objects.published()) == set()

    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(country_id="IT"))

    assert italian(Partnership.objects.published()) == {partnership}


def test_the_countries_offered_are_those_the_country_filter_finds_something_in():
    covering = PartnershipFactory(regional=True, coverage=Partnership.Coverage.COUNTRIES)
    covering.countries.add("IT")
    MembershipFactory(partnership=covering, organisation=OrganisationFactory(country_id="AT"))
    # An EU-wide partnership is in no one country, wherever its members are.
    eu_wide = PartnershipFactory(coverage=Partnership.Coverage.EU_WIDE)
    MembershipFactory(partnership=eu_wide, organisation=OrganisationFactory(country_id="FR"))
    MembershipFactory(
        partnership=PartnershipFactory(regional=True, coverage=Partnership.Coverage.REGIONS),
        organisation=OrganisationFactory(country_id="DE"),
    )
    MembershipFactory(
        organisation=OrganisationFactory(country_id="ES", status=PublicationStatus.DRAFT)
    )
    PartnershipFactory(status=PublicationStatus.DRAFT, regional=True).countries.add("PT")

    published = Partnership.objects.published()
    offered = set(Country.objects.finding(published).values_list("code", flat=True))

    assert offered == {"IT", "AT", "DE"}
    assert offered == {c.code for c in Country.objects.all() if published.in_country(c).exists()}
    assert offered == set(Country.objects.partnership_counts(published))
