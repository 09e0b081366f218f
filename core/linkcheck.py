"""Checking the source links of published records, off the page path (a daily job).

Each address is asked for its headers (HEAD); a server that refuses HEAD or answers it with an
error is asked again with GET, whose body is not read. Redirects are followed. Each request has
its own timeout, so one slow site cannot hold the job. The result of each address is kept in
``LinkCheck``; addresses no published record uses any more are forgotten.
"""

import urllib.error
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import LinkCheck, PublicationStatus
from .services import publishable_models

USER_AGENT = "PactForSkillsPortal-LinkCheck/1.0"


def status_of(url: str, timeout: float) -> tuple[int | None, str]:
    """``(status code, "")`` of the address, or ``(None, why)`` if it could not be read."""
    outcome: tuple[int | None, str] = (None, "")
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, ""
        except urllib.error.HTTPError as exc:
            outcome = (exc.code, "")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            outcome = (None, str(getattr(exc, "reason", exc))[:300] or type(exc).__name__)
    return outcome


def source_urls() -> set[str]:
    """The source links of every published record of every publishable model."""
    urls: set[str] = set()
    for model in publishable_models():
        if any(field.name == "source_url" for field in model._meta.fields):
            urls.update(
                model.objects.filter(status=PublicationStatus.PUBLISHED)
                .exclude(source_url="")
                .values_list("source_url", flat=True)
            )
    return urls


def check_links(urls=None, *, timeout: float | None = None) -> int:
    """Check each address (by default every published source link) and keep what was found;
    how many are broken."""
    urls = source_urls() if urls is None else set(urls)
    timeout = settings.LINK_CHECK_TIMEOUT_SECONDS if timeout is None else timeout
    broken = 0
    for url in sorted(urls):
        status_code, error = status_of(url, timeout)
        LinkCheck.objects.update_or_create(
            url=url,
            defaults={"status_code": status_code, "error": error, "checked_at": timezone.now()},
        )
        broken += status_code is None or status_code >= 400
    LinkCheck.objects.filter(~Q(url__in=urls)).delete()
    return broken
