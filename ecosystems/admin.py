from django.contrib import admin

from .models import Ecosystem


@admin.register(Ecosystem)
class EcosystemAdmin(admin.ModelAdmin):
    list_display = ["name", "display_order", "slug", "updated_at"]
    search_fields = ["name", "includes", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "display_order", "icon"]}),
        ("About", {"fields": ["includes", "description", "labour_market_size"]}),
        ("Sources", {"fields": ["pact_page_url", "source_url", "created_at", "updated_at"]}),
    ]
