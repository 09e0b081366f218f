import datetime

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import LookupField
from core.api_writes import StrictWrites, WholeRecordSchema
from ecosystems.api.serializers import EcosystemBriefSerializer
from ecosystems.models import Ecosystem
from partnerships.api.serializers import (
    CountryField,
    OrganisationBriefSerializer,
    PartialDateField,
    PartnershipBriefSerializer,
)
from partnerships.models import Organisation, OrganisationType

from ..eligibility import Member, Role
from ..forms import MAX_MEMBERS
from ..matching import FitKind
from ..models import Alliance, AllianceMember, Assessment, CallState, FundingCall, MemberCount
from ..suggestions import MAX_PAGE_SIZE, PAGE_SIZE
from ..timeline import Phase


class FundingCallBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail", lookup_field="slug")
    name = serializers.CharField(source="title", read_only=True)

    class Meta:
        model = FundingCall
        fields = ["slug", "name", "url"]


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "nullable": True}
)
class WallClockTimeField(serializers.TimeField):
    """A time of day without a zone, as HH:MM: OpenAPI's ``time`` format requires an offset,
    and a deadline is given in Brussels time, whose offset depends on the date."""


class FundingCallSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail", lookup_field="slug")
    activities = serializers.ListField(
        source="activity_list", child=serializers.CharField(), read_only=True
    )
    state = serializers.ChoiceField(
        choices=CallState.choices,
        read_only=True,
        help_text="Open, closed or not open yet, from the call's dates, on `state_as_of`.",
    )
    state_as_of = serializers.SerializerMethodField()
    deadline_time = WallClockTimeField(
        format="%H:%M",
        read_only=True,
        allow_null=True,
        help_text="Brussels time; null where the sources give the day only.",
    )
    rules = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="The composition rules; null when they are not on record for this call.",
    )

    class Meta:
        model = FundingCall
        fields = [
            "slug",
            "year",
            "identifier",
            "title",
            "url",
            "programme",
            "lot",
            "summary",
            "opens_on",
            "deadline",
            "deadline_time",
            "state",
            "state_as_of",
            "budget_eur",
            "expected_projects",
            "max_grant_eur",
            "duration_months",
            "activities",
            "rules",
            "one_alliance_per_ecosystem",
            "source_url",
        ]

    def get_state_as_of(self, obj) -> datetime.date:
        return timezone.localdate()


class AllianceMemberSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    country = CountryField(source="organisation.country", read_only=True, allow_null=True)
    type = serializers.CharField(source="organisation.type", read_only=True)
    named = PartialDateField(read_only=True, help_text="When the source named the member.")

    class Meta:
        model = AllianceMember
        fields = ["organisation", "role", "country", "type", "named", "source_url"]


class MemberCountSerializer(serializers.ModelSerializer):
    """A number of members a source reports, with its date and source."""

    as_of = PartialDateField(source="dated", read_only=True)

    class Meta:
        model = MemberCount
        fields = ["qualifier", "count", "countries", "as_of", "source_url"]


class AllianceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:alliance-detail", lookup_field="slug")
    ecosystem = EcosystemBriefSerializer(read_only=True, allow_null=True)
    call = FundingCallBriefSerializer(read_only=True, allow_null=True)
    starts = PartialDateField(read_only=True)
    ends = PartialDateField(read_only=True)
    phase = serializers.ChoiceField(
        source="phase_today",
        choices=Phase.choices,
        read_only=True,
        help_text=(
            "Where the project stands on `phase_as_of`, from its own dates (start, end or "
            "duration); a status a source reports only where the dates cannot decide."
        ),
    )
    phase_as_of = serializers.SerializerMethodField()

    class Meta:
        model = Alliance
        fields = [
            "slug",
            "acronym",
            "name",
            "url",
            "status",
            "phase",
            "phase_as_of",
            "reported_status",
            "reported_status_source_url",
            "ecosystem",
            "call",
            "programme_strand",
            "project_number",
            "starts",
            "ends",
            "duration_months",
            "eu_grant_eur",
            "reported_partners",
            "reported_countries",
            "coordinator_name",
            "website",
            "source_url",
        ]

    def get_phase_as_of(self, obj) -> datetime.date:
        return timezone.localdate()


class AllianceBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:alliance-detail", lookup_field="slug")

    class Meta:
        model = Alliance
        fields = ["slug", "acronym", "name", "url"]


class AllianceDetailSerializer(AllianceSerializer):
    members = AllianceMemberSerializer(
        many=True,
        read_only=True,
        help_text="The members public sources name: a partial list where the sources are.",
    )
    member_counts = MemberCountSerializer(many=True, read_only=True)
    supported_partnerships = PartnershipBriefSerializer(many=True, read_only=True)
    assessment = serializers.ChoiceField(
        choices=Assessment.choices,
        read_only=True,
        help_text=(
            "`checked` when the consortium is recorded whole and its own call's rules are on "
            "record (see the eligibility endpoint); otherwise why no verdict is given."
        ),
    )

    class Meta(AllianceSerializer.Meta):
        fields = [
            *AllianceSerializer.Meta.fields,
            "description",
            "members",
            "member_counts",
            "supported_partnerships",
            "assessment",
        ]


class RuleResultSerializer(serializers.Serializer):
    rule = serializers.CharField()
    title = serializers.CharField()
    required = serializers.CharField()
    actual = serializers.CharField()
    passed = serializers.BooleanField()
    culprits = serializers.ListField(child=serializers.CharField())
    decision = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    """A published organisation of the directory that would make the rule pass."""

    organisation = OrganisationBriefSerializer()
    country = CountryField(source="organisation.country")
    region = serializers.CharField(
        source="organisation.region_id",
        allow_null=True,
        help_text="The NUTS level-2 code of the region it is established in, where known.",
    )
    type = serializers.CharField(source="organisation.type")
    eche = serializers.BooleanField(source="organisation.eche_holder")
    reason = serializers.CharField(help_text="Why it would make the rule pass.")
    in_ecosystem = serializers.BooleanField(
        help_text="A member of the ecosystem's published large-scale partnerships or alliances."
    )
    in_region = serializers.BooleanField(
        help_text="Established in a region where a member from the directory is."
    )


class RuleSuggestionsSerializer(serializers.Serializer):
    """One failed rule's page of suggestions."""

    rule = serializers.CharField()
    title = serializers.CharField()
    page = serializers.IntegerField()
    next_page = serializers.IntegerField(
        allow_null=True, help_text="Send it as `page` for the next suggestions; null at the end."
    )
    organisations = SuggestionSerializer(source="suggestions", many=True)


class ReportSerializer(serializers.Serializer):
    call = FundingCallBriefSerializer()
    eligible = serializers.BooleanField(source="report.eligible")
    results = RuleResultSerializer(source="report.results", many=True)
    counted = serializers.ListField(source="report.counted", child=serializers.CharField())
    not_counted = serializers.ListField(source="report.not_counted", child=serializers.CharField())
    suggestions = RuleSuggestionsSerializer(
        many=True,
        help_text="With `suggest`: for each failed rule that an organisation can fix, a page of "
        "the directory's organisations that would make it pass; empty otherwise.",
    )


class AllianceReportSerializer(serializers.Serializer):
    """An alliance's verdict against its own call's rules, or why none is given."""

    call = FundingCallBriefSerializer(allow_null=True)
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    reason = serializers.CharField(help_text="The assessment in words.")
    eligible = serializers.BooleanField(allow_null=True, help_text="Null when no verdict is given.")
    results = RuleResultSerializer(many=True)
    counted = serializers.ListField(child=serializers.CharField())
    not_counted = serializers.ListField(child=serializers.CharField())


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
                "slug": organisation.slug,
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
    suggest = serializers.BooleanField(
        default=False,
        help_text="Also list, for each failed rule, the directory's organisations that would "
        "make it pass.",
    )
    ecosystem = LookupField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        required=False,
        help_text="The alliance's ecosystem: suggestions already active in it come first.",
    )
    page = serializers.IntegerField(
        default=1,
        min_value=1,
        max_value=1000,
        help_text="The page of every failed rule's suggestions.",
    )
    page_size = serializers.IntegerField(default=PAGE_SIZE, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate_call(self, call):
        if not call.has_rules:
            raise serializers.ValidationError(
                "The composition rules of this call are not on record: it cannot be checked."
            )
        return call

    def consortium(self) -> list[Member]:
        return [
            Member(**{key: value for key, value in member.items() if key != "slug"})
            for member in self.validated_data["members"]
        ]

    def directory_members(self) -> set[str]:
        """The slugs of the members named from the directory."""
        return {member["slug"] for member in self.validated_data["members"] if "slug" in member}


class FitSerializer(serializers.Serializer):
    """A partnership or alliance that fits, with the reason."""

    kind = serializers.ChoiceField(choices=FitKind.choices)
    slug = serializers.CharField(source="record.slug")
    name = serializers.CharField(source="record.name")
    acronym = serializers.CharField(source="record.acronym")
    url = serializers.SerializerMethodField(help_text="The record in the API.")
    page = serializers.SerializerMethodField(help_text="The record's page on the portal.")
    reason = serializers.CharField()

    def get_url(self, fit) -> str:
        view = "api:alliance-detail" if fit.kind == FitKind.ALLIANCE else "api:partnership-detail"
        return self.context["request"].build_absolute_uri(reverse(view, args=[fit.record.slug]))

    def get_page(self, fit) -> str:
        return self.context["request"].build_absolute_uri(fit.record.get_absolute_url())


class MatchSerializer(serializers.Serializer):
    organisation = OrganisationBriefSerializer(
        allow_null=True, help_text="The organisation found by its PIC; null without one."
    )
    country = CountryField(allow_null=True)
    region = serializers.CharField(
        source="region.code", allow_null=True, help_text="NUTS level-2 code."
    )
    type = serializers.CharField(help_text="Organisation type; empty when not given.")
    ecosystems = EcosystemBriefSerializer(many=True)
    member_of = FitSerializer(
        many=True, help_text="The published partnerships and alliances that name it as member."
    )
    could_join = FitSerializer(
        many=True,
        help_text="At most 20 of each kind; the partnership and alliance lists, filtered by "
        "region, country or ecosystem, give the rest.",
    )
    truncated = serializers.SerializerMethodField(
        help_text="Whether a kind had more than 20 to list."
    )

    def get_truncated(self, matches) -> bool:
        return bool(matches.more)
