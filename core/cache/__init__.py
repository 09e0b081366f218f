"""The portal's caching: the content generation, the whole-page cache, remembered values and
records drawn once per content change. See docs/architecture.md, "Caching"."""

from .generations import (
    CONTENT_APPS,
    GENERATION_KEY,
    connect_invalidation,
    content_changed,
    generation,
)
from .local import local, local_pages
from .pages import AnonymousPageCacheMiddleware, page_key
from .records import (
    RecordIds,
    digest,
    ids_until_content_changes,
    record_html_until_content_changes,
    rendered_until_content_changes,
    sent_parameters,
)
from .remembered import computed_once, each_until_content_changes, until_content_changes

__all__ = [
    "CONTENT_APPS",
    "GENERATION_KEY",
    "AnonymousPageCacheMiddleware",
    "RecordIds",
    "computed_once",
    "connect_invalidation",
    "content_changed",
    "digest",
    "each_until_content_changes",
    "generation",
    "ids_until_content_changes",
    "local",
    "local_pages",
    "page_key",
    "record_html_until_content_changes",
    "rendered_until_content_changes",
    "sent_parameters",
    "until_content_changes",
]
