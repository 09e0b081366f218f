"""Serializers of API v1. Nested records use brief serializers: slug, name and API URL."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation import settings as modeltranslation_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from core.api import Conflict, LookupField, as_drf_errors
from core.api_writes import StrictWrites, WholeRecordSchema, doubt_needs_a_reason
from core.models import sees_drafts
from ecosystems.api.serializers import EcosystemBriefSerializer
from ecosystems.models import Ecosystem

from ..models import (
    Document,
    DocumentFile,
    Membership,
    Organisation,
    OrganisationType,
    Partnership,
)
from .fields import (
    CountryField,
    CountrySerializer,
    DocumentBriefSerializer,
    NutsRegionField,
    OrganisationBriefSerializer,
    PartialDateField,
    PartnershipBriefSerializer,
    web_url,
)


class ModelValidatingSerializer(StrictWrites, serializers.ModelSerializer):
    """Writes run the model's own ``full_clean()``: the same rules as the admin and loader.

    The record is built and validated in ``validate()``, and that same record is saved, with
    its many-to-many links, in one transaction. A new record's rules refusing it is a 400. An
    update the record's rules refuse (a scope sent for a large-scale partnership) is a 409: the
    change clashes with what the record already holds; the errors name the fields either way.
    A value another record already holds is a 400, as it is for a new record.
    """

    many_to_many: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.candidate = self.instance or self.Meta.model(**self.context.get("parent", {}))
        for name, value in attrs.items():
            if name not in self.many_to_many:
                setattr(self.candidate, name, value)
        if self.instance is None:
            in_default_language_too(self.candidate)
        try:
            self.candidate.full_clean()
        except DjangoValidationError as exc:
            if self.instance is not None and not only_uniqueness(exc, self.Meta.model):
                raise Conflict(errors=as_drf_errors(exc)) from exc
            raise serializers.ValidationError(as_drf_errors(exc)) from exc
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        return self.save_candidate(validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        return self.save_candidate(validated_data)

    def save_candidate(self, validated_data):
        self.candidate.save()
        for name in self.many_to_many:
            if name in validated_data:
                getattr(self.candidate, name).set(validated_data[name])
        return self.candidate


def in_default_language_too(record) -> None:
    """A new record written in another language also gets that text as its default-language
    text where it has none: that one is required, and a client writes one language at a time.
    A curator replaces it when the text in the default language is written."""
    try:
        options = translator.get_options_for_model(type(record))
    except NotRegistered:
        return
    current, default = get_language(), modeltranslation_settings.DEFAULT_LANGUAGE
    if current == default:
        return
    for field in options.fields:
        text = getattr(record, build_localized_fieldname(field, current), None)
        if text and not getattr(record, build_localized_fieldname(field, default)):
            setattr(record, build_localized_fieldname(field, default), text)


def only_uniqueness(error: DjangoValidationError, model) -> bool:
    """Whether every message of ``error`` says a value is another record's already."""
    unique = {
        str(constraint.get_violation_error_message())
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    }
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return all(
        problem.code in ("unique", "unique_together") or any(m in unique for m in problem)
        for problems in groups
        for problem in problems
    )


# Organisations


class OrganisationSerializer(ModelValidatingSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    web_url = serializers.SerializerMethodField()
    country = CountryField(allow_null=True, required=False)
    region = NutsRegionField(
        allow_null=True,
        required=False,
        help_text="The NUTS level-2 region it is established in (e.g. ITC4), where known.",
    )
    type_name = serializers.CharField(source="get_type_display", read_only=True)
    category = serializers.CharField(read_only=True)
    partnership_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "acronym",
            "url",
            "web_url",
            "status",
            "country",
            "region",
            "type",
            "type_name",
            "category",
            "pic",
            "eche_holder",
            "website",
            "source_url",
            "partnership_count",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_web_url(self, obj) -> str:
        return web_url(self, obj)


class OrganisationSchema(WholeRecordSchema):
    """Only a higher education institution holds an ECHE (the model's constraint)."""

    target_class = OrganisationSerializer
    combine = "anyOf"
    rules = [
        {"properties": {"eche_holder": {"not": {"enum": [True]}}}},
        {"properties": {"type": {"pattern": f"^{OrganisationType.HEI}$"}}, "required": ["type"]},
    ]


class OrganisationMembershipSerializer(serializers.ModelSerializer):
    partnership = PartnershipBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["partnership", "role"]


class OrganisationDetailSerializer(OrganisationSerializer):
    partnerships = OrganisationMembershipSerializer(
        source="published_memberships", many=True, read_only=True
    )

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "partnerships"]


# Partnerships


class MemberSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    country = CountrySerializer(source="organisation.country", read_only=True, allow_null=True)
    type = serializers.CharField(source="organisation.type", read_only=True)
    named = PartialDateField(read_only=True, help_text="When the source named the member.")

    class Meta:
        model = Membership
        fields = ["organisation", "role", "country", "type", "named", "source_url"]


class ReportedCountSerializer(serializers.Serializer):
    """A number of members a source reports, with its date and source (the alliances app's
    ``MemberCount``, reached through the partnership's ``member_counts``)."""

    qualifier = serializers.ChoiceField(choices=["", "more_than", "about"], read_only=True)
    count = serializers.IntegerField(read_only=True)
    unit = serializers.ChoiceField(
        choices=["members", "partners", "signatories", "organisations"], read_only=True
    )
    countries = serializers.IntegerField(read_only=True, allow_null=True)
    as_of = PartialDateField(source="dated", read_only=True)
    source_url = serializers.URLField(read_only=True)


class SupportingAllianceSerializer(serializers.Serializer):
    """A Blueprint alliance that supports the partnership (declared by the alliances app)."""

    slug = serializers.SlugField(read_only=True)
    acronym = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:alliance-detail", lookup_field="slug", read_only=True
    )


class CommitmentSerializer(serializers.Serializer):
    """A pledge with its own basis and period: a yearly number is never a total."""

    people = serializers.IntegerField(source="commitment_people", allow_null=True)
    basis = serializers.CharField(source="commitment_basis")  # empty when the sources say not
    target_year = serializers.IntegerField(source="commitment_target_year", allow_null=True)
    years = serializers.IntegerField(source="commitment_years", allow_null=True)


class PartnershipSerializer(ModelValidatingSerializer):
    """A partnership as lists show it; also the body for creating and updating one."""

    many_to_many = ("linked_ecosystems", "countries")

    url = serializers.HyperlinkedIdentityField(
        view_name="api:partnership-detail", lookup_field="slug"
    )
    web_url = serializers.SerializerMethodField()
    ecosystem = LookupField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Large-scale partnerships: the slug of their one ecosystem."),
    )
    linked_ecosystems = LookupField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        help_text=_("Regional partnerships: slugs of the ecosystems they work on."),
    )
    ecosystems = EcosystemBriefSerializer(many=True, read_only=True)
    countries = CountryField(many=True, required=False)
    launched = PartialDateField(required=False, allow_null=True)
    commitment = CommitmentSerializer(source="*", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "name",
            "acronym",
            "url",
            "web_url",
            "status",
            "kind",
            "scope",
            "ecosystem",
            "linked_ecosystems",
            "ecosystems",
            "countries",
            "launched",
            "summary",
            "commitment",
            "commitment_people",
            "commitment_basis",
            "commitment_target_year",
            "commitment_years",
            "coverage",
            "confidence",
            "confidence_note",
            "member_count",
            "document_count",
            "website",
            "source_url",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {
            # The model's own ranges, checked (and documented) field by field.
            "commitment_people": {"write_only": True, "min_value": 1},
            "commitment_basis": {"write_only": True},
            "commitment_target_year": {"write_only": True, "min_value": 2020, "max_value": 2100},
            "commitment_years": {"write_only": True, "min_value": 1, "max_value": 50},
        }

    def get_web_url(self, obj) -> str:
        return web_url(self, obj)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        linked = attrs.get("linked_ecosystems")
        if linked is None and self.instance is not None:
            linked = list(self.instance.linked_ecosystems.all())
        error = Partnership.linked_ecosystems_error(kind, linked)
        if error and self.instance is not None:
            raise Conflict(errors={"linked_ecosystems": [error]})
        if error:
            raise serializers.ValidationError({"linked_ecosystems": [error]})
        return attrs


class PartnershipSchema(WholeRecordSchema):
    """What its kind decides (``Partnership.clean()`` and its constraints); a doubt says why,
    and a pledge's basis comes with its number."""

    target_class = PartnershipSerializer
    # Patterns and lengths rather than enums: drf-spectacular would turn each enum into a
    # component of its own. The fields' own schemas give the choices.
    rules = [
        {
            "description": "A large-scale partnership: one ecosystem, no scope, no links.",
            "properties": {
                "kind": {"pattern": f"^{Partnership.Kind.LARGE_SCALE}$"},
                "scope": {"maxLength": 0},
                "ecosystem": {"type": "string"},
                "linked_ecosystems": {"maxItems": 0},
            },
            "required": ["kind", "ecosystem"],
        },
        {
            "description": "A regional partnership: a scope, linked ecosystems, none of its own.",
            "properties": {
                "kind": {"pattern": f"^{Partnership.Kind.REGIONAL}$"},
                "scope": {"minLength": 1},
                "ecosystem": {"not": {"type": "string"}},
            },
            "required": ["kind", "scope"],
        },
    ]
    also = [
        doubt_needs_a_reason(),
        {
            "anyOf": [
                {"properties": {"commitment_basis": {"maxLength": 0}}},
                {
                    "properties": {"commitment_people": {"type": "integer"}},
                    "required": ["commitment_people"],
                },
            ]
        },
    ]


class PartnershipDetailSerializer(PartnershipSerializer):
    agreement_signed = PartialDateField(read_only=True)
    regions = serializers.SerializerMethodField()
    commitment_detail = serializers.SerializerMethodField()
    members = MemberSerializer(
        source="published_memberships",
        many=True,
        read_only=True,
        help_text="The members public sources name: a partial list where the sources are.",
    )
    member_counts = ReportedCountSerializer(
        many=True, read_only=True, help_text="Member counts sources report, oldest first."
    )
    alliances = SupportingAllianceSerializer(
        source="published_alliances", many=True, read_only=True
    )
    documents = serializers.SerializerMethodField()

    class Meta(PartnershipSerializer.Meta):
        fields = [
            *PartnershipSerializer.Meta.fields,
            "description",
            "launch_note",
            "agreement_signed",
            "regions",
            "commitment_detail",
            "reported_membership",
            "members",
            "member_counts",
            "alliances",
            "documents",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "nuts_code": {"type": "string"},
                    "country": {"type": "string", "nullable": True},
                },
            },
        }
    )
    def get_regions(self, obj):
        return [
            {"name": r.name, "nuts_code": r.nuts_code, "country": r.country_id}
            for r in obj.regions.all()
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "pledge": {"type": "array", "items": {"type": "string"}},
                "source_url": {"type": "string"},
            },
        }
    )
    def get_commitment_detail(self, obj):
        return {"pledge": obj.pledged_items, "source_url": obj.commitment_source_url}

    @extend_schema_field(DocumentBriefSerializer(many=True))
    def get_documents(self, obj):
        return DocumentBriefSerializer(
            obj.published_documents, many=True, context=self.context
        ).data


# Documents


class DocumentFileSerializer(serializers.ModelSerializer):
    language_name = serializers.CharField(source="get_language_display", read_only=True)
    host = serializers.CharField(read_only=True)  # empty for a PDF hosted here
    label = serializers.CharField(read_only=True)  # what the link opens (DocumentFile.label)
    download_url = serializers.SerializerMethodField()
    # Blank for a link, or an upload whose text has not been read yet.
    text_status = serializers.ChoiceField(
        choices=[("", "not read"), *DocumentFile.TextStatus.choices], read_only=True
    )
    text_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = [
            "language",
            "language_name",
            "file_format",
            "size_bytes",
            "page_count",
            "sha256",
            "host",
            "label",
            "download_url",
            "text_status",
            "text_url",
        ]

    def get_download_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_text_url(self, obj) -> str | None:
        """The text as accessible HTML, once read (``text_status`` "read")."""
        if not obj.has_text:
            return None
        return self.context["request"].build_absolute_uri(obj.get_text_url())


class TextMatchSerializer(serializers.Serializer):
    """Where a document's text has the words searched (``q``): the best page of a version."""

    language = serializers.CharField(help_text="The language version whose text matches.")
    page = serializers.IntegerField(help_text="The page the snippet is on, from 1.")
    snippet = serializers.CharField(
        help_text="HTML: the text around the words, escaped, the words found in <mark>."
    )
    text_url = serializers.SerializerMethodField(help_text="The page in the text as HTML.")

    def get_text_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.url)


class DocumentFileUploadSerializer(ModelValidatingSerializer):
    """A new language version uploaded as a PDF (multipart), checked and measured.

    The view passes the document as ``context["parent"]``.
    """

    class Meta:
        model = DocumentFile
        fields = ["language", "file"]
        extra_kwargs = {"file": {"required": True}}


class DocumentLinkSerializer(ModelValidatingSerializer):
    """A new language version published elsewhere (JSON): its link and what opening it gives,
    a PDF or a web page."""

    class Meta:
        model = DocumentFile
        fields = ["language", "external_url", "file_format", "size_bytes", "page_count"]
        extra_kwargs = {
            "external_url": {"required": True, "allow_blank": False},
            "file_format": {"required": True, "allow_blank": False},
        }


class DocumentSerializer(ModelValidatingSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail", lookup_field="slug")
    web_url = serializers.SerializerMethodField()
    issued = PartialDateField(required=False, allow_null=True)
    partnership = LookupField(
        slug_field="slug", queryset=Partnership.objects.all(), allow_null=True, required=False
    )
    ecosystem = LookupField(
        slug_field="slug", queryset=Ecosystem.objects.all(), allow_null=True, required=False
    )
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    # The reader's language first (Document.versions).
    versions = DocumentFileSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "slug",
            "title",
            "url",
            "web_url",
            "status",
            "kind",
            "kind_name",
            "issued",
            "partnership",
            "ecosystem",
            "description",
            "source_url",
            "confidence",
            "confidence_note",
            "versions",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_web_url(self, obj) -> str:
        return web_url(self, obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A published document of an unpublished partnership does not name it.
        if (
            instance.partnership_id
            and not instance.partnership.is_published
            and not sees_drafts(self.context["request"].user, Partnership)
        ):
            data["partnership"] = None
        return data


class DocumentListSerializer(DocumentSerializer):
    """A document as a list shows it: with ``text_match`` when ``q`` finds it in its text."""

    text_match = TextMatchSerializer(read_only=True, allow_null=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text_match"]
