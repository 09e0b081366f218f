"""What the OpenAPI schema says about credentials matches what the API asks for.

Reading is open: every read declares the empty alternative (``{}``), so a generated client
or a fuzzer knows it may call it without a token. Writes take a token, except the public
consortium check, which stores nothing.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.factories import PartnershipFactory

SAFE = {"get", "head", "options"}
PUBLIC_WRITES = {("/api/v1/eligibility-check/", "post")}


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_read_may_be_made_without_a_token(operations):
    reads = [(path, op) for path, method, op in operations if method in SAFE]
    assert len(reads) > 10
    for path, operation in reads:
        assert {} in operation["security"], path
        assert {"tokenAuth": []} in operation["security"], path


def test_every_write_but_the_public_check_takes_a_token(operations):
    writes = [(path, method, op) for path, method, op in operations if method not in SAFE]
    assert len(writes) > 10
    for path, method, operation in writes:
        if (path, method) in PUBLIC_WRITES:
            assert {} in operation["security"], (method, path)
        else:
            assert {} not in operation["security"], (method, path)
            assert {"tokenAuth": []} in operation["security"], (method, path)


@pytest.mark.django_db
def test_what_the_schema_says_is_what_the_api_does():
    PartnershipFactory(slug="open")
    anonymous = APIClient()
    assert anonymous.get("/api/v1/partnerships/open/").status_code == 200
    assert anonymous.get("/api/v1/calls/").status_code == 200
    assert anonymous.patch("/api/v1/partnerships/open/", {}, format="json").status_code == 401
