"""Schemathesis over the whole API schema with every check on, anonymously and as a curator.

Each operation gets the schema's examples, its coverage cases (every boundary and every
kind of invalid value the schema implies) and a bounded number of generated requests,
positive and negative; every response is checked against everything schemathesis knows how
to check: no server error, status codes, content types, headers and bodies as documented,
valid data accepted and invalid data refused, authentication enforced where declared (every
built-in check: ``test_every_check_is_on``; ``max_response_time`` wants a limit, and timing is
the benchmark's business). A curator's writes go to the test's database, rolled back.

API_FUZZ_EXAMPLES=500 explores deeper than the few examples CI can afford.
"""

import json
import os
import re
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.serialization import Binary

from alliances.models import FundingCall
from alliances.services import alliance_data_load
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.services import LoadReport
from tests.alliances.builders import make_alliance
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OfficialFigureFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegionFactory,
    make_pdf,
)
from tests.security.curators import assert_no_error_logged, curator_token

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
load_all_checks()
# The API's one binary value is a language version's file, which must be a readable PDF. (The
# upload's encoding could say "application/pdf", but schemathesis 4.32 then leaves the other
# form fields empty in its coverage phase.)
schemathesis.openapi.format("binary", st.builds(make_pdf, st.integers(1, 3)))

# The records the fixture below makes, by what names them. The schema promises which requests
# are well formed, not which slugs name a record: like a real client, the generated requests
# name records that exist wherever they name one, so that valid data is valid for the portal
# too and reaches the code behind the lookup (a reader, an update, a delete).
RECORDS = {
    "partnerships": "open",
    "organisations": "org",
    "documents": "doc",
    "ecosystems": "digital",
    "calls": "blueprint-2025",
    "alliances": "test",
    "official-figures": "members-2025",
    "areas": "area",
}
REFERENCES = {
    "ecosystem": ["digital", "tourism"],
    "linked_ecosystems": ["digital", "tourism"],
    "country": ["IT", "fr"],
    "countries": ["IT", "fr"],
    "partnership": ["open"],
    "call": ["blueprint-2025"],
    "organisation": ["org"],
    "region": ["ITC4", "ith4"],
}
# What the schema takes for each: a country code, a NUTS level-2 code, else any slug that is
# not empty.
COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")
NUTS_CODE = re.compile(r"^[A-Za-z]{2}[0-9A-Za-z]{2}$")


def well_formed(name: str, value) -> bool:
    if not isinstance(value, str):
        return False
    if name in ("country", "countries"):
        return bool(COUNTRY_CODE.match(value))
    return bool(NUTS_CODE.match(value)) if name == "region" else bool(value)


def known(name: str, value):
    """A record's key in place of a well-formed generated one. Only well-formed values are
    replaced, so a case generated to be invalid stays invalid, and a valid one valid; the same
    generated value always names the same record."""
    if isinstance(value, list):
        return [known(name, item) for item in value]
    if not well_formed(name, value):
        return value
    choices = REFERENCES[name]
    return choices[zlib.crc32(value.encode("utf-8", "surrogatepass")) % len(choices)]


def with_known_records(data):
    if isinstance(data, dict):
        return {
            key: known(key, value) if key in REFERENCES else with_known_records(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [with_known_records(item) for item in data]
    return data


def name_known_records(case):
    """A generated request naming records that exist (see ``RECORDS`` and ``REFERENCES``).

    A part is only replaced where a value changes, since schemathesis then checks that part
    against the schema again (and cannot read an uploaded file's bytes there).
    """
    path, meta = case.path_parameters, case.meta
    if path and "slug" in path and not (meta and meta.is_negative_at(ParameterLocation.PATH)):
        case.path_parameters = {**path, "slug": RECORDS[case.path.split("/")[3]]}
    if case.query and (query := with_known_records(case.query)) != case.query:
        case.query = query
    if isinstance(case.body, dict) and (body := with_known_records(case.body)) != case.body:
        case.body = body
    return case


@schema.hook
def filter_case(context, case):
    """Positive cases upload PDFs only, as the schema's binary value is (``format("binary",
    …)`` above). The coverage phase also draws files from schemathesis's own samples (a ZIP's
    first bytes among them), which no valid request carries: those cases are left out, and
    ``tests/partnerships/test_uploads.py`` sends such files and expects them refused. (Putting
    a PDF in their place does not work: schemathesis then checks the changed body against the
    schema again, cannot read its bytes, and counts the case as invalid.)"""
    body, meta = case.body, case.meta
    if not isinstance(body, dict) or (meta and meta.generation.mode.is_negative):
        return True
    upload = body.get("file")
    data = upload.data if isinstance(upload, Binary) else upload
    return not isinstance(data, bytes) or data.startswith(b"%PDF-")


@schema.hook
def map_case(context, case):
    """Generated cases (coverage and fuzzing phases)."""
    return name_known_records(case)


@schema.hook
def before_add_examples(context, examples):
    """Cases built from the schema's examples, which no ``map_case`` hook sees."""
    for case in examples:
        name_known_records(case)


BOUNDED = hypothesis_settings(
    # The same requests on every run, so CI cannot flake.
    derandomize=True,
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def api(db, settings):
    """A few records of each kind, and a portal that answers every generated request."""
    # Thousands of requests from one address: throttling would answer most of them 429 (which
    # the schema documents, so it would hide what the rest of the portal does); it has tests
    # of its own.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    partnership = PartnershipFactory(slug="open")
    # "org" is no member yet: a new membership names "open" and "org" (``REFERENCES``).
    OrganisationFactory(slug="org")
    MembershipFactory(partnership=partnership)
    partnership.regions.add(RegionFactory(slug="area"))
    DocumentFactory(slug="doc", partnership=partnership)
    # Versions on another document: "doc" takes a version in any language without finding
    # the language taken (a 400 no schema can foresee).
    DocumentFileFactory(document=DocumentFactory(partnership=partnership))
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    calls = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=calls, report=LoadReport())
    make_alliance(FundingCall.objects.get(slug="blueprint-2025"))
    OfficialFigureFactory(slug="members-2025")
    # The real WSGI handler closes the connection after each request, which would end the
    # test's transaction (and so undo nothing at the end); Django's test client keeps it open
    # the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def curator(db):
    return {"Authorization": f"Token {curator_token()}"}


@schema.parametrize()
@BOUNDED
def test_every_operation_anonymously_and_as_a_curator(case, api, curator, caplog):
    """Each generated request is sent twice: anonymously, then with a curator's token.

    One test for both rather than one each: schemathesis builds an operation's cases (its
    coverage phase above all) once per test, and that is most of the time this test takes.
    Each request's writes are undone (and the test's at its end): every request meets the
    same records, whatever the ones before it created, changed or deleted.
    """
    for who, headers in (("anonymous", None), ("curator", curator)):
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers)
            except Exception as failure:
                failure.add_note(f"Sent {who}.")
                raise
            transaction.set_rollback(True)
    assert_no_error_logged(caplog)


def test_every_check_is_on():
    checks = [check for check in CHECKS.get_all() if not isinstance(check, type)]
    assert len(checks) >= 14
    assert all(schema.config.checks.get_by_name(name=c.__name__).enabled for c in checks)
