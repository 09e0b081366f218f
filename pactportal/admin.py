from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import HistoryAdmin, side_by_side

from . import quality
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


class QualityForm(forms.Form):
    below = forms.TypedChoiceField(
        label=_("List the records scoring under"),
        choices=[(n, f"{n} %") for n in quality.THRESHOLDS],
        coerce=int,
        required=False,
        empty_value=quality.THRESHOLDS[0],
    )


def data_quality(request):
    """The published records that lack what a reader needs, kind by kind, each with a link to
    its change page; and the source links the nightly check found broken. Staff see the kinds
    they may view (wrapped by ``admin_view``, which asks for staff)."""
    form = QualityForm(request.GET)
    threshold = form.cleaned_data["below"] if form.is_valid() else quality.THRESHOLDS[0]
    sections = quality.sections(request.user, threshold)
    if not sections:
        raise PermissionDenied
    return TemplateResponse(
        request,
        "admin/data_quality.html",
        {
            **admin.site.each_context(request),
            "title": _("Data quality"),
            "form": form,
            "threshold": threshold,
            "sections": sections,
            "broken_links": quality.broken_links(),
        },
    )
