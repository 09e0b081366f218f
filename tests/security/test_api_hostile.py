"""Hostile input to every API operation, found by walking the OpenAPI schema.

The suite grows by category, not by example: each category below is sent to every operation
the schema declares (every path and query parameter, every header that matters, every JSON
or form body and each of its properties), anonymously and with a curator's token. Whatever
comes back is a success or a 4xx with a JSON ``detail``, never a server error; nothing is
logged as an error; and a refused request writes nothing (no row, and so no history row,
appears or goes in any content table).

A new operation, parameter or body property is covered without a line here; a new kind of
hostile value is one entry in a category, and reaches every operation at once.
"""

import json
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from alliances.models import FundingCall
from alliances.services import alliance_data_load
from core.api_parsers import MAX_DEPTH
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.models import Membership
from partnerships.services import LoadReport
from tests.alliances.builders import make_alliance
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OfficialFigureFactory,
    RegionFactory,
)
from tests.security.curators import assert_no_error_logged, curator_token

pytestmark = pytest.mark.django_db

SAFE = {"get", "head", "options"}
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = {
    f"{method.upper()} {path}": (method, path, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
}
# One real record behind each {slug}, so that only the hostile value can go wrong.
SLUGS = {
    "partnerships": "open",
    "organisations": "org",
    "documents": "doc",
    "ecosystems": "digital",
    "calls": "blueprint-2025",
    "alliances": "test",
    "official-figures": "members-2025",
    "areas": "area",
}

# Values for path and query parameters, as they travel: percent-encoded, some of them bytes
# that are not UTF-8 at all.
PARAMETER_VALUES = {
    "nul": "open%00",
    "not-utf-8": "%ff%fe%fd",
    "lone-surrogate": "%ed%a0%80",  # as CESU-8 writes it; no UTF-8 decoder accepts it
    "huge-text": "x" * 20_000,
    "huge-number": "9" * 400,
    "negative-fraction": "-1.5",
    "json": quote('{"a": [1]}'),
    "empty": "",
    "sql": quote("' OR 1=1; --"),
    "right-to-left": quote("\u202egnp.exe"),
}
# Headers every operation reads: content negotiation, language, credentials.
HEADERS = {
    "accept-csv": {"HTTP_ACCEPT": "text/csv"},
    "accept-html": {"HTTP_ACCEPT": "text/html"},
    "accept-xml": {"HTTP_ACCEPT": "application/xml"},
    "accept-garbage": {"HTTP_ACCEPT": "\x00/\x00; indent=99999999; q=x"},
    "accept-language-garbage": {"HTTP_ACCEPT_LANGUAGE": "\x00, xx-;q=2, " + "a" * 5_000},
    "token-nul": {"HTTP_AUTHORIZATION": "Token \x00"},
    "token-huge": {"HTTP_AUTHORIZATION": "Token " + "x" * 20_000},
    "token-not-ascii": {"HTTP_AUTHORIZATION": "Token \u00e9\u00e9 b"},
}
# JSON values of every wrong type for a body property, and of the right type but hostile.
JSON_VALUES = {
    "null": None,
    "boolean": True,
    "negative": -1,
    "fraction": 1.5,
    "huge-integer": 2**70,
    "nul": "pact\x00skills",
    "lone-surrogate": "pact\ud800skills",
    "huge-text": "x" * 100_000,
    "array": ["\x00", None, {}],
    "object": {"a": {"b": ["c"]}},
}
# Whole bodies that are no object of the operation's kind at all.
RAW_BODIES = {
    "array": b"[]",
    "text": b'"pact"',
    "number": b"1e999999",
    "null": b"null",
    "truncated": b'{"name": ',
    "not-utf-8": b'{"name": "\xff\xfe"}',
    "utf-16": '{"name": "pact"}'.encode("utf-16"),
    "nested-1000": b"[" * 1_000 + b"]" * 1_000,
    "three-megabytes": b'{"name": "' + b"x" * 3_000_000 + b'"}',
    "duplicate-keys": b'{"slug": "a", "slug": "b"}',
    "nan": b'{"name": NaN}',
}
# Form fields (multipart): text of every hostile kind, bytes that are not UTF-8, a file
# where text belongs; and whole form bodies past Django's limits.
FORM_VALUES = {
    "nul": "pact\x00skills",
    "not-utf-8": b"\xff\xfe\xfd",
    "huge-text": "x" * 100_000,
    "empty": "",
    "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 not really", "application/pdf"),
}
RAW_FORMS = {
    "too-many-fields": (MULTIPART_CONTENT, {f"field{n}": "1" for n in range(1_500)}),
    "three-megabytes": (MULTIPART_CONTENT, {"language": "x" * 3_000_000}),
    "no-boundary": ("multipart/form-data", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
    "bad-boundary": ("multipart/form-data; boundary=\x00", b"--\x00\r\n"),
    "urlencoded": ("application/x-www-form-urlencoded", b"language=en&external_url=x"),
}


def row_counts() -> tuple:
    """The rows of every content history table: whatever the API creates, changes or deletes
    leaves one there."""
    tables = [
        model._meta.db_table
        for app in ("ecosystems", "partnerships", "alliances")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.db_table.split("_", 1)[1].startswith("historical")
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return cursor.fetchone()


@pytest.fixture
def records(db):
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    calls = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=calls, report=LoadReport())
    membership = MembershipFactory(partnership__slug="open", organisation__slug="org")
    document = DocumentFactory(slug="doc", partnership=membership.partnership)
    DocumentFileFactory(document=document)
    membership.partnership.regions.add(RegionFactory(slug="area"))
    make_alliance(FundingCall.objects.get(slug="blueprint-2025"))
    OfficialFigureFactory(slug="members-2025")


@pytest.fixture(params=["anonymous", "curator"])
def who(request):
    return request.param


@pytest.fixture
def client(db, settings, who):
    # Thousands of requests from one address: the rate limit would answer most of them with a
    # 429, and what it does is the throttling tests' business.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    client = APIClient(raise_request_exception=False)
    if who == "curator":
        client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token()}")
    return client


def send(client, method: str, url: str, what: str, **kwargs):
    """One request, answered without a server error. A write's effects are undone afterwards,
    so every request meets the same records; a refused one must have written nothing."""
    if method in SAFE:
        response = client.generic(method.upper(), url, **kwargs)
        written = False
    else:
        before = row_counts()
        with transaction.atomic():
            response = client.generic(method.upper(), url, **kwargs)
            written = row_counts() != before
            transaction.set_rollback(True)
    status = response.status_code
    assert status < 500, (what, status, response.content[:300])
    if status >= 400:
        assert response["Content-Type"].startswith("application/json"), (what, status)
        assert response.json()["detail"], (what, status)
        assert not written, (what, status, "a refused request wrote to the database")
    return response


def address(path: str, slug: str | None = None) -> str:
    """The operation's path with a real record's slug, or ``slug`` as it travels; a language
    version's address names the version ``records`` gives "doc" (English), a membership's the
    one it gives "open"."""
    path = path.replace("{language}", "en")
    if "{id}" in path:
        membership = Membership.objects.get(partnership__slug="open", organisation__slug="org")
        path = path.replace("{id}", str(membership.pk))
    if "{slug}" not in path:
        return path
    if slug is None:
        slug = SLUGS[path.split("/")[3]]
    return path.replace("{slug}", slug)


def request_schema(operation: dict, media_type: str) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    return resolve(content[media_type]["schema"]) if media_type in content else None


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def hostile_bodies(schema: dict):
    """Bodies with a hostile value in each property.

    Each value goes in every property at once, and into every property of the one item of
    a property that lists objects (a consortium's members). Where a body may hold a single
    property (no property is required: a PATCH), each property also gets it alone, so the
    record's own validation runs with it.
    """
    properties = schema.get("properties", {})
    lists = {
        name: resolve(prop["items"]).get("properties", {})
        for name, prop in properties.items()
        if "properties" in resolve(prop.get("items", {}))
    }
    for label, value in JSON_VALUES.items():
        yield f"every property={label}", dict.fromkeys(properties, value)
        if lists:
            inner = {name: [dict.fromkeys(items, value)] for name, items in lists.items()}
            yield f"every item property={label}", {**dict.fromkeys(properties, value), **inner}
        if not schema.get("required"):
            for name in properties:
                yield f"{name}={label}", {name: value}


@pytest.mark.parametrize("name", OPERATIONS)
def test_hostile_parameters_and_headers(records, client, caplog, name):
    method, path, operation = OPERATIONS[name]
    sent = 0
    for parameter in operation.get("parameters", []):
        for label, value in PARAMETER_VALUES.items():
            what = f"{parameter['name']}={label}"
            if parameter["in"] == "path":
                send(client, method, address(path, value), what)
            elif parameter["in"] == "query":
                send(client, method, f"{address(path)}?{parameter['name']}={value}", what)
            sent += 1
    for label, headers in HEADERS.items():
        send(client, method, address(path), label, **headers)
        sent += 1
    assert sent >= len(HEADERS) + len(PARAMETER_VALUES)  # at least lang
    assert_no_error_logged(caplog)


JSON_OPERATIONS = [
    name for name, (_m, _p, op) in OPERATIONS.items() if request_schema(op, "application/json")
]
FORM_OPERATIONS = [
    name for name, (_m, _p, op) in OPERATIONS.items() if request_schema(op, "multipart/form-data")
]


@pytest.mark.parametrize("name", JSON_OPERATIONS)
def test_hostile_json_bodies(records, client, caplog, name):
    method, path, operation = OPERATIONS[name]
    url = address(path)
    for label, body in RAW_BODIES.items():
        send(client, method, url, label, data=body, content_type="application/json")
    for what, body in hostile_bodies(request_schema(operation, "application/json")):
        # By hand: ASCII escapes carry even a lone surrogate, as an attacker's client would.
        data = json.dumps(body)
        send(client, method, url, what, data=data, content_type="application/json")
    assert_no_error_logged(caplog)


@pytest.mark.parametrize("name", FORM_OPERATIONS)
def test_hostile_form_bodies(records, client, caplog, name):
    method, path, operation = OPERATIONS[name]
    url = address(path)
    for label, (content_type, body) in RAW_FORMS.items():
        if isinstance(body, dict):
            body = encode_multipart(BOUNDARY, body)
        send(client, method, url, label, data=body, content_type=content_type)
    fields = request_schema(operation, "multipart/form-data").get("properties", {})
    for label, value in FORM_VALUES.items():
        if hasattr(value, "seek"):
            value.seek(0)
        data = encode_multipart(BOUNDARY, dict.fromkeys(fields, value))
        send(client, method, url, label, data=data, content_type=MULTIPART_CONTENT)
    assert_no_error_logged(caplog)


def test_the_walk_reaches_every_kind_of_operation():
    """The schema the suite walks is the API's: reads, writes, bodies of both kinds."""
    methods = {method for method, _path, _op in OPERATIONS.values()}
    assert methods == {"get", "post", "put", "patch", "delete"}
    assert "POST /api/v1/eligibility-check/" in JSON_OPERATIONS
    assert "POST /api/v1/documents/{slug}/versions/" in FORM_OPERATIONS
    assert all(re.match(r"/api/v1/", path) for _m, path, _o in OPERATIONS.values())


# Nesting: the category that used to exhaust Python's stack


def nested(depth: int, kind: str) -> str:
    if kind == "arrays":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("kind", ["arrays", "objects"])
@pytest.mark.parametrize("depth", [100, 900, 1_000, 50_000])
def test_json_nested_too_deep_is_a_400(records, client, who, caplog, kind, depth):
    for name in JSON_OPERATIONS:
        method, path, _operation = OPERATIONS[name]
        response = send(
            client,
            method,
            address(path),
            name,
            data=nested(depth, kind),
            content_type="application/json",
        )
        if who == "anonymous" and "eligibility" not in path:
            # Anonymous writes are refused before the body is read.
            assert response.status_code == 401, (name, response.status_code)
            continue
        assert response.status_code == 400, (name, response.status_code)
        assert "nested too deep" in response.json()["detail"], (name, response.json())
    assert_no_error_logged(caplog)


def test_nesting_up_to_the_limit_is_read(db):
    client = APIClient()
    url = "/api/v1/eligibility-check/"
    allowed = client.post(url, nested(MAX_DEPTH, "arrays"), content_type="application/json")
    deeper = client.post(url, nested(MAX_DEPTH + 1, "arrays"), content_type="application/json")
    assert allowed.status_code == deeper.status_code == 400
    assert allowed.json()["detail"] == "Invalid input."  # read, then found to be no consortium
    assert "nested too deep" in deeper.json()["detail"]
