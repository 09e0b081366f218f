"""What every curated model's admin shares: change history, import/export, publishing."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ImportForm
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from . import review_admin  # noqa: F401 (registers the review requests' admin)
from .admin_curation import CurationAdmin, nothing_changed
from .curation import must_be_reviewed
from .models import PublicationStatus, Publishable
from .services import publication_set_status


class LabelledInlineFormSet(BaseInlineFormSet):
    """Gives every field of every row an accessible name.

    Django's tabular inline shows each label once, in the column header, so a screen reader
    reaching a field in a row would hear no name; an aria-label gives it one.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            # Related fields come wrapped with their add/change links; label the control itself.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:  # a hidden input may carry no ARIA
                widget.attrs.setdefault("aria-label", capfirst(field.label or name))


class NamedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, whose empty choice has text: an empty ``<option>`` is
    invalid HTML. Select2 still shows its own (empty) placeholder for it."""

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(name, value, label if value != "" else "—", *args, **kwargs)


class NamedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Django's autocomplete for several records, without Select2's "clear all" cross: each
    chosen record has its own, and the cross is a ``<span>`` inside the choices' ``<ul>``,
    which leaves that list holding something other than items."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class AccessibleAutocomplete:
    """Draws an admin's ``autocomplete_fields`` with the widgets above.

    ``static/js/admin-autocomplete.js`` names the controls Select2 builds in the browser.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class LabelledTabularInline(AccessibleAutocomplete, admin.TabularInline):
    formset = LabelledInlineFormSet


def side_by_side(field: str) -> tuple[str, ...]:
    """A translated field's columns (``summary_en``, ``summary_fr``…) as one row of a fieldset.

    django-modeltranslation would put each language on a row of its own.
    """
    return tuple(get_translation_fields(field))


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with a name. Django groups them under the field's
    legend with "Date:" and "Time:" as bare text beside them, which names neither box."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = gettext_lazy("Date")
        self.widgets[1].attrs["aria-label"] = gettext_lazy("Time")


class HistoryAdmin(AccessibleAutocomplete, SimpleHistoryAdmin):
    """Each object's "History" page lists who changed which fields, old → new, and reverts."""

    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # A field with a callable default (a call's rules) also carries a hidden copy of its
        # first value, to which Django copies its aria-describedby: ARIA a hidden input may not
        # have. The record's own form needs no copy (an inline's blank rows would).
        if formfield is not None:
            formfield.show_hidden_initial = False
        return formfield


class RowLimitedImportForm(ImportForm):
    """The import form, which states the largest file it takes and refuses a larger one.

    The limit (``IMPORT_MAX_ROWS``) keeps the preview and the import of a file well within a
    worker's time, so a large file gets this message instead of a timeout.
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.fields["import_file"].help_text = _(
            "At most %(limit)s rows in one file; split a larger one."
        ) % {"limit": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True)}
        # The file's content says what it is (``detect_format()``), whatever is chosen here.
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Found from the file itself if not chosen.")

    def detect_format(self, upload) -> str | None:
        """The index of the offered format the file's content is, whatever was chosen; None
        (and a form error) for a file of a format not offered."""
        found = format_of(upload.read(64))
        upload.seek(0)
        offered = [fmt().get_title() for fmt in self.import_formats]
        if found in offered:
            return str(offered.index(found))
        self.add_error(
            "import_file",
            _("This file is %(found)s; the import takes %(offered)s.")
            % {"found": found.upper(), "offered": ", ".join(t.upper() for t in offered)},
        )
        return None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        chosen = self.detect_format(upload)
        if chosen is None:
            return cleaned
        cleaned["format"] = chosen
        input_format = self.import_formats[int(chosen)]()
        content = upload.read()
        upload.seek(0)
        try:
            if not input_format.is_binary():
                content = content.decode("utf-8-sig")
            rows = len(input_format.create_dataset(content))
        except Exception:  # a file that cannot be read: the import itself says why
            return cleaned
        if rows > settings.IMPORT_MAX_ROWS:
            self.add_error(
                "import_file",
                _(
                    "This file has %(rows)s rows; at most %(limit)s can be imported at once. "
                    "Split it into smaller files."
                )
                % {
                    "rows": number_format(rows, force_grouping=True),
                    "limit": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
                },
            )
        return cleaned


def format_of(head: bytes) -> str:
    """What a file is, from its first bytes: an XLSX workbook is a ZIP archive, a JSON file an
    array or object (after any byte order mark and white space), anything else CSV."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"[", b"{"):
        return "json"
    return "csv"


# When a draft is published and a published record archived, by the schedule's job.
SCHEDULE_FIELDS = ("publish_at", "unpublish_at")


class ImportExportAdmin(ImportExportModelAdmin, HistoryAdmin):
    """Curated records with history and CSV, XLSX or JSON import and export.

    Importing creates and changes records, so it takes the rights to add and change;
    exporting the right to view. An import is all or nothing.
    """

    # What curators work with: spreadsheets, as CSV or Excel files, and JSON, as the API and
    # the open data give it.
    formats = [CSV, XLSX, JSON]
    import_form_class = RowLimitedImportForm

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # An import is all or nothing, even for a row found invalid only on confirmation.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The file passed its preview, but the records it names changed since.
            self.message_user(
                request,
                _(
                    "Nothing was imported: the file no longer passes its checks, because "
                    "records changed since its preview. Import it again to see why."
                ),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_import",
                    current_app=self.admin_site.name,
                )
            )
        return super().process_result(result, request)


class ContentAdmin(CurationAdmin, ImportExportAdmin):
    """Curated content: history, import and export, bulk publishing and a schedule.

    Staff status only opens the admin. Publishing takes the right to change the model;
    importing, which creates records and can publish them, takes the rights to add, change and
    publish; exporting, which includes drafts, the right to view. Members of the groups in
    ``REVIEW_REQUIRED_GROUPS`` submit records for review instead (``CurationAdmin``).
    """

    actions = ["publish", "archive", "unpublish", "submit_for_review"]
    readonly_fields = ["published_at", "created_at", "updated_at"]

    def get_list_display(self, request):
        # The schedule beside the status, on every publishable model's list.
        shown = list(super().get_list_display(request))
        if not issubclass(self.model, Publishable):
            return shown
        at = shown.index("status") + 1 if "status" in shown else len(shown)
        return [*shown[:at], *(f for f in SCHEDULE_FIELDS if f not in shown), *shown[at:]]

    def get_fieldsets(self, request, obj=None):
        # The schedule in a section of its own, last, whether or not the admin lists fields.
        if not issubclass(self.model, Publishable):
            return super().get_fieldsets(request, obj)
        fieldsets = [
            (title, {**options, "fields": [f for f in fields if f not in SCHEDULE_FIELDS]})
            for title, options in super().get_fieldsets(request, obj)
            for fields in [options["fields"]]
        ]
        return [*fieldsets, (_("Schedule"), {"fields": list(SCHEDULE_FIELDS)})]

    def has_publish_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_import_permission(self, request):
        return (
            super().has_import_permission(request)
            and self.has_publish_permission(request)
            and not must_be_reviewed(request.user)  # an import may publish
        )

    @admin.action(description=gettext_lazy("Publish the selected records"), permissions=["publish"])
    def publish(self, request, queryset):
        return self.confirm_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(description=gettext_lazy("Archive the selected records"), permissions=["publish"])
    def archive(self, request, queryset):
        return self.confirm_status(request, queryset, PublicationStatus.ARCHIVED)

    @admin.action(
        description=gettext_lazy("Return the selected records to draft"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        return self.confirm_status(request, queryset, PublicationStatus.DRAFT)

    def confirm_status(self, request, queryset, status):
        """First a page that lists what will change; the change itself on its confirmation."""
        label = PublicationStatus(status).label
        if self.refuse_unreviewed(request):
            return None
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/confirm_status.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Change the status to “%(status)s”?") % {"status": label},
                    "opts": self.model._meta,
                    "objects": queryset,
                    "status": status,
                    "status_label": label,
                    # Publishing offers the drafts the records' pages show, to publish with them.
                    "together": self.together(request, queryset)
                    if status == PublicationStatus.PUBLISHED
                    else [],
                    "action": request.POST.get("action"),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        try:
            changed = publication_set_status(
                objects=[*queryset, *self.chosen_together(request, queryset, status)],
                status=status,
            )
        except ValidationError as exc:
            self.message_user(request, nothing_changed(exc), messages.ERROR)
            return None
        self.message_user(
            request,
            _("%(count)s record(s) are now “%(status)s”.") % {"count": changed, "status": label},
            messages.SUCCESS,
        )
        return None
