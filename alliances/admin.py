from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.admin import AccessibleAutocomplete, ContentAdmin, HistoryAdmin, LabelledTabularInline
from core.models import count_of

from .models import Alliance, AllianceMember, Assessment, FundingCall, MemberCount, ProgrammeCountry


@admin.register(ProgrammeCountry)
class ProgrammeCountryAdmin(AccessibleAutocomplete, admin.ModelAdmin):
    list_display = ["country", "status"]
    list_filter = ["status"]
    list_select_related = ["country"]
    search_fields = ["country__name", "country__code"]
    autocomplete_fields = ["country"]


@admin.register(FundingCall)
class FundingCallAdmin(HistoryAdmin):
    list_display = ["title", "year", "identifier", "deadline", "has_rules", "alliance_count"]
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

    @admin.display(description=_("rules on record"), boolean=True)
    def has_rules(self, obj):
        return obj.has_rules


class AllianceMemberInline(LabelledTabularInline):
    model = AllianceMember
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "named_on", "named_on_precision", "source_url"]


class MemberCountInline(LabelledTabularInline):
    model = MemberCount
    fk_name = "alliance"
    extra = 0
    fields = ["qualifier", "count", "countries", "as_of", "as_of_precision", "source_url"]


@admin.register(MemberCount)
class MemberCountAdmin(HistoryAdmin):
    list_display = ["__str__", "partnership", "alliance", "as_of", "source_url"]
    list_select_related = ["partnership", "alliance"]
    search_fields = ["partnership__name", "alliance__acronym", "alliance__name"]
    autocomplete_fields = ["partnership", "alliance"]


@admin.register(Alliance)
class AllianceAdmin(ContentAdmin):
    list_display = [
        "acronym",
        "name",
        "ecosystem",
        "call",
        "phase_today",
        "starts_on",
        "ends_on",
        "status",
        "member_count",
    ]
    list_filter = ["status", "reported_status", "ecosystem", "call"]
    list_select_related = ["ecosystem", "call"]
    search_fields = ["acronym", "name", "project_number", "coordinator_name"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["ecosystem", "supported_partnerships"]
    inlines = [AllianceMemberInline, MemberCountInline]
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

    @admin.display(description=_("where it stands today"))
    def phase_today(self, obj):
        return obj.phase_today.label

    @admin.display(description=_("eligibility"))
    def eligibility_report(self, obj):
        if obj.pk is None:
            return _("Save the alliance with its members to see the report.")
        assessment = obj.assessment()
        if assessment != Assessment.CHECKED:
            return _("No verdict: %(reason)s") % {"reason": assessment.label}
        # Read from the database, not alliances.selectors: curators never read remembered values.
        return render_to_string(
            "alliances/includes/report.html",
            {"report": obj.eligibility(ProgrammeCountry.codes()), "call": obj.call},
        )
