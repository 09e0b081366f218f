"""Sign-in helpers."""

from django.contrib.auth import get_user_model


def lockout_username(request, credentials) -> str:
    """The user name django-axes counts failures for, made safe to store.

    Whatever was typed is kept as typed, but without NUL characters (PostgreSQL text cannot
    hold them) and no longer than a real user name can be.
    """
    typed = (credentials or request.POST).get("username")
    longest = get_user_model()._meta.get_field("username").max_length
    return str(typed or "").replace("\x00", "")[:longest]
