import json

import pytest

from alliances.models import FundingCall
from alliances.services import alliance_data_load
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.services import LoadReport


@pytest.fixture
def call(db):
    """The calls (the 2025 one returned) and the programme countries, from the portal's own
    data file."""
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    sections = {key: data[key] for key in ("programme_countries", "funding_calls")}
    alliance_data_load(data=sections, report=LoadReport())
    return FundingCall.objects.get(slug="blueprint-2025")
