"""Writes shared by the apps' content models."""

from django.db import transaction

from .models import Publishable


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
