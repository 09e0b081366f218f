"""The anonymous page cache, and its invalidation whenever content changes.

Anonymous GET and HEAD responses of pages and API reads are kept in the default cache (Redis
when ``REDIS_URL`` is set). Keys carry a *generation* number; any change to content bumps it,
so every cached page is out of date at once and the old entries simply expire. A shared
generation works across processes and servers, unlike deleting keys one by one, and never
touches other cached data (throttle counters) the way emptying the whole cache would.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import get_cache_key, learn_cache_key, patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "pages:generation"
CONTENT_APPS = {"ecosystems", "partnerships", "alliances"}
NEVER_CACHED = ("/admin/", "/media/", "/static/")


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


class AnonymousPageCacheMiddleware:
    """Serves anonymous reads from the cache, varying on what each response varies on.

    Goes after the authentication middleware. Signed-in users, token clients, POSTs, the admin,
    and responses that are private, uncacheable or set cookies are never cached. Browsers are
    told to revalidate (``max-age=0``), which the ETag makes cheap.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        if not self.seconds:
            raise MiddlewareNotUsed

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        prefix = f"pages.{generation()}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None:
            cached = cache.get(key)
            if cached is not None:
                cached["X-Cache"] = "hit"
                return cached
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
            key = learn_cache_key(request, response, self.seconds, prefix, cache=cache)
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(key, r, self.seconds))
            else:
                cache.set(key, response, self.seconds)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(NEVER_CACHED)
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.user.is_authenticated
        )

    @staticmethod
    def cacheable_response(request, response) -> bool:
        control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and not request.user.is_authenticated
        )
