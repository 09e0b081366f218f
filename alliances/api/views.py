from dataclasses import dataclass

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import STATUS_PARAMETER, ApiResponsesMixin, PublishedViewSet
from partnerships.models import PIC_PATTERN, OrganisationType

from ..eligibility import Report, check_consortium
from ..filters import AllianceFilter
from ..forms import MatchForm
from ..models import Alliance, FundingCall
from ..selectors import programme_countries
from ..suggestions import RuleSuggestions, suggest
from .serializers import (
    AllianceDetailSerializer,
    AllianceReportSerializer,
    AllianceSerializer,
    EligibilityCheckSerializer,
    FundingCallSerializer,
    MatchSerializer,
    ReportSerializer,
)


@dataclass(frozen=True)
class CallReport:
    """A report together with the call it was checked against, for the serializer."""

    call: FundingCall
    report: Report
    suggestions: list[RuleSuggestions]


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

    @extend_schema(responses=AllianceReportSerializer, filters=False)
    @action(detail=True, filter_backends=[])
    def eligibility(self, request, slug=None):
        """The alliance's recorded consortium against the rules on record for its own call.

        No other call's rules are ever applied: without its call, its call's rules or a
        consortium recorded whole, the answer says why and gives no verdict.
        """
        alliance = self.get_object()
        assessment = alliance.assessment()
        report = alliance.eligibility(programme_countries())
        answer = {
            "call": alliance.call,
            "assessment": assessment,
            "reason": assessment.label,
            "eligible": report.eligible if report else None,
            "results": report.results if report else [],
            "counted": report.counted if report else [],
            "not_counted": report.not_counted if report else [],
        }
        return Response(AllianceReportSerializer(answer, context={"request": request}).data)

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
        values = serializer.validated_data
        call, members, programme = values["call"], serializer.consortium(), programme_countries()
        report = check_consortium(call.call_rules, members, programme)
        suggestions = []
        if values["suggest"]:
            suggestions = suggest(
                report=report,
                rules=call.call_rules,
                members=members,
                programme=programme,
                directory_members=serializer.directory_members(),
                ecosystem=values.get("ecosystem"),
                pages={result.rule: values["page"] for result in report.failures},
                page_size=values["page_size"],
            )
        return Response(
            ReportSerializer(
                CallReport(call, report, suggestions), context={"request": request}
            ).data
        )


MATCH_PARAMETERS = [
    OpenApiParameter(
        "pic", OpenApiTypes.STR, pattern=PIC_PATTERN, description="A PIC of the directory."
    ),
    OpenApiParameter(
        "country",
        OpenApiTypes.STR,
        pattern="^[A-Za-z]{2}$",
        description="ISO 3166-1 code, any case; read where no region is given.",
    ),
    OpenApiParameter(
        "region",
        OpenApiTypes.STR,
        pattern="^[A-Za-z]{2}[0-9A-Za-z]{2}$",
        description="NUTS level-2 code, any case, such as DE71.",
    ),
    OpenApiParameter("type", OpenApiTypes.STR, enum=OrganisationType.values),
    OpenApiParameter(
        "ecosystem", OpenApiTypes.STR, many=True, explode=True, description="Ecosystem slug."
    ),
]


class MatchView(ApiResponsesMixin, generics.GenericAPIView):
    """Which partnerships fit an organisation: from its PIC (a PIC the directory does not
    hold is a 404), or from its country, NUTS region, type and ecosystems.

    The published partnerships and alliances it is in (by PIC), and those it could join, each
    with the reason: the regional partnerships covering its region (without one, those
    working in its country), the large-scale partnership of each of its ecosystems and their
    alliances. By PIC without ecosystems, those of what it is in. Without any parameter, an
    empty answer. Nothing is stored."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    filter_backends = []
    pagination_class = None
    serializer_class = MatchSerializer
    query_parameters = tuple(MatchForm.base_fields)

    @extend_schema(parameters=MATCH_PARAMETERS, responses={200: MatchSerializer})
    def get(self, request):
        # An empty parameter is the same as none, as everywhere in the API.
        given = QueryDict(mutable=True)
        for name, values in request.query_params.lists():
            given.setlist(name, [value for value in values if value != ""])
        form = MatchForm(given, require_one=False)
        if form.has_error("pic", code="unknown"):
            raise NotFound(form.errors["pic"][0])
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: list(errors)
                    for name, errors in form.errors.items()
                }
            )
        return Response(MatchSerializer(form.matches(), context={"request": request}).data)
