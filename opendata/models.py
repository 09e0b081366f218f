"""Webhook subscriptions and their delivery log."""

import base64
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .changes import head_cursor
from .datasets import DATASETS


def event_type_choices() -> list[tuple[str, str]]:
    kinds = ("created", "updated", "deleted")
    return [
        (f"{dataset.model_label.split('.')[1].lower()}.{kind}",) * 2
        for dataset in DATASETS
        if dataset.in_feed
        for kind in kinds
    ]


def known_event_types(value) -> None:
    known = {name for name, _label in event_type_choices()}
    if not isinstance(value, list) or not set(value) <= known:
        raise ValidationError(_("Choose event types from the list."))


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSubscription(TimeStampedModel):
    """An API client's address that receives the portal's change events, signed."""

    name = models.CharField(_("name"), max_length=200, help_text=_("Who receives them."))
    url = models.URLField(_("address"), max_length=500)
    event_types = models.JSONField(
        _("event types"),
        help_text=_("Empty: every event."),
        blank=True,
        default=list,
        validators=[known_event_types],
    )
    secret = models.CharField(
        _("secret"),
        max_length=120,
        default=new_secret,
        help_text=_("Shared with the receiver, which checks each signature with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    cursor = models.CharField(
        _("sent up to"),
        max_length=60,
        default=head_cursor,
        editable=False,
        help_text=_("The change feed's cursor of the last event queued for this address."),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(secret__startswith="whsec_"),
                name="%(app_label)s_%(class)s_secret_format",
                violation_error_message=_("A secret starts with “whsec_”."),
            )
        ]

    def __str__(self):
        return self.name

    def wants(self, event_type: str) -> bool:
        return self.active and (not self.event_types or event_type in self.event_types)


class WebhookDelivery(models.Model):
    """One event for one subscription, with every attempt to deliver it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    message_id = models.CharField(_("webhook-id"), max_length=80)
    event_type = models.CharField(_("event type"), max_length=60)
    record = models.CharField(
        _("record"), max_length=80, help_text=_("Deliveries of one record go out in order.")
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    attempt_log = models.JSONField(_("attempts made"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message_id"],
                name="%(app_label)s_%(class)s_one_per_event",
                violation_error_message=_("This event is already on its way to this address."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown delivery status."),
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.message_id} → {self.subscription}"

    @property
    def lock(self) -> str:
        """Jobs holding the same lock run one at a time, in the order they were queued: the
        events of one record reach each subscriber in order, retries included."""
        return f"webhook-{self.subscription_id}-{self.record}"
