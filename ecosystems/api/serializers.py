from rest_framework import serializers

from core.api_writes import StrictWrites

from ..models import Ecosystem


class EcosystemBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:ecosystem-detail", lookup_field="slug"
    )

    class Meta:
        model = Ecosystem
        fields = ["slug", "name", "url"]


class EcosystemSerializer(StrictWrites, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:ecosystem-detail", lookup_field="slug"
    )
    web_url = serializers.SerializerMethodField()
    includes = serializers.ListField(
        source="included_sectors", child=serializers.CharField(), read_only=True
    )
    icon_url = serializers.SerializerMethodField()
    large_scale_count = serializers.IntegerField(read_only=True)
    regional_count = serializers.IntegerField(read_only=True)
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Ecosystem
        fields = [
            "slug",
            "name",
            "url",
            "web_url",
            "display_order",
            "includes",
            "description",
            "labour_market_size",
            "icon_url",
            "pact_page_url",
            "source_url",
            "large_scale_count",
            "regional_count",
            "document_count",
            "updated_at",
        ]
        read_only_fields = ["slug", "display_order", "updated_at"]

    def get_web_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_icon_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.icon_url)
