"""What the API's write serializers share: input read exactly as the OpenAPI schema describes it.

REST framework is lenient where the schema is not: it takes the number 1 for the text "1",
"yes" or 1 for true and "12" for 12, and any address Django's ``URLValidator`` takes, which is
not what the schema's ``"format": "uri"`` says. A client (or a test) that trusts the schema
would then find values it was told are invalid accepted, and values it was told are valid
refused. Serializers built on ``StrictWrites`` accept what the schema says, and nothing else.
"""

from collections.abc import Mapping

from django.core.validators import RegexValidator
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

# An http or https address with a host name: what Django's URLValidator takes, narrowed to
# what RFC 3986 (the schema's "uri") takes too, and short enough for a host name (253
# characters: at most three labels of 61 and a top-level domain of 63).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,59}[A-Za-z0-9])?"
_PART = r"(?:[-A-Za-z0-9._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})"
_QUERY = r"(?:[-A-Za-z0-9._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})"
WEB_ADDRESS = (
    rf"^https?://(?:{_LABEL}\.){{1,3}}[A-Za-z]{{2,63}}(?::[0-9]{{1,5}})?"
    rf"(?:/{_PART}*)?(?:\?{_QUERY}*)?(?:#{_QUERY}*)?$"
)


class WebAddressField(serializers.URLField):
    """A web address the schema describes exactly: ``WEB_ADDRESS``, besides Django's rules."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(WEB_ADDRESS, message=_("Enter a valid URL.")))


def _json_type_error(field, value) -> str | None:
    """The key of ``field``'s error message if ``value`` is not of the JSON type the schema
    gives the field, else None."""
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "invalid"
    if isinstance(field, serializers.IntegerField):
        # JSON Schema counts 2.0 as an integer; REST framework reads it as 2.
        whole = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
        return None if whole else "invalid"
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else "invalid"
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        # A list, not any iterable (an object would be read as its keys).
        return None if isinstance(value, list) else "not_a_list"
    return None


class StrictWrites:
    """Mixin for a write serializer: each value of the JSON type its field is documented with,
    web addresses as ``WEB_ADDRESS``. Put it before the serializer class."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: WebAddressField,
    }

    def to_internal_value(self, data):
        # Form fields (a file upload's) are all text on the wire: only JSON has types.
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {
                name: [field.error_messages[key].format(input_type=type(data[name]).__name__)]
                for name, field in self.fields.items()
                if not field.read_only
                and data.get(name) is not None
                and (key := _json_type_error(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class WholeRecordSchema(OpenApiSerializerExtension):
    """A record written whole (POST or PUT) with the rules that join its fields, which a
    field-by-field schema cannot say; a PATCH is checked against the record it changes.

    Subclasses name the serializer and give ``rules``: JSON Schema alternatives, of which
    exactly one (``oneOf``) or at least one (``anyOf``) must hold; and ``also``, conditions on
    other fields that must all hold besides (``allOf``).
    """

    combine = "oneOf"
    rules: list[dict] = []
    also: list[dict] = []

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request" and auto_schema.method in ("POST", "PUT"):
            if self.rules:
                schema[self.combine] = self.rules
            if self.also:
                schema["allOf"] = self.also
        return schema


def doubt_needs_a_reason(field: str = "confidence") -> dict:
    """``core.models.Attested``'s rule as JSON Schema: confirmed, or a reason given."""
    return {
        "anyOf": [
            {"properties": {field: {"pattern": "^confirmed$"}}},
            {"properties": {f"{field}_note": {"minLength": 1}}, "required": [f"{field}_note"]},
        ]
    }
