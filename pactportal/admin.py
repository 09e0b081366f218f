from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from core.admin import HistoryAdmin, side_by_side

from .models import InformationPage


@admin.register(InformationPage)
class InformationPageAdmin(TranslationAdmin, HistoryAdmin):
    """The footer's four pages are created by a migration: curators edit their texts only.

    Each text shows its English, French and German columns side by side.
    """

    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title_en", "title_fr", "title_de", "body_en"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    fields = ["slug", side_by_side("title"), side_by_side("body"), "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
