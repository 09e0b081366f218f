"""Middleware of the portal's own."""

from csp.constants import UNSAFE_INLINE
from django.urls import reverse


class AdminInlineStylesMiddleware:
    """Lets the curation admin, and only it, apply inline styles.

    Django's admin widgets (the Select2 autocomplete in particular) write style attributes from
    their scripts. Scripts stay as strict there as on the public pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
