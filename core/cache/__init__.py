"""The portal's caching, in four ideas (docs/architecture.md, "Caching"):

- the whole-page cache for anonymous readers (``pages``), keyed on what a page depends on;
- the content generation (``generations``), which retires everything cached at any change;
- remembered aggregates (``remembered``), called from selector modules only;
- records drawn once per content change (``records``), for list items and API records.
"""

from .generations import (
    CONTENT_APPS,
    GENERATION_KEY,
    cache_seconds,
    connect_invalidation,
    content_changed,
    generation,
)
from .local import local, local_pages
from .pages import AnonymousPageCacheMiddleware
from .records import (
    RecordIds,
    drawn,
    first_records,
    loaded_together,
    rendered_beside,
    rendered_records,
)
from .remembered import computed_once, digest, remembered, remembered_together

__all__ = [
    "CONTENT_APPS",
    "GENERATION_KEY",
    "AnonymousPageCacheMiddleware",
    "RecordIds",
    "cache_seconds",
    "computed_once",
    "connect_invalidation",
    "content_changed",
    "digest",
    "drawn",
    "first_records",
    "generation",
    "loaded_together",
    "local",
    "local_pages",
    "remembered",
    "remembered_together",
    "rendered_beside",
    "rendered_records",
]
