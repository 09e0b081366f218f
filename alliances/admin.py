from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.admin import AccessibleAutocomplete, ContentAdmin, HistoryAdmin, LabelledTabularInline
from core.models import count_of

from .models import Alliance, AllianceMember, FundingCall, ProgrammeCountry


@admin.register(ProgrammeCountry)
class ProgrammeCountryAdmin(AccessibleAutocomplete, admin.ModelAdmin):
    list_display = ["country", "status"]
    list_filter = ["status"]
    list_select_related = ["country"]
    search_fields = ["country__name", "country__code"]
    autocomplete_fields = ["country"]


@admin.register(FundingCall)
class FundingCallAdmin(HistoryAdmin):
    list_display = ["title", "identifier", "lot", "deadline", "max_grant_eur", "alliance_count"]
    search_fields = ["title", "identifier", "programme"]
    date_hierarchy = "deadline"
    prepopulated_fields = {"slug": ["identifier"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(alliance_count=count_of(Alliance.objects.all(), "call"))
        )

    @admin.display(description=_("alliances"), ordering="alliance_count")
    def alliance_count(self, obj):
        return obj.alliance_count


class AllianceMemberInline(LabelledTabularInline):
    model = AllianceMember
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role"]


@admin.register(Alliance)
class AllianceAdmin(ContentAdmin):
    list_display = [
        "acronym",
        "name",
        "ecosystem",
        "call",
        "project_status",
        "starts_on",
        "ends_on",
        "status",
        "member_count",
    ]
    list_filter = ["status", "project_status", "ecosystem", "call"]
    list_select_related = ["ecosystem", "call"]
    search_fields = ["acronym", "name", "project_number", "coordinator_name"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["ecosystem", "supported_partnerships"]
    inlines = [AllianceMemberInline]
    readonly_fields = [*ContentAdmin.readonly_fields, "eligibility_report"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=count_of(AllianceMember.objects.all(), "alliance"))
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("eligibility"))
    def eligibility_report(self, obj):
        if obj.pk is None:
            return _("Save the alliance with its members to see the report.")
        call = obj.call or FundingCall.objects.first()
        if call is None:
            return _("No funding call is recorded yet.")
        report = obj.eligibility(call, ProgrammeCountry.codes())
        return render_to_string(
            "alliances/includes/report.html", {"report": report, "call": call, "compact": True}
        )
