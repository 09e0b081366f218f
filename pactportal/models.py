"""Abstract building blocks shared by the portal's content models (no tables of their own)."""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PublishableQuerySet(models.QuerySet):
    """The one query path to what the public may see.

    Every public face (pages, search, API, feeds, sitemaps, exports) starts from
    ``published()``; staff previews start from ``visible_to(user)``.
    """

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        return self if user.is_active and user.is_staff else self.published()

    # Fields ``search()`` looks in; each model's queryset names its own.
    search_fields: tuple[str, ...] = ()

    def search(self, text: str):
        """Rows whose text fields contain ``text`` (case-insensitive)."""
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        return self.filter(condition)


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

    def stamp_publication(self) -> bool:
        """Record the first publication time; say whether it was set just now.

        The time is part of the record's state, like an auto_now field: setting it here rather
        than in each caller means no write path can publish without it.
        """
        if self.status == PublicationStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            return True
        return False
