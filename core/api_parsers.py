"""The API's request parsers (a module of its own: DRF imports them while reading settings)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def _invalid_unicode(value) -> bool:
    """Holds a lone UTF-16 surrogate, which no encoding can write and PostgreSQL cannot store."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_invalid_unicode(k) or _invalid_unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_invalid_unicode(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON whose text is real Unicode: refuses lone surrogates up front.

    JSON's \\u escapes can carry half of a UTF-16 pair. Let through, it would fail wherever the
    text is next encoded (the database, or the error message quoting it) with a 500. NUL
    characters are refused field by field, with the field named, by the serializers.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _invalid_unicode(data):
            raise exceptions.ParseError(_("The request holds text that is not valid Unicode."))
        return data
