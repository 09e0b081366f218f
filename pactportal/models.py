"""Abstract building blocks shared by the portal's content models (no tables of their own)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

# Stemming for English, the language of the portal's content today.
SEARCH_CONFIG = "english"


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


@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    """``id__any=[...]``: membership in a long list of integers, sent as one array on PostgreSQL.

    ``__in`` prepares and sends one parameter per value; with thousands of ids, building,
    binding and parsing them costs more than the query. Unnested into a subquery, the array is
    hashed once rather than scanned for every row. Other databases get the plain ``IN``.
    """

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT unnest(%s::bigint[]))", (*lhs_params, self.rhs)

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)


def search_vector(*weighted_fields: tuple[str, str]) -> SearchVector:
    """A weighted English search vector over ``(field, weight)`` pairs.

    The same expression is indexed (a GIN expression index) and queried, so PostgreSQL can
    answer a search from the index.
    """
    vectors = [
        SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        for field, weight in weighted_fields
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


class SearchableQuerySet(models.QuerySet):
    """Ranked full-text search on PostgreSQL; plain substring matching on SQLite.

    A queryset declares ``search_fields`` as ``(field, weight)`` pairs, weights A (most
    important) to D. SQLite serves only the zero-setup quick start, so it gets the simple match.
    """

    search_fields: tuple[tuple[str, str], ...] = ()

    @classmethod
    def vector(cls) -> SearchVector:
        return search_vector(*cls.search_fields)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self.none()
        if connections[self.db].vendor != "postgresql":
            condition = Q()
            for field, _weight in self.search_fields:
                condition |= Q(**{f"{field}__icontains": text})
            return self.filter(condition)
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        vector = self.vector()
        return (
            self.alias(search_match=vector)
            .filter(search_match=query)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", *self.model._meta.ordering)
        )


class TimeStampedModel(models.Model):
    """Creation and change times; the base of every content model."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # Django's version makes the choices hashable first, which translates every label of
        # the field to show one: a page listing 100 members of 22 types did 2,200 look-ups.
        value = getattr(self, field.attname)
        try:
            label = dict(field.flatchoices).get(value, value)
        except TypeError:  # an unhashable value: only Django's version handles those
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


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
