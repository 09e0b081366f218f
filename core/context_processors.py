"""What the layout needs to know about who is reading."""

from django.conf import settings


def curator(request) -> dict:
    """Whether the reader is a signed-in curator, for the layout's link to the admin.

    Asked of the session only when the request carries a session cookie: opening it for an
    anonymous reader would mark every public page as varying on cookies, and keep each
    visitor's copy apart in every shared cache.
    """
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
    return {"is_curator": signed_in and request.user.is_active and request.user.is_staff}
