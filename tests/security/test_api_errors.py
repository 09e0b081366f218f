"""API answers that used to be server errors: each is now a 4xx with a JSON ``detail``, or the
data asked for, and nothing is logged as an error."""

import csv
import io
import logging

import pytest
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return APIClient(raise_request_exception=False)


def assert_no_error_logged(caplog):
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


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
