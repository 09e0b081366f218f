from dataclasses import dataclass

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import STATUS_PARAMETER, ApiResponsesMixin, PublishedViewSet

from ..eligibility import Report, check_consortium
from ..filters import AllianceFilter
from ..models import Alliance, FundingCall, ProgrammeCountry
from .serializers import (
    AllianceDetailSerializer,
    AllianceSerializer,
    EligibilityCheckSerializer,
    FundingCallSerializer,
    ReportSerializer,
)


@dataclass(frozen=True)
class CallReport:
    """A report together with the call it was checked against, for the serializer."""

    call: FundingCall
    report: Report


class FundingCallViewSet(
    ApiResponsesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Erasmus+ calls with their composition rules; curators edit them in the admin."""

    queryset = FundingCall.objects.all()
    serializer_class = FundingCallSerializer
    lookup_field = "slug"
    filter_backends = []


@extend_schema_view(list=extend_schema(parameters=[STATUS_PARAMETER]))
class AllianceViewSet(PublishedViewSet):
    """Erasmus+ alliances for sectoral cooperation on skills; curators edit them in the admin."""

    http_method_names = ["get", "head", "options"]
    queryset = Alliance.objects.all()
    serializer_class = AllianceSerializer
    detail_serializer_class = AllianceDetailSerializer
    filterset_class = AllianceFilter

    @extend_schema(responses=ReportSerializer, filters=False)
    @action(detail=True, filter_backends=[])
    def eligibility(self, request, slug=None):
        """The alliance's consortium checked against its call (or the latest call)."""
        alliance = self.get_object()
        call = alliance.call or FundingCall.objects.first()
        if call is None:
            raise NotFound("No funding call is recorded.")
        report = alliance.eligibility(call, ProgrammeCountry.codes())
        return Response(
            ReportSerializer(CallReport(call, report), context={"request": request}).data
        )

    def get_queryset(self):
        if self.action == "eligibility":
            return self.visible(Alliance.objects.all()).for_detail()
        return super().get_queryset()


class EligibilityCheckViewSet(ApiResponsesMixin, viewsets.GenericViewSet):
    """Check any consortium against a call's rules. Public; nothing is stored."""

    serializer_class = EligibilityCheckSerializer
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    filter_backends = []
    queryset = FundingCall.objects.none()

    @extend_schema(request=EligibilityCheckSerializer, responses={200: ReportSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = serializer.validated_data["call"]
        report = check_consortium(
            call.call_rules, serializer.consortium(), ProgrammeCountry.codes()
        )
        return Response(
            ReportSerializer(CallReport(call, report), context={"request": request}).data
        )
