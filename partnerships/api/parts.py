"""API writes of the parts records are made of: memberships, the areas partnerships cover, and
documents' language versions.

The same rules as the admin: each write runs the model's ``full_clean()``
(``ModelValidatingSerializer``), and a part is written with the right the admin's inline asks
for, the part's own permission for the method and the right to change the record it belongs to
(``PartPermissions``).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound

from core.api import ApiResponsesMixin, Conflict, CuratorPermissions, LookupField
from core.api_writes import WholeRecordSchema
from core.models import PublicationStatus, sees_drafts

from ..models import (
    NUTS_PREFIX_BY_COUNTRY,
    Country,
    DocumentFile,
    Membership,
    Organisation,
    Partnership,
    Region,
)
from .fields import CountryField, PartialDateField
from .schemas import DocumentLinkSchema
from .serializers import (
    DocumentFileUploadSerializer,
    DocumentLinkSerializer,
    ModelValidatingSerializer,
)

COUNTRY_BY_NUTS_PREFIX = {prefix: code for code, prefix in NUTS_PREFIX_BY_COUNTRY.items()}


class PartPermissions(CuratorPermissions):
    """Reading is open; writing a part takes the part's permission for the method (the
    view's ``part_model``) and the right to change the record it belongs to (``whole_model``),
    as editing it inline in the admin does."""

    def _queryset(self, view):
        return view.part_model._default_manager.all()

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        opts = view.whole_model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class MembershipWriteSerializer(ModelValidatingSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:membership-detail")
    partnership = LookupField(slug_field="slug", queryset=Partnership.objects.all())
    organisation = LookupField(slug_field="slug", queryset=Organisation.objects.all())
    named = PartialDateField(
        required=False, allow_null=True, help_text="When the source named the member."
    )

    class Meta:
        model = Membership
        fields = ["id", "url", "partnership", "organisation", "role", "named", "source_url"]


class MembershipViewSet(ApiResponsesMixin, viewsets.ModelViewSet):
    """An organisation's place in a partnership. The public reads those of published
    partnerships and organisations; curators read and write them all."""

    queryset = Membership.objects.select_related("partnership", "organisation")
    serializer_class = MembershipWriteSerializer
    permission_classes = [PartPermissions]
    part_model, whole_model = Membership, Partnership

    def get_queryset(self):
        if sees_drafts(self.request.user, Membership):
            return self.queryset
        return self.queryset.filter(
            partnership__status=PublicationStatus.PUBLISHED,
            organisation__status=PublicationStatus.PUBLISHED,
        )


class AreaSerializer(ModelValidatingSerializer):
    """An area is written with its NUTS code, its country following from the code's prefix
    (``EL`` is Greece), or with its country alone: never both, so the two cannot disagree."""

    url = serializers.HyperlinkedIdentityField(view_name="api:area-detail", lookup_field="slug")
    country = CountryField(
        required=False,
        allow_null=True,
        help_text="Without a NUTS code; null for an area spanning countries.",
    )

    class Meta:
        model = Region
        fields = ["slug", "url", "name", "country", "nuts_code"]
        extra_kwargs = {"nuts_code": {"help_text": "The country follows from its prefix."}}

    def validate(self, attrs):
        if attrs.get("nuts_code"):
            if attrs.get("country") is not None:
                errors = {"country": [_("Give a NUTS code or a country, not both.")]}
                # As for every update the record's rules refuse: a clash with the record.
                if self.instance is not None:
                    raise Conflict(errors=errors)
                raise serializers.ValidationError(errors)
            prefix = attrs["nuts_code"][:2]
            code = COUNTRY_BY_NUTS_PREFIX.get(prefix, prefix)
            attrs = {**attrs, "country": Country.objects.filter(code=code).first()}
        return super().validate(attrs)


class AreaSchema(WholeRecordSchema):
    """A NUTS code or a country, not both (``AreaSerializer``)."""

    target_class = AreaSerializer
    combine = "anyOf"
    rules = [
        {"properties": {"nuts_code": {"maxLength": 0}}},
        {"properties": {"country": {"not": {"type": "string"}}}},
    ]


class AreaViewSet(ApiResponsesMixin, viewsets.ModelViewSet):
    """The regions, cities and areas regional partnerships cover (with their NUTS code where
    they have one). The public reads those a published partnership covers. ``/regions/`` are
    the NUTS level-2 regions themselves."""

    queryset = Region.objects.select_related("country")
    serializer_class = AreaSerializer
    permission_classes = [CuratorPermissions]
    lookup_field = "slug"

    def get_queryset(self):
        if sees_drafts(self.request.user, Region):
            return self.queryset
        return self.queryset.filter(partnerships__status=PublicationStatus.PUBLISHED).distinct()


class WholeReplacement:
    """A version written whole again is judged as a new one: what its rules refuse is a 400
    (a file that is not a PDF), not a clash with what the record held (409)."""

    def validate_whole(self, attrs):
        try:
            return super().validate(attrs)
        except Conflict as exc:
            raise serializers.ValidationError(exc.errors) from exc


class VersionUploadReplacement(WholeReplacement, DocumentFileUploadSerializer):
    """A language version's file replaced by an uploaded PDF (its link, if any, goes)."""

    class Meta(DocumentFileUploadSerializer.Meta):
        fields = ["file"]

    def validate(self, attrs):
        return self.validate_whole({**attrs, "external_url": ""})


class VersionLinkReplacement(WholeReplacement, DocumentLinkSerializer):
    """A language version replaced by a link (its uploaded file, if any, goes)."""

    class Meta(DocumentLinkSerializer.Meta):
        fields = ["external_url", "file_format", "size_bytes", "page_count"]

    def validate(self, attrs):
        return self.validate_whole({"size_bytes": None, "page_count": None, **attrs, "file": ""})


class VersionLinkSchema(DocumentLinkSchema):
    """A web page has no size of its own, whether added or replacing a version."""

    target_class = VersionLinkReplacement


def version_of(document, language: str) -> DocumentFile:
    version = document.files.filter(language=language).first()
    if version is None:
        raise NotFound
    return version


def replace_version(version: DocumentFile, request, context) -> DocumentFile:
    """The version written whole again: a multipart PDF upload, or a JSON link."""
    uploads = request.content_type.startswith("multipart/")
    if not uploads and not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    # The language is the address's: a version is replaced, never moved to another language.
    data = {"file": request.data.get("file")} if uploads else request.data
    serializer = (VersionUploadReplacement if uploads else VersionLinkReplacement)(
        version, data=data, context=context
    )
    serializer.is_valid(raise_exception=True)
    with transaction.atomic():
        return serializer.save()
