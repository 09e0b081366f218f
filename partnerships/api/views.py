from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api import STATUS_PARAMETER, PublishedViewSet
from core.api_parsers import StrictJSONParser
from core.models import PublicationStatus

from ..filters import DocumentFilter, OrganisationFilter, PartnershipFilter
from ..models import (
    Commitment,
    Document,
    DocumentFile,
    MatchesOf,
    Membership,
    Organisation,
    Partnership,
)
from ..services import document_text_refresh
from . import schemas  # noqa: F401  (defines the documents' schema rules for drf-spectacular)
from .commitments import TrackedCommitmentSerializer
from .parts import (
    PartPermissions,
    VersionLinkReplacement,
    VersionUploadReplacement,
    replace_version,
    version_of,
)
from .serializers import (
    DocumentFileSerializer,
    DocumentFileUploadSerializer,
    DocumentLinkSerializer,
    DocumentListSerializer,
    DocumentSerializer,
    MemberSerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    PartnershipDetailSerializer,
    PartnershipSerializer,
    TextMatchSerializer,
)

LIST_SCHEMA = extend_schema(parameters=[STATUS_PARAMETER])


@extend_schema_view(list=LIST_SCHEMA)
class PartnershipViewSet(PublishedViewSet):
    """Skills partnerships: large-scale (one ecosystem, EU level) and regional."""

    queryset = Partnership.objects.all()
    serializer_class = PartnershipSerializer
    detail_serializer_class = PartnershipDetailSerializer
    filterset_class = PartnershipFilter

    @extend_schema(responses=MemberSerializer(many=True), filters=False)
    @action(detail=True, filter_backends=[])
    def members(self, request, slug=None):
        """The partnership's published member organisations with their roles, paginated."""
        members = Membership.objects.filter(
            partnership=self.get_object(), organisation__status=PublicationStatus.PUBLISHED
        ).select_related("organisation__country")
        page = self.paginate_queryset(members)
        serializer = MemberSerializer(
            members if page is None else page, many=True, context=self.get_serializer_context()
        )
        if page is None:  # a CSV export: every member at once
            return Response(serializer.data)
        return self.get_paginated_response(serializer.data)

    @extend_schema(responses=TrackedCommitmentSerializer(many=True), filters=False)
    @action(detail=True, filter_backends=[], pagination_class=None)
    def commitments(self, request, slug=None):
        """The partnership's commitments with their status on the day of the response and
        their progress reports: the rows of the tracker, for this partnership alone."""
        commitments = Commitment.objects.filter(partnership=self.get_object()).for_tracker()
        serializer = TrackedCommitmentSerializer(
            commitments, many=True, context={**self.get_serializer_context(), "csv": self.is_csv()}
        )
        return Response(serializer.data)

    def csv_filename(self) -> str:
        if self.action in ("members", "commitments"):
            return f"{self.kwargs['slug']}-{self.action}"
        return super().csv_filename()


@extend_schema_view(list=LIST_SCHEMA)
class OrganisationViewSet(PublishedViewSet):
    """Companies, training providers, public bodies and associations in the partnerships."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    detail_serializer_class = OrganisationDetailSerializer
    filterset_class = OrganisationFilter


@extend_schema_view(
    list=extend_schema(parameters=[STATUS_PARAMETER], responses=DocumentListSerializer(many=True))
)
class DocumentViewSet(PublishedViewSet):
    """Agreements, commitments and publications, with every language version."""

    queryset = Document.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def get_permissions(self):
        if self.action == "version":
            return [PartPermissions()]
        return super().get_permissions()

    # What PartPermissions checks for a language version.
    part_model, whole_model = DocumentFile, Document

    def beside(self, ids, representations):
        """Each document with where its text has the words of ``q`` (the filter has refused any
        ``q`` it cannot take), or null."""
        text = self.request.query_params.get("q", "").strip()
        matches = MatchesOf(text, get_language())(ids)
        by_slug = {match.slug: match for match in matches.values()}
        context = self.get_serializer_context()
        return [
            {
                **representation,
                "text_match": TextMatchSerializer(by_slug[slug], context=context).data
                if (slug := representation["slug"]) in by_slug
                else None,
            }
            for representation in representations
        ]

    @extend_schema(
        request={
            "multipart/form-data": DocumentFileUploadSerializer,
            "application/json": DocumentLinkSerializer,
        },
        responses={201: DocumentFileSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        parser_classes=[MultiPartParser, StrictJSONParser],
    )
    def versions(self, request, slug=None):
        """Add a language version: upload a PDF (multipart, checked and measured), or give a
        link to where it is published (JSON)."""
        document = self.get_object()
        uploads = request.content_type.startswith("multipart/")
        serializer = (DocumentFileUploadSerializer if uploads else DocumentLinkSerializer)(
            data=request.data,
            context={**self.get_serializer_context(), "parent": {"document": document}},
        )
        serializer.is_valid(raise_exception=True)
        version = serializer.save()
        document_text_refresh(version=version)
        return Response(
            DocumentFileSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], request=None, responses=DocumentFileSerializer, filters=False)
    @extend_schema(
        methods=["PUT"],
        request={
            "multipart/form-data": VersionUploadReplacement,
            "application/json": VersionLinkReplacement,
        },
        responses=DocumentFileSerializer,
        filters=False,
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None}, filters=False)
    @action(
        detail=True,
        methods=["get", "put", "delete"],
        url_path=r"versions/(?P<language>[a-z]{2})",
        # What the browsable API draws its form from, for a version rather than a document.
        serializer_class=DocumentFileSerializer,
        filter_backends=[],
        parser_classes=[MultiPartParser, StrictJSONParser],
    )
    def version(self, request, slug=None, language=None):
        """One language version: read it, replace it whole (a PDF uploaded as multipart, or a
        link as JSON; the language stays the address's), or delete it."""
        version = version_of(self.get_object(), language)
        context = self.get_serializer_context()
        if request.method == "DELETE":
            self.perform_destroy(version)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method == "PUT":
            version = replace_version(version, request, context)
            document_text_refresh(version=version)
        return Response(DocumentFileSerializer(version, context=context).data)
