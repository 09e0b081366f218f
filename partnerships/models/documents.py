"""Agreements and publications, and their language versions."""

import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.indexes import NullsLastIndex
from core.models import (
    AnyOnce,
    Attested,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    StoredVector,
    TimeStampedModel,
)
from core.partial_dates import DatePrecision, PartialDateAttribute
from ecosystems.models import Ecosystem

from ..pdf import inspect_pdf
from .places import SHA256_PATTERN, not_empty
from .texts import VersionWords, text_query, text_search_config


class DocumentQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("description", "B"))
    translated_search_fields = frozenset({"title", "description"})
    stored_vector = True

    def search(self, text: str):
        """Documents whose title or description has the words, ranked, then those whose text
        alone has them (stemmed in each version's own language), in the documents' order.

        A text-only match ranks 0 against the record's own vector, so records come first.
        """
        text = text.strip()
        if not text or connections[self.db].vendor != "postgresql":
            return super().search(text)
        in_text = (
            DocumentFile.objects.alias(words=VersionWords())
            .filter(words=AnyOnce(text_query(text)))
            .values("document")
        )
        return self.ranked(StoredVector(), self.matched(text) | Q(pk__in=in_text), text)

    def in_language(self, language: str):
        """Documents with a version in the language."""
        return self.filter(pk__in=DocumentFile.objects.filter(language=language).values("document"))

    def in_ecosystem(self, ecosystem):
        """Documents of the ecosystem, directly or through their partnership."""
        # The partnership model lies above this module: reached through the relation.
        partnership_model = self.model._meta.get_field("partnership").related_model
        partnerships = partnership_model.objects.in_ecosystem(ecosystem)
        return self.filter(Q(ecosystem=ecosystem) | Q(partnership__in=partnerships))

    def for_list(self):
        """Everything a list of documents shows: partnership, ecosystem and language versions.

        Templates show the partnership only when it is published (``is_published``).
        """
        return self.select_related("partnership", "ecosystem").prefetch_related("files")

    def for_detail(self):
        return self.for_list().with_curated_at()


class Document(TimeStampedModel, Publishable, Attested):
    """A published agreement or publication; its files are its language versions."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        COMMITMENT = "commitment", _("Commitment")
        PUBLICATION = "publication", _("Flyer or general publication")
        REPORT = "report", _("Report")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, db_index=True)
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    issued_on_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, blank=True
    )
    issued = PartialDateAttribute("issued_on")
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    ecosystem = models.ForeignKey(
        Ecosystem,
        verbose_name=_("ecosystem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)

    objects = DocumentQuerySet.as_manager()
    # The change history is registered in translation.py, with the translated columns.

    class Meta:
        # Newest first; documents whose date is unknown come last, not first.
        ordering = [F("issued_on").desc(nulls_last=True), "title", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            # The library's order (newest first), for its pages and the home page's latest.
            NullsLastIndex(
                F("issued_on").desc(nulls_last=True),
                "title",
                "id",
                name="document_listing_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            *Attested.Meta.constraints,
            *PartialDateAttribute.constraints("issued_on"),
            models.CheckConstraint(
                condition=not_empty("title", "slug"),
                name="%(app_label)s_%(class)s_title_slug_not_empty",
                violation_error_message=_("A document needs a title and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["agreement", "commitment", "publication", "report"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown document kind."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnerships:document_detail", args=[self.slug])

    def drafts_shown(self) -> list:
        """Its partnership while a draft: its page names it once it is published."""
        partnership = self.partnership
        return (
            [partnership]
            if partnership is not None and partnership.status == PublicationStatus.DRAFT
            else []
        )

    @property
    def versions(self) -> list["DocumentFile"]:
        """Its language versions, the reader's language first, then the rest in their order.

        Sorted from the prefetched ``files`` (``for_list()``), so no query per document.
        """
        reader = get_language()
        return sorted(self.files.all(), key=lambda version: version.language != reader)

    def clean(self):
        super().clean()
        errors = Document.issued.errors(self)
        if errors:
            raise ValidationError(errors)


class Language(models.TextChoices):
    """The 24 official languages of the European Union."""

    BG = "bg", _("Bulgarian")
    CS = "cs", _("Czech")
    DA = "da", _("Danish")
    DE = "de", _("German")
    EL = "el", _("Greek")
    EN = "en", _("English")
    ES = "es", _("Spanish")
    ET = "et", _("Estonian")
    FI = "fi", _("Finnish")
    FR = "fr", _("French")
    GA = "ga", _("Irish")
    HR = "hr", _("Croatian")
    HU = "hu", _("Hungarian")
    IT = "it", _("Italian")
    LT = "lt", _("Lithuanian")
    LV = "lv", _("Latvian")
    MT = "mt", _("Maltese")
    NL = "nl", _("Dutch")
    PL = "pl", _("Polish")
    PT = "pt", _("Portuguese")
    RO = "ro", _("Romanian")
    SK = "sk", _("Slovak")
    SL = "sl", _("Slovenian")
    SV = "sv", _("Swedish")


def document_upload_path(instance, filename: str) -> str:
    """A path nobody can guess, dated for housekeeping, with a cleaned-up readable name."""
    stem = slugify(filename.rsplit(".", 1)[0])[:80] or "document"
    return timezone.now().strftime(
        f"documents/%Y/%m/{uuid.uuid4().hex}/{get_valid_filename(stem)}.pdf"
    )


class TextStatus(models.TextChoices):
    """Where reading an uploaded version's text stands; blank for a link, or not read yet."""

    PENDING = "pending", _("Being read")
    READ = "read", _("Text read")
    NO_TEXT = "no_text", _("No text layer")
    FAILED = "failed", _("Could not be read")


class DocumentFile(TimeStampedModel):
    """One language version of a document: an uploaded PDF or a link to where it is published."""

    TextStatus = TextStatus

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        HTML = "html", _("Web page")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="files", verbose_name=_("document")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language)
    file = models.FileField(
        _("PDF file"),
        upload_to=document_upload_path,
        max_length=255,
        blank=True,
    )
    external_url = models.URLField(
        _("external link"),
        max_length=500,
        blank=True,
        help_text=_("Where the file is published, when it is not uploaded here."),
    )
    file_format = models.CharField(
        _("format"),
        max_length=4,
        choices=Format,
        blank=True,
        help_text=_(
            "Uploaded files are always PDF. For an external link, what opening it gives: a PDF "
            "file, or a web page (a page that lists or shows the document is a web page)."
        ),
    )
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    text_status = models.CharField(
        _("text"), max_length=9, choices=TextStatus, blank=True, editable=False
    )
    # The SHA-256 of the file the pages were read from: a replaced file is read again.
    text_sha256 = models.CharField(_("text read from"), max_length=64, blank=True, editable=False)

    # Reading the text is the machine's work, not a curator's change: not in the history.
    history = HistoricalRecords(excluded_fields=["text_status", "text_sha256"])

    class Meta:
        ordering = ["document_id", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        # The language filter starts from the language; (document, language) is unique already.
        indexes = [models.Index("language", "document", name="documentfile_language_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language"],
                name="%(app_label)s_%(class)s_one_file_per_language",
                violation_error_message=_("This document already has a file in this language."),
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="%(app_label)s_%(class)s_language_valid",
                violation_error_message=_("Not an official EU language."),
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="%(app_label)s_%(class)s_file_or_link",
                violation_error_message=_("Upload a PDF or give an external link (not both)."),
            ),
            models.CheckConstraint(
                condition=Q(file="")
                | Q(
                    file_format="pdf",
                    size_bytes__gt=0,
                    page_count__gt=0,
                    sha256__regex=SHA256_PATTERN,
                ),
                name="%(app_label)s_%(class)s_upload_is_measured_pdf",
                violation_error_message=_("An uploaded file must be a measured PDF."),
            ),
            models.CheckConstraint(
                condition=Q(external_url="") | Q(file_format__in=["pdf", "html"]),
                name="%(app_label)s_%(class)s_link_says_what_it_opens",
                violation_error_message=_(
                    "Say whether an external link opens a PDF or a web page."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(file_format="html") | Q(size_bytes__isnull=True),
                name="%(app_label)s_%(class)s_web_page_has_no_size",
                violation_error_message=_(
                    "A web page has no file size: the size of a PDF it lists is not its own."
                ),
            ),
            models.CheckConstraint(
                condition=Q(text_status="") | (Q(text_status__in=TextStatus.values) & ~Q(file="")),
                name="%(app_label)s_%(class)s_text_only_of_uploads",
                violation_error_message=_("Only an uploaded PDF has text to read."),
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=SHA256_PATTERN),
                name="%(app_label)s_%(class)s_sha256_format",
                violation_error_message=_("SHA-256 is 64 lower-case hexadecimal digits."),
            ),
        ]

    def __str__(self):
        return f"{self.document} ({self.get_language_display()})"

    def get_absolute_url(self):
        """Where the version is read: our download view for an upload, else the link."""
        if self.file:
            return reverse(
                "partnerships:document_download", args=[self.document.slug, self.language]
            )
        return self.external_url

    @property
    def size_label(self) -> str:
        """The size as EU sites print it: kilobytes or megabytes with two decimals."""
        if not self.size_bytes:
            return ""
        if self.size_bytes < 1024 * 1024:
            return _("%(size)s KB") % {"size": number_format(self.size_bytes / 1024, 2)}
        return _("%(size)s MB") % {"size": number_format(self.size_bytes / (1024 * 1024), 2)}

    @property
    def host(self) -> str:
        """The site an external version is on (``pact-for-skills.ec.europa.eu``)."""
        return urlsplit(self.external_url).hostname or ""

    @property
    def label(self) -> str:
        """What a reader gets by following the link, said before they follow it.

        The EU's file-download convention, “English (327.08 KB - PDF)”, only for a PDF this
        portal hosts; a PDF elsewhere names its site, “English (314.41 KB - PDF, on
        pact-for-skills.ec.europa.eu)”; a web page is “English (web page)”.
        """
        language = self.get_language_display()
        if self.file_format == self.Format.HTML:
            return _("%(language)s (web page)") % {"language": language}
        details = " - ".join(str(part) for part in (self.size_label, _("PDF")) if part)
        if self.file:
            return f"{language} ({details})"
        return _("%(language)s (%(details)s, on %(host)s)") % {
            "language": language,
            "details": details,
            "host": self.host,
        }

    @property
    def search_config(self) -> str:
        """How its pages' words are stemmed: in the version's language."""
        return text_search_config(self.language)

    @property
    def has_text(self) -> bool:
        return self.text_status == TextStatus.READ

    @property
    def lacks_text(self) -> bool:
        """An upload whose text nobody can read: scanned, or unreadable."""
        return self.text_status in (TextStatus.NO_TEXT, TextStatus.FAILED)

    def get_text_url(self) -> str:
        return reverse("partnerships:document_text", args=[self.document.slug, self.language])

    def save(self, *args, **kwargs):
        self.measure_upload()
        self.forget_text_of_link()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.forget_text_of_link()
        if bool(self.file) == bool(self.external_url):
            raise ValidationError(_("Upload a PDF or give an external link (not both)."))
        try:
            self.measure_upload()
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc

    def forget_text_of_link(self) -> None:
        """A version that became a link has no text of its own (its pages go with
        ``services.document_text_refresh()``)."""
        if not self.file:
            self.text_status = self.text_sha256 = ""

    def measure_upload(self) -> None:
        """Check and measure a newly attached file before it is stored.

        The facts describe the bytes the portal serves, so every write path (admin, API,
        import, shell) measures here; a file that is not a readable PDF raises ValidationError.
        """
        if not self.file or self.file._committed:
            return
        if getattr(self, "_measured", None) is self.file.file:
            return
        facts = inspect_pdf(self.file)
        self.size_bytes = facts.size_bytes
        self.page_count = facts.page_count
        self.sha256 = facts.sha256
        self.file_format = self.Format.PDF
        self._measured = self.file.file
