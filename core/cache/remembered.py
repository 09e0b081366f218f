"""Values remembered until content changes: figures, counts, rankings, fragments."""

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from redis.exceptions import RedisError

from .generations import generation
from .local import local

# A value computed under a lock frees it after this long even if its process died; others
# wait this long for it before computing the value themselves.
LOCK_SECONDS, LOCK_WAIT_SECONDS = 30, 5
_MISSING = object()


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
