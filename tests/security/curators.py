"""A curator as the API knows one: a staff account in the Curators group, with a token."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token


def curator_token(username: str = "curator") -> str:
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return Token.objects.create(user=user).key
