"""Abstract building blocks shared by the portal's content models (no tables of their own)."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# PostgreSQL's text search configuration for each interface language: its stemming and stop
# words. A language PostgreSQL has no configuration for gets "simple" (no stemming).
SEARCH_CONFIG_BY_LANGUAGE = {"en": "english", "fr": "french", "de": "german"}
# Fields that are not translated (names, acronyms) are searched with English stemming.
SEARCH_CONFIG = "english"


def search_config(language: str) -> str:
    return SEARCH_CONFIG_BY_LANGUAGE.get(language, "simple")


def count_of(queryset: models.QuerySet, field: str):
    """How many rows of ``queryset`` point at the outer row through ``field``, as an annotation.

    A correlated subquery per count keeps the joins apart: annotating several ``Count()``s over
    different relations would join them all at once and multiply their rows before counting.
    """
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def search_columns(
    weighted_fields: tuple[tuple[str, str], ...], translated: frozenset[str]
) -> list[tuple[str, str, str]]:
    """``(column, weight, config)`` for each field: a translated field has a column per language.

    Each language's column is stemmed in that language, so "partenariats" finds "partenariat".
    """
    columns = []
    for field, weight in weighted_fields:
        if field in translated:
            columns += [
                (f"{field}_{code}", weight, search_config(code))
                for code, _name in settings.LANGUAGES
            ]
        else:
            columns.append((field, weight, SEARCH_CONFIG))
    return columns


def search_vector(columns: list[tuple[str, str, str]]) -> SearchVector:
    """A weighted search vector over ``(column, weight, config)`` triples.

    The same expression is indexed (a GIN expression index) and queried, so PostgreSQL can
    answer a search from the index.
    """
    vectors = [
        SearchVector(column, weight=weight, config=config) for column, weight, config in columns
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_query(text: str) -> SearchQuery:
    """The visitor's words stemmed in every language of the portal, any of which may match.

    Visitors search in their own language, or in English, whatever page they are on.
    """
    configs = dict.fromkeys(search_config(code) for code, _name in settings.LANGUAGES)
    queries = [SearchQuery(text, search_type="websearch", config=config) for config in configs]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined


class SearchableQuerySet(models.QuerySet):
    """Ranked full-text search on PostgreSQL; plain substring matching on SQLite.

    A queryset declares ``search_fields`` as ``(field, weight)`` pairs, weights A (most
    important) to D, and which of them are translated (``translated_search_fields``, the same
    fields its model registers with django-modeltranslation). SQLite serves only the
    zero-setup quick start, so it gets the simple match.
    """

    search_fields: tuple[tuple[str, str], ...] = ()
    translated_search_fields: frozenset[str] = frozenset()

    @classmethod
    def columns(cls) -> list[tuple[str, str, str]]:
        return search_columns(cls.search_fields, cls.translated_search_fields)

    @classmethod
    def vector(cls) -> SearchVector:
        return search_vector(cls.columns())

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self.none()
        if connections[self.db].vendor != "postgresql":
            condition = Q()
            for column, _weight, _config in self.columns():
                condition |= Q(**{f"{column}__icontains": text})
            return self.filter(condition)
        query = search_query(text)
        vector = self.vector()
        return (
            self.alias(search_match=vector)
            .filter(search_match=query)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", *self.model._meta.ordering)
        )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PublishableQuerySet(SearchableQuerySet):
    """The one query path to what the public may see.

    Every public face (pages, search, API, feeds, sitemaps, exports) starts from
    ``published()``; staff previews start from ``visible_to(user)``.
    """

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        return self if user.is_active and user.is_staff else self.published()

    def reachable_by(self, user):
        """What a detail page may show: ``visible_to(user)`` plus archived records.

        An archived record keeps its page, clearly marked, so links to it do not break; it is
        left out of every list, count, search, feed and sitemap, which read ``published()``.
        """
        if user.is_active and user.is_staff:
            return self
        return self.filter(status__in=[PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED])


class Publishable(models.Model):
    """Content that moves through draft → published → archived."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the record is first published; feeds order by it."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Status must be draft, published or archived."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message=_("A published record must have a publication time."),
            ),
        ]

    def save(self, *args, **kwargs):
        if self.stamp_publication() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.stamp_publication()

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def is_archived(self) -> bool:
        return self.status == PublicationStatus.ARCHIVED

    def stamp_publication(self) -> bool:
        """Record the first publication time; say whether it was set just now.

        The time is part of the record's state, like an auto_now field: setting it here rather
        than in each caller means no write path can publish without it.
        """
        if self.status == PublicationStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            return True
        return False
