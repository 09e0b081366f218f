from rest_framework import serializers

from partnerships.api.serializers import PartialDateField

from ..models import OfficialFigure


class OfficialFigureSerializer(serializers.ModelSerializer):
    """A reported figure as its source states it: never a sum the portal made."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:official-figure-detail", lookup_field="slug"
    )
    date = PartialDateField(source="stated", read_only=True)

    class Meta:
        model = OfficialFigure
        fields = [
            "slug",
            "url",
            "metric",
            "value",
            "unit",
            "qualifier",
            "statement",
            "date",
            "period_start",
            "period_end",
            "publisher",
            "source_url",
            "source_title",
            "note",
            "confidence",
            "confidence_note",
        ]
        read_only_fields = fields
