"""The API's request parsers (a module of its own: DRF imports them while reading settings)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def _unstorable_text(value) -> bool:
    """A string PostgreSQL cannot store: a NUL character, or a lone UTF-16 surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable_text(k) or _unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable_text(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON whose text can be stored: refuses NUL characters and lone surrogates up front.

    JSON's \\u escapes can carry both; no field of the portal holds either, and letting them
    through would reach the database (or an error message) and fail there with a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _unstorable_text(data):
            raise exceptions.ParseError(
                _("The request holds text with a NUL character or invalid Unicode.")
            )
        return data
