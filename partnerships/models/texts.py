"""The text inside uploaded PDFs, page by page, for reading as HTML and for search."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.models import AnyOnce, StoredVector, any_of

from ..pdftext import MARK_START, MARK_STOP

# PostgreSQL's stemmer for each official EU language it has one for; the others are split into
# words without stemming ("simple"). A page is stemmed in its version's language.
TEXT_SEARCH_CONFIG = {
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "pt": "portuguese",
    "ro": "romanian",
    "sv": "swedish",
}
TEXT_SEARCH_CONFIGS = sorted({*TEXT_SEARCH_CONFIG.values(), "simple"})

# A snippet: about this many words around the best passage of the page.
SNIPPET_WORDS = (12, 30)
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_STOP}", re.DOTALL)


def text_search_config(language: str) -> str:
    return TEXT_SEARCH_CONFIG.get(language, "simple")


def text_query(text: str) -> SearchQuery:
    """The visitor's words stemmed as each language's pages are, any of which may match.

    A page's vector holds its own language's stems; the words are looked up in every stemming
    the pages may have, as the visitor may search an Italian agreement in Italian from any page.
    """
    return any_of(
        [SearchQuery(text, search_type="websearch", config=c) for c in TEXT_SEARCH_CONFIGS]
    )


class VersionWords(StoredVector):
    """Every word of a language version's pages, stemmed in its language, in one vector
    (``partnerships_documentfile.text_vector``), which triggers on the pages keep (migration
    ``0018``): which documents have a word is looked up there, where they are in the pages."""

    column = "text_vector"


def highlighted(headline: str) -> SafeString:
    """PostgreSQL's snippet as HTML: the text escaped, the words found in ``<mark>``.

    The page's text is the uploader's; only the markers, which extraction removes from the
    text, become elements, and an unpaired marker becomes nothing.
    """
    parts, position = [], 0
    for found in _MARKED.finditer(headline):
        parts.append(escape(headline[position : found.start()]))
        parts.append(f"<mark>{escape(found[1])}</mark>")
        position = found.end()
    parts.append(escape(headline[position:]))
    html = "".join(parts).replace(MARK_START, "").replace(MARK_STOP, "")
    # Every piece of the text above is escaped; the only elements are our marks.
    return mark_safe(html)


@dataclass(frozen=True)
class TextMatch:
    """Where a document's text matches a search: the version's language, the page, a snippet."""

    slug: str
    language: str
    page: int
    snippet: SafeString

    @property
    def url(self) -> str:
        address = reverse("partnerships:document_text", args=[self.slug, self.language])
        return f"{address}#p{self.page}"


class MatchesOf:
    """The text matches of whichever documents a list shows, found once their ids are read:
    ``matches(ids)`` gives ``DocumentPage.objects.matches()`` for the words and language."""

    do_not_call_in_templates = True

    def __init__(self, text: str, language: str):
        self.text, self.language = text, language

    def __call__(self, documents) -> dict[int, TextMatch]:
        # The SQLite quick start searches no text (``DocumentQuerySet.search()``).
        if not self.text or not documents or connection.vendor != "postgresql":
            return {}
        return DocumentPage.objects.matches(self.text, documents, self.language)


class DocumentPageQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Pages whose text has the words, stemmed in the page's language (a GIN index)."""
        return self.alias(text_match=StoredVector()).filter(text_match=AnyOnce(text_query(text)))

    def matches(self, text: str, documents, language: str) -> dict[int, TextMatch]:
        """The best matching page of each of ``documents`` (ids), by document id, in one query.

        A version in ``language`` (the reader's) comes first, then the page ranked highest; only
        the pages chosen are cut into snippets, with the words stemmed in the page's language.
        """
        best = (
            self.matching(text)
            .filter(version__document__in=list(documents))
            .order_by(
                "version__document_id",
                Case(When(version__language=language, then=Value(0)), default=Value(1)),
                SearchRank(StoredVector(), text_query(text)).desc(),
                "number",
            )
            .distinct("version__document_id")
            .values("pk")
        )
        own = SearchQuery(text, search_type="websearch", config=F("search_config"))
        rows = self.filter(pk__in=best).values_list(
            "version__document_id",
            "version__document__slug",
            "version__language",
            "number",
            SearchHeadline(
                "text",
                own,
                config=F("search_config"),
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                min_words=SNIPPET_WORDS[0],
                max_words=SNIPPET_WORDS[1],
            ),
        )
        return {
            document: TextMatch(slug, version_language, number, highlighted(snippet))
            for document, slug, version_language, number, snippet in rows
        }


class DocumentPage(models.Model):
    """The text of one page of an uploaded language version, as read from its PDF.

    Written whole for a version by ``partnerships.services.document_text_store()``; the PDF
    stays the authoritative file. PostgreSQL keeps the page's search vector, stemmed in
    ``search_config``, in a generated column (migration ``0018``), which the model does not
    declare (``core.models.StoredVector``).
    """

    version = models.ForeignKey(
        "partnerships.DocumentFile",
        on_delete=models.CASCADE,
        related_name="pages",
        verbose_name=_("language version"),
    )
    number = models.PositiveIntegerField(_("page"))
    text = models.TextField(_("text"), blank=True)
    headings = models.JSONField(
        _("headings"),
        default=list,
        blank=True,
        help_text=_("The PDF outline's entries that open on this page: [level, title]."),
    )
    search_config = models.CharField(_("text search configuration"), max_length=12)

    objects = DocumentPageQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "number"]
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"],
                name="%(app_label)s_%(class)s_one_text_per_page",
                violation_error_message=_("This page's text is already stored."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_from_one",
                violation_error_message=_("Pages are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(search_config__in=TEXT_SEARCH_CONFIGS),
                name="%(app_label)s_%(class)s_search_config_valid",
                violation_error_message=_("Unknown text search configuration."),
            ),
        ]

    def __str__(self):
        return f"{self.version}, p. {self.number}"

    @property
    def anchor(self) -> str:
        return f"p{self.number}"
