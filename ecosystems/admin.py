from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pactportal.admin import HistoryAdmin
from pactportal.models import count_of
from partnerships.models import Partnership

from .models import Ecosystem


@admin.register(Ecosystem)
class EcosystemAdmin(HistoryAdmin):
    """The 14 ecosystems are created by a migration: curators edit their texts only."""

    list_display = ["name", "display_order", "slug", "partnership_count", "updated_at"]
    search_fields = ["name", "includes", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(partnership_count=count_of(Partnership.objects.all(), "ecosystem"))
        )

    @admin.display(description=_("large-scale partnerships"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    fieldsets = [
        (None, {"fields": ["name", "slug", "display_order", "icon"]}),
        ("About", {"fields": ["includes", "description", "labour_market_size"]}),
        ("Sources", {"fields": ["pact_page_url", "source_url", "created_at", "updated_at"]}),
    ]
