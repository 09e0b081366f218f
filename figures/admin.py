from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin

from .models import OfficialFigure


@admin.register(OfficialFigure)
class OfficialFigureAdmin(HistoryAdmin):
    """The figures the Commission and others report; each change is kept in its history."""

    list_display = ["metric", "value", "qualifier", "stated_on", "publisher", "confidence"]
    list_filter = ["metric", "confidence", "publisher"]
    search_fields = ["slug", "statement", "publisher", "source_title", "note"]
    prepopulated_fields = {"slug": ["metric", "stated_on"]}
    date_hierarchy = "stated_on"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "metric",
                    ("qualifier", "value", "unit"),
                    "statement",
                    ("stated_on", "stated_on_precision"),
                    ("period_start", "period_end"),
                ]
            },
        ),
        (_("Source"), {"fields": ["publisher", "source_url", "source_title", "note"]}),
        (_("Confidence"), {"fields": ["confidence", "confidence_note"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
