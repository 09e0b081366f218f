"""Hostile input to every API operation, found by walking the OpenAPI schema.

The suite grows by category, not by example: each category below is sent to every operation
(and every path and query parameter, or every JSON body) the schema declares, anonymously and
with a curator's token. Whatever comes back is a 4xx with a JSON ``detail`` or a success,
never a server error, nothing is logged as an error, and a refused request writes nothing.
"""

import logging

import pytest
from rest_framework.test import APIClient

from pactportal.api_parsers import MAX_DEPTH
from tests.factories import DocumentFactory, DocumentFileFactory, MembershipFactory
from tests.security.curators import curator_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(db):
    membership = MembershipFactory(partnership__slug="open", organisation__slug="org")
    document = DocumentFactory(slug="doc", partnership=membership.partnership)
    DocumentFileFactory(document=document)


@pytest.fixture(params=["anonymous", "curator"])
def who(request):
    return request.param


@pytest.fixture
def client(db, settings, who):
    # Hundreds of requests from one address: the rate limit is the throttling tests' business.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    client = APIClient(raise_request_exception=False)
    if who == "curator":
        client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token()}")
    return client


def assert_no_error_logged(caplog):
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def nested(depth: int, kind: str) -> str:
    if kind == "arrays":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


JSON_WRITES = [
    ("post", "/api/v1/eligibility-check/"),
    ("post", "/api/v1/partnerships/"),
    ("put", "/api/v1/partnerships/open/"),
    ("patch", "/api/v1/partnerships/open/"),
    ("post", "/api/v1/organisations/"),
    ("patch", "/api/v1/organisations/org/"),
    ("post", "/api/v1/documents/"),
    ("patch", "/api/v1/documents/doc/"),
    ("post", "/api/v1/documents/doc/versions/"),
    ("patch", "/api/v1/ecosystems/digital/"),
]


@pytest.mark.parametrize("kind", ["arrays", "objects"])
@pytest.mark.parametrize("depth", [100, 900, 1_000, 50_000])
def test_json_nested_too_deep_is_a_400(records, client, who, caplog, kind, depth):
    for method, url in JSON_WRITES:
        response = getattr(client, method)(
            url, nested(depth, kind), content_type="application/json"
        )
        if who == "anonymous" and "eligibility" not in url:
            # Anonymous writes are refused before the body is read.
            assert response.status_code == 401, (method, url, response.status_code)
            continue
        assert response.status_code == 400, (method, url, response.status_code)
        assert "nested too deep" in response.json()["detail"], (method, url, response.json())
    assert_no_error_logged(caplog)


def test_nesting_up_to_the_limit_is_read(db):
    client = APIClient()
    url = "/api/v1/eligibility-check/"
    allowed = client.post(url, nested(MAX_DEPTH, "arrays"), content_type="application/json")
    deeper = client.post(url, nested(MAX_DEPTH + 1, "arrays"), content_type="application/json")
    assert allowed.status_code == deeper.status_code == 400
    assert allowed.json()["detail"] == "Invalid input."  # read, then found to be no consortium
    assert "nested too deep" in deeper.json()["detail"]
