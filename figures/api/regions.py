"""The NUTS level-2 regions in the API: each with what covers it and who is there."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from alliances.api.serializers import AllianceBriefSerializer
from core.api import ApiResponsesMixin
from partnerships.api.fields import (
    DocumentBriefSerializer,
    OrganisationBriefSerializer,
    PartnershipBriefSerializer,
)
from partnerships.filters import NutsRegionFilter
from partnerships.models import NutsRegion, Partnership

from .. import selectors
from ..regions import region_content


class RegionBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="code")

    class Meta:
        model = NutsRegion
        fields = ["code", "name", "url"]


class RegionSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail", lookup_field="code")
    country = serializers.CharField(
        source="country_id",
        allow_null=True,
        help_text="ISO 3166-1 code; null for Kosovo (XK00), which has none.",
    )
    name_en = serializers.CharField(help_text="The English name where it differs, else empty.")
    partnerships = serializers.SerializerMethodField(
        help_text="How many published partnerships cover the region."
    )

    class Meta:
        model = NutsRegion
        fields = ["code", "name", "name_en", "country", "url", "partnerships"]

    @extend_schema_field(serializers.IntegerField())
    def get_partnerships(self, region) -> int:
        # Counted once for every region (remembered), not a query per row.
        return self.context["coverage"].get(region.code, 0)


def briefs(serializer, partnerships) -> list[dict]:
    return PartnershipBriefSerializer(partnerships, many=True, context=serializer.context).data


class RegionDetailSerializer(RegionSerializer):
    regional_partnerships = serializers.SerializerMethodField(
        help_text="Published regional partnerships covering the region."
    )
    large_scale_partnerships = serializers.SerializerMethodField(
        help_text="Published large-scale partnerships with a member established here."
    )
    alliances = AllianceBriefSerializer(many=True, read_only=True, source="content.alliances")
    members = OrganisationBriefSerializer(
        many=True,
        read_only=True,
        source="content.members",
        help_text="Members of those partnerships and alliances established here.",
    )
    documents = DocumentBriefSerializer(many=True, read_only=True, source="content.documents")
    neighbours = serializers.SerializerMethodField(
        help_text="Neighbouring regions (sharing a boundary) that partnerships cover."
    )

    @extend_schema_field(PartnershipBriefSerializer(many=True))
    def get_regional_partnerships(self, region) -> list[dict]:
        return briefs(self, region.content.of_kind(Partnership.Kind.REGIONAL))

    @extend_schema_field(PartnershipBriefSerializer(many=True))
    def get_large_scale_partnerships(self, region) -> list[dict]:
        return briefs(self, region.content.of_kind(Partnership.Kind.LARGE_SCALE))

    @extend_schema_field(RegionBriefSerializer(many=True))
    def get_neighbours(self, region) -> list[dict]:
        request = self.context["request"]
        return [
            {
                "code": code,
                "name": name,
                "url": request.build_absolute_uri(reverse("api:region-detail", args=[code])),
            }
            for code, name in region.content.neighbours
        ]

    class Meta(RegionSerializer.Meta):
        fields = [
            *RegionSerializer.Meta.fields,
            "regional_partnerships",
            "large_scale_partnerships",
            "alliances",
            "members",
            "documents",
            "neighbours",
        ]


class RegionViewSet(
    ApiResponsesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The NUTS 2024 level-2 regions (Eurostat/GISCO; © EuroGeographics for the
    administrative boundaries), with how many published partnerships cover each; a region
    with the partnerships covering it, the large-scale partnerships and alliances with members
    established there, those members, their documents and its covered neighbours."""

    queryset = NutsRegion.objects.all()
    serializer_class = RegionSerializer
    filterset_class = NutsRegionFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "coverage": selectors.region_coverage()}

    def retrieve(self, request, *args, **kwargs):
        region = self.get_object()
        region.content = region_content(
            region, selectors.region_coverage(), selectors.region_names()
        )
        return Response(self.get_serializer(region).data)
