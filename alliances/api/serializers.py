from rest_framework import serializers

from core.api import LookupField
from core.api_writes import StrictWrites, WholeRecordSchema
from ecosystems.api.serializers import EcosystemBriefSerializer
from partnerships.api.serializers import (
    CountryField,
    OrganisationBriefSerializer,
    PartialDateField,
    PartnershipBriefSerializer,
)
from partnerships.models import Organisation, OrganisationType

from ..eligibility import Member, Role
from ..forms import MAX_MEMBERS
from ..models import Alliance, AllianceMember, FundingCall


class FundingCallBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail", lookup_field="slug")
    name = serializers.CharField(source="title", read_only=True)

    class Meta:
        model = FundingCall
        fields = ["slug", "name", "url"]


class FundingCallSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail", lookup_field="slug")
    activities = serializers.ListField(
        source="activity_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = FundingCall
        fields = [
            "slug",
            "identifier",
            "title",
            "url",
            "programme",
            "lot",
            "opens_on",
            "deadline",
            "max_grant_eur",
            "duration_months",
            "activities",
            "rules",
            "source_url",
        ]


class AllianceMemberSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    country = CountryField(source="organisation.country", read_only=True, allow_null=True)
    type = serializers.CharField(source="organisation.type", read_only=True)

    class Meta:
        model = AllianceMember
        fields = ["organisation", "role", "country", "type"]


class AllianceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:alliance-detail", lookup_field="slug")
    ecosystem = EcosystemBriefSerializer(read_only=True, allow_null=True)
    call = FundingCallBriefSerializer(read_only=True, allow_null=True)
    starts = PartialDateField(read_only=True)
    ends = PartialDateField(read_only=True)

    class Meta:
        model = Alliance
        fields = [
            "slug",
            "acronym",
            "name",
            "url",
            "status",
            "project_status",
            "ecosystem",
            "call",
            "programme_strand",
            "project_number",
            "starts",
            "ends",
            "eu_grant_eur",
            "reported_partners",
            "reported_countries",
            "coordinator_name",
            "website",
            "source_url",
        ]


class AllianceDetailSerializer(AllianceSerializer):
    members = AllianceMemberSerializer(many=True, read_only=True)
    supported_partnerships = PartnershipBriefSerializer(many=True, read_only=True)

    class Meta(AllianceSerializer.Meta):
        fields = [
            *AllianceSerializer.Meta.fields,
            "description",
            "members",
            "supported_partnerships",
        ]


class RuleResultSerializer(serializers.Serializer):
    rule = serializers.CharField()
    title = serializers.CharField()
    required = serializers.CharField()
    actual = serializers.CharField()
    passed = serializers.BooleanField()
    culprits = serializers.ListField(child=serializers.CharField())
    decision = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    call = FundingCallBriefSerializer()
    eligible = serializers.BooleanField(source="report.eligible")
    results = RuleResultSerializer(source="report.results", many=True)
    counted = serializers.ListField(source="report.counted", child=serializers.CharField())
    not_counted = serializers.ListField(source="report.not_counted", child=serializers.CharField())


class ConsortiumMemberSerializer(StrictWrites, serializers.Serializer):
    """A member: a published organisation of the directory by slug, or described inline."""

    organisation = LookupField(
        slug_field="slug", queryset=Organisation.objects.published(), required=False
    )
    name = serializers.CharField(max_length=255, required=False)
    country = CountryField(required=False)
    type = serializers.ChoiceField(choices=OrganisationType.choices, required=False)
    eche = serializers.BooleanField(default=False)
    role = serializers.ChoiceField(choices=Role.CHOICES)

    def validate(self, attrs):
        organisation = attrs.get("organisation")
        if organisation is not None:
            if organisation.country_id is None:
                raise serializers.ValidationError(
                    {"organisation": ["This organisation has no country; describe it inline."]}
                )
            return {
                "name": organisation.name,
                "country": organisation.country_id,
                "type": organisation.type,
                "eche": organisation.eche_holder,
                "role": attrs["role"],
            }
        missing = [name for name in ("name", "country", "type") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {
                    name: ["Give an organisation slug, or a name, country and type."]
                    for name in missing
                }
            )
        return {**attrs, "country": attrs["country"].code}


class ConsortiumMemberSchema(WholeRecordSchema):
    """A member is a directory organisation by slug, or described by name, country and type."""

    target_class = ConsortiumMemberSerializer
    combine = "anyOf"
    rules = [{"required": ["organisation"]}, {"required": ["name", "country", "type"]}]


class EligibilityCheckSerializer(StrictWrites, serializers.Serializer):
    call = LookupField(slug_field="slug", queryset=FundingCall.objects.all())
    members = ConsortiumMemberSerializer(many=True, allow_empty=False, max_length=MAX_MEMBERS)

    def consortium(self) -> list[Member]:
        return [Member(**member) for member in self.validated_data["members"]]
