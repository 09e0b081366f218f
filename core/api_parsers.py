"""The API's request parsers (a module of its own: DRF imports them while reading settings)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Arrays and objects inside each other; the portal's own bodies need three levels.
MAX_DEPTH = 20


def _refusal(data) -> str | None:
    """Why parsed JSON cannot be used, or None: nested deeper than ``MAX_DEPTH``, or text
    holding a lone UTF-16 surrogate, which no encoding can write and PostgreSQL cannot store.

    Walked with a list rather than recursion, so no body can exhaust the stack here.
    """
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return _("The request holds text that is not valid Unicode.")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return too_deep()
            inner = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in inner)
    return None


def too_deep() -> str:
    return _("The JSON is nested too deep: at most %(levels)s levels of arrays and objects.") % {
        "levels": MAX_DEPTH
    }


class StrictJSONParser(JSONParser):
    """JSON whose text is real Unicode and whose nesting is modest, refused up front otherwise.

    JSON's \\u escapes can carry half of a UTF-16 pair. Let through, it would fail wherever the
    text is next encoded (the database, or the error message quoting it) with a 500. A body
    nested a thousand deep would exhaust Python's stack in the decoder or in whatever walks
    it next. NUL characters are refused field by field, with the field named, by the
    serializers.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(too_deep()) from None
        if refusal := _refusal(data):
            raise exceptions.ParseError(refusal)
        return data
