"""A curator made the way the README makes one, signed in to the admin."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def curator(db):
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    return get_user_model().objects.get(username="cora")


@pytest.fixture
def curator_client(curator):
    client = Client()
    client.force_login(curator)
    return client
