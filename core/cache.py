"""The anonymous page cache, and its invalidation whenever content changes.

Anonymous GET and HEAD responses of pages and API reads are kept in the default cache (Redis
when ``REDIS_URL`` is set), each with the *generation* number current when it was made; any
change to content bumps the number, so every cached page is out of date at once and the old
entries simply expire. A shared generation works across processes and servers, unlike deleting
keys one by one, and never touches other cached data (throttle counters) the way emptying the
whole cache would.

Since a key that holds the generation never changes its value, each process also keeps the
entries it used last in its own memory (``local``): a hit there costs no round trip to Redis
and no unpickling.
"""

import contextlib
import contextvars
import hashlib
import pickle
import threading
import time

import cachetools
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, MiddlewareNotUsed
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from redis.exceptions import RedisError

GENERATION_KEY = "pages:generation"
CONTENT_APPS = {"ecosystems", "partnerships", "alliances"}
NEVER_CACHED = ("/admin/", "/media/", "/static/")
# A value computed under a lock frees it after this long even if its process died; others
# wait this long for it before computing the value themselves.
LOCK_SECONDS, LOCK_WAIT_SECONDS = 30, 5
# The request headers a cached page may depend on, all part of its key. A response that varies
# on any other header is not cached (signed-in requests, with Authorization, never are).
KEY_HEADERS = {
    "accept": "HTTP_ACCEPT",
    "accept-language": "HTTP_ACCEPT_LANGUAGE",
    "cookie": "HTTP_COOKIE",
}


class LocalCache:
    """The most recently used cache entries of this process, up to ``max_bytes`` in all.

    Values are shared by every request of the process, unpickled: callers never change them.
    """

    def __init__(self, max_bytes: int):
        self.entries = cachetools.LRUCache(max_bytes, getsizeof=self.size)
        self.lock = threading.Lock()

    @staticmethod
    def size(value) -> int:
        if isinstance(value, str | bytes):
            return len(value)
        if isinstance(value, tuple) and value and isinstance(value[-1], bytes):
            return len(value[-1])  # a page: its body
        # Figures, counts, rows, a map: what the value weighs in Redis. Only stored values
        # are weighed, once each.
        return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def get(self, key: str, default=None):
        with self.lock:
            return self.entries.get(key, default)

    def set(self, key: str, value) -> None:
        if self.size(value) <= self.entries.maxsize:
            with self.lock:
                self.entries[key] = value


# Half for remembered values and fragments, half for pages: pages come one per address, and a
# crawl of many addresses must not push out the values every page is made of.
local = LocalCache(settings.LOCAL_CACHE_BYTES // 2)
local_pages = LocalCache(settings.LOCAL_CACHE_BYTES // 2)
_MISSING = object()


# The generation read by the page cache for the anonymous read it is serving, so that the
# values and fragments that read computes are keyed without asking the cache again.
_request_generation = contextvars.ContextVar("request_generation", default=None)


def generation() -> int:
    """The current generation. It starts from the clock, so that after the cache is emptied
    no number comes back that a process still holds entries for."""
    return _request_generation.get() or cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None)


def pages_invalidate() -> None:
    """Make every cached page out of date."""
    _request_generation.set(None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted: any new number will do
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def digest(value) -> str:
    """A short, stable key part for ``value`` (strings, numbers and their lists and tuples)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()


def sent_parameters(query, names) -> list[tuple[str, list[str]]]:
    """The parameters of ``query`` (a QueryDict) among ``names``, as sent, in a stable order:
    what a list's remembered values are keyed on, whatever else the address holds."""
    return sorted((name, query.getlist(name)) for name in set(names) if name in query)


def until_content_changes(name: str, compute):
    """``compute()``, computed once until the next content change (with the page cache on).

    For values every page view would otherwise recompute over the whole data set, such as the
    Pact's headline figures. The generation in the key retires them on any change; the
    language in it keeps translated values (country names, ecosystem names) to their language.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    key = f"memo.{generation()}.{get_language()}.{name}"
    value = local.get(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = computed_once(key, compute)
        local.set(key, value)
    return value


def computed_once(key: str, compute):
    """``compute()``, stored under ``key``, by one process at a time.

    Right after a change every worker misses the same values at once; with a lock per key
    (Redis's, when the cache is Redis) one computes each while the others wait and take its
    result, rather than all of them computing it together. A wait that runs out, or a cache
    that does not answer, falls back to computing here.
    """
    lock = getattr(cache, "lock", None)
    held = None
    if lock is not None:
        try:
            held = lock(f"lock.{key}", timeout=LOCK_SECONDS, sleep=0.01)
            if not held.acquire(blocking_timeout=LOCK_WAIT_SECONDS):
                held = None
        except RedisError:
            held = None
    try:
        if held is not None and (value := cache.get(key, _MISSING)) is not _MISSING:
            return value  # computed by the process we waited for
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
        return value
    finally:
        if held is not None:
            # Held past its timeout, the lock is no longer ours to free.
            with contextlib.suppress(RedisError):
                held.release()


def each_until_content_changes(name: str, pks: list, draw) -> list:
    """The value remembered for each of ``pks`` under ``name``, until content changes.

    One round trip fetches every value this process does not hold; ``draw(missing)`` makes the
    others, as ``{pk: value}``, and they are stored in one more. A record ``draw`` cannot find
    (deleted since its id was read) is left out. The caller checks that the page cache is on
    (``PAGE_CACHE_SECONDS``).
    """
    prefix = f"each.{generation()}.{get_language()}.{name}"
    keys = {pk: f"{prefix}.{pk}" for pk in pks}
    found = {key: value for key in keys.values() if (value := local.get(key)) is not None}
    if fetch := [key for key in keys.values() if key not in found]:
        for key, value in cache.get_many(fetch).items():
            found[key] = value
            local.set(key, value)
    if missing := [pk for pk in pks if keys[pk] not in found]:
        drawn = {keys[pk]: value for pk, value in draw(missing).items()}
        for key, value in drawn.items():
            local.set(key, value)
        found.update(drawn)
        cache.set_many(drawn, settings.PAGE_CACHE_SECONDS)
    return [found[keys[pk]] for pk in pks if keys[pk] in found]


def ids_until_content_changes(queryset) -> list:
    """The primary keys ``queryset`` selects, in its order, once per content change.

    Keyed on the query itself (its SQL and parameters), so two lists share an entry exactly
    when they ask the same question; a page of a filtered list then costs no query until
    content changes.
    """
    ids = queryset.values_list("pk", flat=True)
    if not settings.PAGE_CACHE_SECONDS:
        return list(ids)
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can pass, such as an empty list of ids
        return []
    return until_content_changes(
        f"ids.{queryset.model._meta.label_lower}.{digest((sql, params))}", lambda: list(ids)
    )


def record_html_until_content_changes(name: str, pk, draw) -> str:
    """``draw()``, the HTML of one record's page body, remembered under ``name`` and the
    record's ``pk`` until content changes (with the page cache on).

    For a record page whose body is the same for every reader of a language: the view finds
    the record, and only a body not remembered loads everything it shows.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return mark_safe(draw())
    [html] = each_until_content_changes(name, [pk], lambda missing: {pk: draw()})
    # Rendered, and so escaped, by our own template.
    return mark_safe(html)


class RecordIds(list):
    """The ids of the ``model`` records a page lists, in order, and how to load those whose
    fragment is missing (``load(ids)``, as ``in_bulk()`` returns them; by default through the
    model's ``for_list()``): all a list of remembered fragments needs of its records. The
    loading queryset is built only if a fragment is missing."""

    def __init__(self, model, ids, load=None):
        super().__init__(ids)
        self.model = model
        self.load = load or (lambda missing: model.objects.for_list().in_bulk(missing))


def rendered_until_content_changes(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items`` (as ``name``, with ``extra``), each
    remembered until the next content change (with the page cache on).

    For the records a page lists: a partnership or a document looks the same wherever it is
    listed, so its fragment is drawn once and then fetched, with all the others a page shows,
    in one round trip. Given a queryset, only the ids of its records are read, and records
    whose fragment is missing are then loaded with everything their fragment shows, through
    their model's ``for_list()``; given ``RecordIds``, no query is needed for the ids, and
    missing records come from its ``load``. The fragment sees nothing but its record, so it
    cannot depend on who asks; the generation and the language in its key retire or separate
    it as for ``until_content_changes``.
    """
    template = get_template(template_name)
    if not settings.PAGE_CACHE_SECONDS:
        return [template.render({name: item, **extra}) for item in items]
    if isinstance(items, QuerySet):
        items = RecordIds(items.model, ids_until_content_changes(items))
    if isinstance(items, RecordIds):
        model, load, records, pks = items.model, items.load, {}, list(items)
    else:  # the records themselves: nothing to load
        records = {item.pk: item for item in items}
        model, load, pks = (type(items[0]) if records else None), None, list(records)
    if not pks:
        return []

    def draw(missing):
        if unloaded := [pk for pk in missing if pk not in records]:
            records.update(load(unloaded))
        return {
            pk: str(template.render({name: records[pk], **extra}))
            for pk in missing
            if pk in records
        }

    variant = digest(sorted(extra.items()))[:16]
    fragments = each_until_content_changes(
        f"{template_name}.{variant}.{model._meta.label_lower}", pks, draw
    )
    # Each fragment was rendered, and so escaped, by our own template.
    return [mark_safe(html) for html in fragments]


def _content_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        # Now, for this process; and again once the change is committed, so that a request
        # served meanwhile from the old data cannot leave a stale page behind.
        pages_invalidate()
        transaction.on_commit(pages_invalidate)


def connect_invalidation() -> None:
    """Invalidate on every save, delete and link change of a content model."""
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

    Goes right after the security, static-file and conditional-GET middleware, so that a hit
    costs no policy headers (kept with the page), no session, no authentication and no view,
    and one round trip to the cache at most (the generation, with the page if this process
    does not hold it). A request is anonymous when it carries neither a session cookie nor an
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
        if (page := local_pages.get(key)) is not None:
            current = generation()
        else:
            found = cache.get_many([GENERATION_KEY, key])
            current = found.get(GENERATION_KEY) or generation()
            if (page := found.get(key)) is not None:
                local_pages.set(key, page)
        if page is not None and page[0] == current:
            _made_in, status, headers, content = page
            cached = HttpResponse(content, status=status, headers=headers)
            cached["X-Cache"] = "hit"
            return cached
        token = _request_generation.set(current)
        try:
            response = self.get_response(request)
        finally:
            _request_generation.reset(token)
        if self.cacheable_response(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
            # Stored with its ETag, so a hit is never hashed again and a client that has the
            # same bytes gets a 304 from the conditional-GET middleware around this one.
            set_response_etag(response)
            stored = (current, response.status_code, dict(response.items()), response.content)
            cache.set(key, stored, self.seconds)
            local_pages.set(key, stored)
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
