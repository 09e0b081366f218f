"""Review before publishing, and links that show a draft to readers without an account.

The models live here, beside ``core.models`` (which imports them, so Django registers them
with the core app): they are about curators' work on any publishable record, not content.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .models import TimeStampedModel

# How long a preview link lets its holder read a draft.
PREVIEW_LINK_DAYS = 7


def must_be_reviewed(user) -> bool:
    """Whether ``user`` belongs to a group that may not publish without a review
    (``REVIEW_REQUIRED_GROUPS``). Superusers never do. Asked once per request and user."""
    if not settings.REVIEW_REQUIRED_GROUPS or user.is_superuser or not user.is_authenticated:
        return False
    if not hasattr(user, "_must_be_reviewed"):
        user._must_be_reviewed = user.groups.filter(
            name__in=settings.REVIEW_REQUIRED_GROUPS
        ).exists()
    return user._must_be_reviewed


class OfRecord(models.Model):
    """Points at one record of any publishable model."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    @classmethod
    def of(cls, record):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class ReviewRequest(OfRecord, TimeStampedModel):
    """A curator's request that another curator, a reviewer, publish a record.

    The reviewer approves it (which publishes the record) or returns it with a comment for its
    author. A record has at most one request waiting.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved and published")
        RETURNED = "returned", _("Returned to its author")

    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.PENDING, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    comment = models.TextField(_("reviewer's comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "approved", "returned"]),
                name="%(app_label)s_%(class)s_state_valid",
                violation_error_message=_("Unknown review state."),
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=models.F("author")),
                name="%(app_label)s_%(class)s_not_reviewed_by_author",
                violation_error_message=_("A record is never reviewed by its own author."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(reviewer__isnull=False, decided_at__isnull=False),
                name="%(app_label)s_%(class)s_decision_has_reviewer",
                violation_error_message=_("A decision names its reviewer and its time."),
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_record",
                violation_error_message=_("This record is already waiting for a review."),
            ),
        ]

    def __str__(self):
        return f"{self.record} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("admin:core_reviewrequest_change", args=[self.pk])


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(OfRecord, TimeStampedModel):
    """A secret address at which anyone may read one draft's page, until it expires or is
    revoked. Only a hash of the secret is stored: the address is shown once, to its maker."""

    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="preview_links",
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return str(self.record)

    @staticmethod
    def hash(token: str) -> str:
        # The token is ASCII when it comes from this portal; anything else matches nothing.
        return hashlib.sha256(token.encode(errors="replace")).hexdigest()

    @classmethod
    def create(cls, *, record, user) -> tuple["PreviewLink", str]:
        """A new link to ``record`` and its secret token (stored only as a hash)."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            token_hash=cls.hash(token),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=PREVIEW_LINK_DAYS),
        )
        return link, token

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# Fields every record keeps for itself, not what a reviewer judges.
BOOKKEEPING = frozenset({"id", "status", "published_at", "created_at", "updated_at"})


def changes_to_review(record) -> list[tuple[str, str, str]]:
    """What changed in ``record`` since it was last published, field by field, from its
    change history, as ``(field, published, now)``; for a record never published, every field
    that has a value, against nothing."""
    history = record.history.all()
    current = history.first()
    if current is None:
        return []
    published = history.filter(status="published").first()
    opts = record._meta
    if published is None:
        values = [
            (field, getattr(current, field.attname))
            for field in opts.concrete_fields
            if field.name not in BOOKKEEPING
        ]
        values += [
            (field, list(getattr(current, field.name).values(field.m2m_reverse_field_name())))
            for field in getattr(type(current), "_history_m2m_fields", [])
        ]
        return [
            (str(field.verbose_name), "", _shown(field, value))
            for field, value in values
            if value not in (None, "", [])
        ]
    delta = current.diff_against(published, excluded_fields=BOOKKEEPING)
    return [
        (
            str(opts.get_field(change.field).verbose_name),
            _shown(opts.get_field(change.field), change.old),
            _shown(opts.get_field(change.field), change.new),
        )
        for change in delta.changes
    ]


def _shown(field, value) -> str:
    """A value as the reviewer reads it: a choice by its label, links by the other side."""
    if value in (None, "", []):
        return ""
    if field.many_to_many:  # rows of the link table: show what each links to
        other = field.m2m_reverse_field_name()
        return ", ".join(str(row.get(other, "")) for row in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
