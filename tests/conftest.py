import io

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Uploaded files go to a per-test folder; hashing passwords slowly tests nothing of ours.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pact_data(db):
    """The portal's real data, loaded the way the quick start loads it."""
    call_command("load_pact_data", stdout=io.StringIO())
