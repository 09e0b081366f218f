import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter, TextSearchFilter
from ecosystems.models import Ecosystem

from .models import Alliance, FundingCall


class AllianceFilter(django_filters.FilterSet):
    q = TextSearchFilter()
    ecosystem = django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(), to_field_name="slug", label=_("Ecosystem")
    )
    call = django_filters.ModelChoiceFilter(
        queryset=FundingCall.objects.all(), to_field_name="slug", label=_("Funding call")
    )
    project_status = django_filters.ChoiceFilter(
        choices=Alliance.Status.choices, label=_("Project status")
    )
    ordering = OrderingFilter(
        fields=(("acronym", "acronym"), ("starts_on", "start")),
        field_labels={"acronym": _("Acronym"), "starts_on": _("Start")},
        label=_("Sort by"),
    )

    class Meta:
        model = Alliance
        fields = ["q", "ecosystem", "call", "project_status"]
