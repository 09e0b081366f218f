import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter, TextSearchFilter
from ecosystems.models import Ecosystem

from .models import Alliance, FundingCall
from .timeline import Phase


class AllianceFilter(django_filters.FilterSet):
    q = TextSearchFilter()
    ecosystem = django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(), to_field_name="slug", label=_("Ecosystem")
    )
    call = django_filters.ModelChoiceFilter(
        queryset=FundingCall.objects.all(), to_field_name="slug", label=_("Funding call")
    )
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices, method="in_phase", label=_("Where it stands today")
    )
    ordering = OrderingFilter(
        fields=(("acronym", "acronym"), ("starts_on", "start")),
        field_labels={"acronym": _("Acronym"), "starts_on": _("Start")},
        label=_("Sort by"),
    )

    class Meta:
        model = Alliance
        fields = ["q", "ecosystem", "call", "phase"]

    def in_phase(self, queryset, name, value):
        return queryset.in_phase(value, timezone.localdate())
