"""The anonymous page cache, and its invalidation whenever content changes.

Anonymous GET and HEAD responses of pages and API reads are kept in the default cache (Redis
when ``REDIS_URL`` is set), each with the *generation* number current when it was made; any
change to content bumps the number, so every cached page is out of date at once and the old
entries simply expire. A shared generation works across processes and servers, unlike deleting
keys one by one, and never touches other cached data (throttle counters) the way emptying the
whole cache would.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django.utils.translation import get_language

GENERATION_KEY = "pages:generation"
CONTENT_APPS = {"ecosystems", "partnerships", "alliances"}
NEVER_CACHED = ("/admin/", "/media/", "/static/")
# The request headers a cached page may depend on, all part of its key. A response that varies
# on any other header is not cached (signed-in requests, with Authorization, never are).
KEY_HEADERS = {
    "accept": "HTTP_ACCEPT",
    "accept-language": "HTTP_ACCEPT_LANGUAGE",
    "cookie": "HTTP_COOKIE",
}


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def pages_invalidate() -> None:
    """Make every cached page out of date."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted: any new number will do
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def until_content_changes(name: str, compute):
    """``compute()``, computed once until the next content change (with the page cache on).

    For values every page view would otherwise recompute over the whole data set, such as the
    Pact's headline figures. The generation in the key retires them on any change; the
    language in it keeps translated values (country names, ecosystem names) to their language.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    key = f"memo.{generation()}.{get_language()}.{name}"
    return cache.get_or_set(key, compute, settings.PAGE_CACHE_SECONDS)


def _content_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        # Now, for this process; and again once the change is committed, so that a request
        # served meanwhile from the old data cannot leave a stale page behind.
        pages_invalidate()
        transaction.on_commit(pages_invalidate)


def connect_invalidation() -> None:
    """Invalidate on every save, delete and link change of a content model."""
    from django.apps import apps

    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            dispatch = f"pages-{model._meta.label}"
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"{dispatch}-save")
            post_delete.connect(_content_changed, sender=model, dispatch_uid=f"{dispatch}-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="pages-m2m")


def page_key(request) -> str:
    """The cache key of a page: its method, full address and every header it may vary on."""
    parts = [request.method, request.build_absolute_uri()]
    parts += [request.META.get(header, "") for header in KEY_HEADERS.values()]
    digest = hashlib.sha256("\n".join(parts).encode(errors="replace")).hexdigest()
    return f"page.{digest}"


class AnonymousPageCacheMiddleware:
    """Serves anonymous reads from the cache, keyed on what each response may vary on.

    Goes right after the security and static-file middleware, so that a hit costs no session,
    no authentication and no view, and a single round trip to the cache (the generation and
    the page together). A request is anonymous when it carries neither a session cookie nor an
    ``Authorization`` header: those are the only ways to sign in. POSTs, the admin, and
    responses that are private, uncacheable, set cookies or vary on other headers are never
    cached. Browsers are told to revalidate (``max-age=0``), which the ETag stored with each
    page makes cheap.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        if not self.seconds:
            raise MiddlewareNotUsed

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or generation()
        if key in found and found[key][0] == current:
            _made_in, status, headers, content = found[key]
            cached = HttpResponse(content, status=status, headers=headers)
            cached["X-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
            # Stored with its ETag, so a hit is never hashed again and a client that has the
            # same bytes gets a 304 from the conditional-GET middleware around this one.
            set_response_etag(response)
            stored = (current, response.status_code, dict(response.items()), response.content)
            cache.set(key, stored, self.seconds)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(NEVER_CACHED)
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def cacheable_response(request, response) -> bool:
        control = response.get("Cache-Control", "")
        varies_on = {h.lower() for h in cc_delim_re.split(response.get("Vary", "")) if h}
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and varies_on <= {*KEY_HEADERS, "authorization"}
            and not (user and user.is_authenticated)
        )
