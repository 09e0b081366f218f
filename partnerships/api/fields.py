"""The API's building blocks for nested records: brief serializers (slug, name and API URL),
countries by their code, and dates known to the day, month or year."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import LookupField
from core.partial_dates import PartialDate

from ..models import Country, Document, NutsRegion, Organisation, Partnership


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class CountryField(LookupField):
    """A country: written as its ISO code ``"IT"``, read as ``{"code": "IT", "name": "Italy"}``."""

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs["queryset"] = Country.objects.all()
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)

    def to_representation(self, obj):
        # The name in the language the client asked for, from django-countries.
        return {"code": obj.code, "name": str(obj)}

    def get_choices(self, cutoff=None):
        # What a client writes (the code), not what it reads (an object, which cannot key the
        # choices the browsable API's form offers).
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        return {country.code: str(country) for country in queryset[:cutoff]}


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Za-z]{2}[0-9A-Za-z]{2}$",
        "example": "ITC4",
        "nullable": True,
    }
)
class NutsRegionField(LookupField):
    """A NUTS level-2 region by its code, whatever the case it is written in."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=NutsRegion.objects.all(), **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


class CountryFieldSchema(OpenApiSerializerFieldExtension):
    """Tells the OpenAPI schema that a country is a code in requests and an object in responses."""

    target_class = CountryField

    def map_serializer_field(self, auto_schema, direction):
        nullable = {"nullable": True} if self.target.allow_null else {}
        if direction == "request":
            return {"type": "string", "pattern": "^[A-Za-z]{2}$", "example": "IT", **nullable}
        return {
            "type": "object",
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            "required": ["code", "name"],
            **nullable,
        }


def web_url(serializer, obj) -> str:
    return serializer.context["request"].build_absolute_uri(obj.get_absolute_url())


class OrganisationBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name", "url"]


class PartnershipBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:partnership-detail", lookup_field="slug"
    )

    class Meta:
        model = Partnership
        fields = ["slug", "name", "url"]


class DocumentBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail", lookup_field="slug")
    name = serializers.CharField(source="title", read_only=True)

    class Meta:
        model = Document
        fields = ["slug", "name", "url"]


class PartialDateField(serializers.Field):
    """A date as precisely as it is known, in ISO 8601: ``2021``, ``2022-12`` or ``2023-04-24``."""

    def to_representation(self, value):
        return value.isoformat() if value else None

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        try:
            return PartialDate.parse(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


# A year from 0001 (there is no year 0000), its month, or a real calendar date; empty or null
# when unknown.
YEAR = r"(?:000[1-9]|00[1-9]\d|0[1-9]\d{2}|[1-9]\d{3})"
extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "anyOf": [
            {"pattern": f"^{YEAR}$"},
            {"pattern": f"^{YEAR}-(?:0[1-9]|1[0-2])$"},
            {"format": "date"},
            {"maxLength": 0},
        ],
        "example": "2022-12",
    }
)(PartialDateField)
