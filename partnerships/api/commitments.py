"""The commitment tracker in the API: every published partnership's commitments with their
status on the day asked, and the same rows as CSV.

Commitments are public exactly when their partnership is: the list reads
``Commitment.objects.of(Partnership.objects.published())``. Their status depends on the day,
so it is computed for each response (with ``status_as_of``) and never remembered with a record.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from core.api import ApiResponsesMixin

from ..commitments import Status, plain_number, standing
from ..filters import CommitmentFilter
from ..models import Commitment, Partnership, ProgressReport
from .fields import PartnershipBriefSerializer


@extend_schema_field(OpenApiTypes.NUMBER)
class FigureField(serializers.Field):
    """A figure as a JSON number: ``45000``, ``4.5``; never a localised text."""

    def to_representation(self, value: Decimal):
        text = plain_number(value)
        return int(text) if "." not in text else float(text)


class ProgressReportSerializer(serializers.ModelSerializer):
    value = FigureField(read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["year", "value", "kind", "source_url", "reported_on"]
        read_only_fields = fields


def report_text(report: ProgressReport) -> str:
    """A report in one CSV cell: ``2024=45000 cumulative, reported 2025-03-01``."""
    return (
        f"{report.year}={plain_number(report.value)} {report.kind}, reported {report.reported_on}"
    )


class TrackedCommitmentSerializer(serializers.ModelSerializer):
    """A commitment, its status on ``status_as_of`` with the reason, and its reports."""

    partnership = PartnershipBriefSerializer(read_only=True)
    ecosystems = serializers.SerializerMethodField()
    amount = FigureField(read_only=True)
    replaced_by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    status_as_of = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "slug",
            "partnership",
            "ecosystems",
            "amount",
            "unit",
            "basis",
            "baseline_year",
            "target_year",
            "statement",
            "source_url",
            "stated_on",
            "replaced_by",
            "replaced_on",
            "status",
            "reason",
            "status_as_of",
            "reports",
        ]
        read_only_fields = fields

    def standing(self, obj):
        today = self.context.get("today") or timezone.localdate()
        if getattr(obj, "_standing", None) is None or obj._standing.as_of != today:
            obj._standing = standing(obj, today)
        return obj._standing

    def get_ecosystems(self, obj) -> list[str]:
        return [ecosystem.slug for ecosystem in obj.partnership.ecosystems]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, obj) -> str:
        return str(self.standing(obj).status.value)

    def get_reason(self, obj) -> str:
        return self.standing(obj).reason

    def get_status_as_of(self, obj) -> datetime.date:
        return self.standing(obj).as_of

    @extend_schema_field(ProgressReportSerializer(many=True))
    def get_reports(self, obj):
        reports = obj.reports.all()
        if self.context.get("csv"):
            # One cell: the series reads the same as the JSON's, a report after another.
            return [report_text(report) for report in reports]
        return ProgressReportSerializer(reports, many=True, context=self.context).data


def published_commitments():
    return Commitment.objects.of(Partnership.objects.published()).for_tracker()


class CommitmentViewSet(ApiResponsesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every commitment of the published partnerships: what is pledged (amount, unit, basis,
    baseline and target years, source), the progress reported, and the status on the day of
    the response (``status_as_of``) with its reason. ``ecosystem`` and ``status`` narrow it;
    ``format=csv`` gives the same rows as the tracker page's download."""

    queryset = Commitment.objects.all()
    serializer_class = TrackedCommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self):
        return published_commitments()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "csv": self.is_csv()}
