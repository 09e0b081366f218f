from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.admin import (
    ContentAdmin,
    HistoryAdmin,
    ImportExportAdmin,
    LabelledTabularInline,
    side_by_side,
)
from core.models import count_of

from .forms import PartnershipForm
from .models import (
    Commitment,
    Country,
    Document,
    DocumentFile,
    Membership,
    NutsRegion,
    Organisation,
    Partnership,
    ProgressReport,
    Region,
    TextStatus,
)
from .resources import (
    MembershipResource,
    OrganisationResource,
    PartnershipResource,
    ProgressReportResource,
)
from .services import document_text_refresh


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    """Countries come from the ISO list; curators look them up, they do not edit them."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NutsRegion)
class NutsRegionAdmin(admin.ModelAdmin):
    """NUTS regions come from Eurostat's list by a migration; curators look them up (for an
    organisation's region), they do not edit them."""

    list_display = ["code", "name", "name_en", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["code", "name", "name_en"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["name", "country", "nuts_code", "updated_at"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "nuts_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Organisation)
class OrganisationAdmin(ContentAdmin):
    resource_classes = [OrganisationResource]
    list_display = [
        "name",
        "acronym",
        "type",
        "country",
        "region",
        "status",
        "partnership_count",
        "updated_at",
    ]
    list_filter = ["status", "type", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "region"]
    search_fields = ["name", "acronym", "pic"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "region"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("memberships"))

    def drafts_shown(self, obj):
        return obj.drafts_shown()

    @admin.display(description=_("partnerships"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "named_on", "named_on_precision", "source_url"]


class CommitmentInline(TranslationTabularInline, LabelledTabularInline):
    """A partnership's pledges; each opens on its own page, where its reports are kept."""

    model = Commitment
    fk_name = "partnership"
    extra = 0
    show_change_link = True
    fields = [
        "slug",
        "statement",
        "amount",
        "unit",
        "basis",
        "baseline_year",
        "target_year",
        "source_url",
        "stated_on",
        "replaced_by",
        "replaced_on",
    ]
    autocomplete_fields = ["replaced_by"]


class ProgressReportInline(LabelledTabularInline):
    model = ProgressReport
    extra = 0
    fields = ["year", "value", "kind", "source_url", "reported_on"]


@admin.register(Commitment)
class CommitmentAdmin(TranslationAdmin, HistoryAdmin):
    """A pledge and its progress reports (inline), each change in the history. A revised
    pledge is a new commitment; the old one names it in "replaced by", with the day."""

    list_display = ["partnership", "slug", "amount", "unit", "basis", "target_year", "replaced_on"]
    list_filter = ["unit", "basis", "target_year"]
    list_select_related = ["partnership"]
    search_fields = ["slug", "partnership__name", "statement_en"]
    autocomplete_fields = ["partnership", "replaced_by"]
    inlines = [ProgressReportInline]
    fieldsets = [
        (None, {"fields": ["partnership", "slug", side_by_side("statement")]}),
        (
            _("What is pledged"),
            {"fields": [("amount", "unit", "basis"), ("baseline_year", "target_year")]},
        ),
        (
            _("Source and revisions"),
            {"fields": ["source_url", "stated_on", ("replaced_by", "replaced_on")]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(ProgressReport)
class ProgressReportAdmin(ImportExportAdmin):
    """Progress reports, also imported from CSV or Excel with a preview, all or nothing."""

    resource_classes = [ProgressReportResource]
    list_display = ["commitment", "year", "value", "kind", "reported_on"]
    list_filter = ["kind", "year"]
    list_select_related = ["commitment__partnership"]
    search_fields = ["commitment__slug", "commitment__partnership__name"]
    autocomplete_fields = ["commitment"]
    fields = ["commitment", "year", "value", "kind", "source_url", "reported_on"]


@admin.register(Partnership)
class PartnershipAdmin(ContentAdmin, TranslationAdmin):
    """Summary and description show their English, French and German columns side by side.

    ``ContentAdmin`` comes first: modeltranslation's ``get_readonly_fields()`` and
    ``get_fieldsets()`` call no other class's, so placed first they would skip the schedule's
    section and the fields a review keeps read-only."""

    form = PartnershipForm
    resource_classes = [PartnershipResource]
    list_display = [
        "name",
        "kind",
        "scope",
        "ecosystem",
        "launched_on",
        "coverage",
        "confidence",
        "status",
        "member_count",
        "document_count",
        "updated_at",
    ]
    list_filter = [
        "status",
        "kind",
        "scope",
        "coverage",
        "confidence",
        "ecosystem",
        "linked_ecosystems",
        ("countries", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["ecosystem"]
    search_fields = ["name", "acronym", "summary_en", "summary_fr", "summary_de"]
    date_hierarchy = "launched_on"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["ecosystem", "linked_ecosystems", "countries", "regions"]
    inlines = [MembershipInline, CommitmentInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "scope", "status"]}),
        (
            _("Ecosystems and coverage"),
            {
                "fields": ["ecosystem", "linked_ecosystems", "coverage", "countries", "regions"],
            },
        ),
        (
            _("About"),
            {
                "fields": [
                    side_by_side("summary"),
                    side_by_side("description"),
                    "website",
                    "contact_email",
                ]
            },
        ),
        (
            _("Dates"),
            {
                "fields": [
                    ("launched_on", "launched_on_precision"),
                    side_by_side("launch_note"),
                    ("agreement_signed_on", "agreement_signed_on_precision"),
                ],
            },
        ),
        (
            _("Commitment"),
            {
                "fields": [
                    ("commitment_people", "commitment_basis"),
                    ("commitment_target_year", "commitment_years"),
                    side_by_side("commitment_pledge"),
                    "commitment_source_url",
                    side_by_side("reported_membership"),
                ],
            },
        ),
        (_("Sources"), {"fields": ["source_url", "confidence", "confidence_note"]}),
        (_("Record"), {"fields": ["published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=count_of(Membership.objects.all(), "partnership"),
                document_count=count_of(Document.objects.all(), "partnership"),
            )
        )

    def drafts_shown(self, obj):
        return obj.drafts_shown()

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("documents"), ordering="document_count")
    def document_count(self, obj):
        return obj.document_count


class DocumentFileInline(admin.StackedInline):
    model = DocumentFile
    extra = 0
    fields = [
        "language",
        "file",
        "external_url",
        "file_format",
        "size_bytes",
        "page_count",
        "measured",
        "text",
    ]
    readonly_fields = ["measured", "text"]

    @admin.display(description=_("measured from the upload"))
    def measured(self, obj):
        if not obj.file:
            return _(
                "Only uploads are measured; give the size and pages of a link to a PDF "
                "yourself (a web page has no size)."
            )
        return _("%(size)s, %(pages)s pages, SHA-256 %(sha256)s") % {
            "size": filesizeformat(obj.size_bytes),
            "pages": obj.page_count,
            "sha256": obj.sha256,
        }

    @admin.display(description=_("text"))
    def text(self, obj):
        """Whether the text was read, and where to read it; a scan is flagged for curators."""
        if not obj.file:
            return _("A link: the portal reads only the text of uploaded PDFs.")
        if obj.has_text:
            return format_html(
                '{} <a href="{}">{}</a>',
                obj.get_text_status_display(),
                obj.get_text_url(),
                _("Read it as HTML"),
            )
        explanation = {
            TextStatus.PENDING: _("The background worker reads it in a moment; reload to see."),
            TextStatus.NO_TEXT: _(
                "A scan, or pictures of text: readers of the site are offered an accessible "
                "format on request. Upload a copy with text if there is one."
            ),
            TextStatus.FAILED: _(
                "The PDF's text could not be read in time; try a simpler copy, or "
                "manage.py extract_document_text."
            ),
        }.get(obj.text_status, _("Not read yet: manage.py extract_document_text reads it."))
        return format_html("{} {}", obj.get_text_status_display(), explanation)


@admin.register(Document)
class DocumentAdmin(ContentAdmin, TranslationAdmin):
    """Title and description show their English, French and German columns side by side
    (``ContentAdmin`` first, as for partnerships)."""

    list_display = [
        "title",
        "kind",
        "issued_on",
        "partnership",
        "ecosystem",
        "status",
        "languages",
        "text",
        "updated_at",
    ]
    list_filter = [
        "status",
        "kind",
        "confidence",
        "ecosystem",
        "files__language",
        "files__text_status",
    ]
    list_select_related = ["partnership", "ecosystem"]
    search_fields = ["title_en", "title_fr", "title_de", "description_en"]
    date_hierarchy = "issued_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["partnership", "ecosystem"]
    inlines = [DocumentFileInline]
    fieldsets = [
        (None, {"fields": [side_by_side("title"), "slug", "kind", "status"]}),
        (
            _("About"),
            {
                "fields": [
                    ("issued_on", "issued_on_precision"),
                    "partnership",
                    "ecosystem",
                    side_by_side("description"),
                ]
            },
        ),
        (_("Sources"), {"fields": ["source_url", "confidence", "confidence_note"]}),
        (_("Record"), {"fields": ["published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    def drafts_shown(self, obj):
        return obj.drafts_shown()

    @admin.display(description=_("language versions"))
    def languages(self, obj):
        return ", ".join(
            f"{f.language.upper()} ({filesizeformat(f.size_bytes)})"
            if f.size_bytes
            else f.language.upper()
            for f in obj.files.all()
        )

    @admin.display(description=_("text"))
    def text(self, obj):
        """Each uploaded version's text status, by language (a scan shows here first)."""
        not_read = _("not read")
        return ", ".join(
            f"{f.language.upper()}: {f.get_text_status_display() or not_read}"
            for f in obj.files.all()
            if f.file
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not DocumentFile:
            return
        for version in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
            document_text_refresh(version=version)
            if not version.sha256:
                continue
            elsewhere = DocumentFile.objects.filter(sha256=version.sha256).exclude(
                document=version.document_id
            )
            for other in elsewhere.select_related("document"):
                self.message_user(
                    request,
                    _("The %(language)s file is the same file as on “%(document)s”.")
                    % {"language": version.get_language_display(), "document": other.document},
                    messages.WARNING,
                )


@admin.register(Membership)
class MembershipAdmin(ContentAdmin):
    """Memberships are edited on their partnership; here they are listed, imported, exported."""

    resource_classes = [MembershipResource]
    actions = []
    list_display = ["organisation", "partnership", "role", "organisation_type", "updated_at"]
    list_filter = [
        "role",
        "organisation__type",
        ("organisation__country", admin.RelatedOnlyFieldListFilter),
        "partnership__kind",
    ]
    list_select_related = ["organisation", "partnership"]
    search_fields = ["organisation__name", "partnership__name"]
    autocomplete_fields = ["partnership", "organisation"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("organisation type"), ordering="organisation__type")
    def organisation_type(self, obj):
        return obj.organisation.get_type_display()
