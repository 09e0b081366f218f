"""API answers that used to be server errors: each is now a 4xx with a JSON ``detail``, or the
data asked for, and nothing is logged as an error."""

import csv
import io

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from core.api import unique_violation
from ecosystems.models import Ecosystem
from partnerships.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.security.curators import assert_no_error_logged, curator_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return APIClient(raise_request_exception=False)


@pytest.fixture
def curator(db):
    return curator_client()


# A partnership's members as CSV


@pytest.mark.parametrize("how", ["accept", "format"])
def test_a_partnerships_members_as_csv_are_all_of_them(anonymous, caplog, how):
    partnership = PartnershipFactory(slug="open")
    for n in range(25):  # more than a page: a CSV export is the whole list
        MembershipFactory(partnership=partnership, organisation__slug=f"member-{n:02}")
    MembershipFactory(partnership=partnership, organisation__status="draft")
    url = "/api/v1/partnerships/open/members/"
    if how == "accept":
        response = anonymous.get(url, HTTP_ACCEPT="text/csv")
    else:
        response = anonymous.get(url, {"format": "csv"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="open-members.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["organisation"] for row in rows) == [f"member-{n:02}" for n in range(25)]
    assert {row["role"] for row in rows} == {"member"}
    assert {row["country"] for row in rows} == {"IT"}
    assert_no_error_logged(caplog)


# Deletes and renames the database refuses


def test_deleting_an_organisation_with_memberships_is_a_conflict_naming_them(curator, caplog):
    organisation = OrganisationFactory(slug="member-of-two")
    MembershipFactory.create_batch(2, organisation=organisation)
    response = curator.delete("/api/v1/organisations/member-of-two/")
    assert response.status_code == 409, response.content[:300]
    assert response.json() == {
        "detail": "This organisation cannot be deleted: it is used by 2 memberships."
    }
    assert Organisation.objects.filter(slug="member-of-two").exists()
    assert Membership.objects.count() == 2
    assert_no_error_logged(caplog)


def test_deleting_an_organisation_without_memberships_still_works(curator):
    OrganisationFactory(slug="alone")
    assert curator.delete("/api/v1/organisations/alone/").status_code == 204
    assert not Organisation.objects.filter(slug="alone").exists()


@pytest.mark.parametrize("method", ["patch", "put"])
def test_renaming_an_ecosystem_to_another_ecosystems_name_names_the_field(curator, caplog, method):
    taken = Ecosystem.objects.get(slug="tourism").name
    response = getattr(curator, method)(
        "/api/v1/ecosystems/digital/", {"name": taken}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"name": ["Another ecosystem already has this name."]},
    }
    assert Ecosystem.objects.get(slug="digital").name != taken
    # The refused write left the connection usable: the next request reads as before.
    assert curator.get("/api/v1/ecosystems/digital/").status_code == 200
    assert_no_error_logged(caplog)


def test_renaming_an_ecosystem_to_a_free_name_still_works(curator):
    response = curator.patch("/api/v1/ecosystems/digital/", {"name": "Digital"}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert Ecosystem.objects.get(slug="digital").name == "Digital"


def refused(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()
    return refusal.value


def test_a_unique_violation_names_its_field_with_the_constraints_message(db):
    OrganisationFactory(slug="taken", pic="123456789")
    by_slug = refused(lambda: OrganisationFactory(slug="taken"))
    by_pic = refused(lambda: OrganisationFactory(pic="123456789"))
    assert unique_violation(by_slug) == {"slug": ["Organisation with this slug already exists."]}
    assert unique_violation(by_pic) == {"pic": ["Another organisation already has this PIC."]}


def test_a_unique_violation_of_several_columns_is_not_one_fields(db):
    membership = MembershipFactory()
    twice = refused(
        lambda: MembershipFactory(
            partnership=membership.partnership, organisation=membership.organisation
        )
    )
    assert unique_violation(twice) == {
        "non_field_errors": ["This organisation is already a member."]
    }


def test_other_integrity_errors_stay_server_errors(db):
    partnership = PartnershipFactory()
    orphan = refused(
        lambda: Membership.objects.bulk_create([Membership(partnership=partnership, role="member")])
    )
    assert unique_violation(orphan) is None
