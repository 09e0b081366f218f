"""A curator as the API knows one (a staff account in the Curators group, with a token), and
what the API security tests check of every answer."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def curator_token(username: str = "curator") -> str:
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return Token.objects.create(user=user).key


def curator_client() -> APIClient:
    """An API client signed in with a curator's token; failures come back as answers."""
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token()}")
    return client


def assert_no_error_logged(caplog):
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
