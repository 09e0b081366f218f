"""Writes shared by the apps' content models."""

import logging

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import PublicationStatus, Publishable

logger = logging.getLogger(__name__)


def publication_set_status(*, objects, status: str) -> int:
    """Move records to a status, each one validated and saved, all or none.

    Saving record by record (not ``QuerySet.update()``) keeps the change history, with the
    acting user, and stamps the first publication time. Returns how many records changed.
    """
    changed = 0
    with transaction.atomic():
        for obj in objects:
            if not isinstance(obj, Publishable) or obj.status == status:
                continue
            obj.status = status
            obj.full_clean()
            obj.save()
            changed += 1
    return changed


def publishable_models() -> list:
    """Every installed model with a publication status."""
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def publication_run_schedule(*, now=None) -> int:
    """Make the scheduled changes due at ``now``: drafts whose ``publish_at`` has passed are
    published, published records whose ``unpublish_at`` has passed archived.

    Each goes through ``publication_set_status()``, so the change history records it and the
    content generation moves on (every cached page, count and feed follows). A record due for
    both (the job did not run meanwhile) is published, then archived, as if on time. A record
    the rules refuse is logged and left as it is; the others are still changed. Returns how
    many records changed.
    """
    now = now or timezone.now()
    changed = 0
    for model in publishable_models():
        due = [
            (
                PublicationStatus.PUBLISHED,
                model.objects.filter(status=PublicationStatus.DRAFT, publish_at__lte=now),
            ),
            (
                PublicationStatus.ARCHIVED,
                model.objects.filter(status=PublicationStatus.PUBLISHED, unpublish_at__lte=now),
            ),
        ]
        for status, queryset in due:
            for pk in list(queryset.values_list("pk", flat=True)):
                changed += _scheduled_change(queryset, pk, status)
    return changed


def _scheduled_change(queryset, pk, status) -> int:
    with transaction.atomic():
        # Skipped if a curator is saving it now; the next minute's pass sees it again.
        obj = queryset.select_for_update(skip_locked=True).filter(pk=pk).first()
        if obj is None:
            return 0
        try:
            return publication_set_status(objects=[obj], status=status)
        except ValidationError as exc:
            logger.warning(
                "scheduled status change refused",
                extra={"record": obj._meta.label, "pk": pk, "errors": exc.messages},
            )
            return 0
