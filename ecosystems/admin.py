from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import HistoryAdmin, side_by_side
from core.models import count_of

from .models import Ecosystem


@admin.register(Ecosystem)
class EcosystemAdmin(TranslationAdmin, HistoryAdmin):
    """The 14 ecosystems are created by a migration: curators edit their texts only.

    Each translated text shows its English, French and German columns side by side.
    """

    list_display = ["name", "display_order", "slug", "partnership_count", "updated_at"]
    search_fields = ["name_en", "name_fr", "name_de", "description_en"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Through the relation the partnerships app declares: it lies above this one.
            .annotate(
                partnership_count=count_of(
                    self.model.large_scale_partnerships.rel.related_model.objects.all(),
                    "ecosystem",
                )
            )
        )

    @admin.display(description=_("large-scale partnerships"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    fieldsets = [
        (None, {"fields": [side_by_side("name"), "slug", "display_order", "icon"]}),
        (
            _("About"),
            {
                "fields": [
                    side_by_side("includes"),
                    side_by_side("description"),
                    side_by_side("labour_market_size"),
                ]
            },
        ),
        (_("Sources"), {"fields": ["pact_page_url", "source_url", "created_at", "updated_at"]}),
    ]
