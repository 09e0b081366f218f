"""Remembered aggregates: values every page view would otherwise compute over the whole data
set (figures, facet counts, search rankings), computed once per content change.

Called from selector modules only (``*/selectors.py``): they know what a value depends on and
name it so; views, models and FilterSets ask the selectors.
"""

import contextlib
import hashlib

from django.core.cache import cache
from django.utils.translation import get_language
from redis.exceptions import RedisError

from .generations import cache_seconds, generation
from .local import local

# A value computed under a lock frees it after this long even if its process died; others
# wait this long for it before computing the value themselves.
LOCK_SECONDS, LOCK_WAIT_SECONDS = 30, 5
_MISSING = object()


def digest(value) -> str:
    """A short, stable key part for ``value`` (strings, numbers and their lists and tuples)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()


def remembered(name: str, compute, *, translated: bool = True):
    """``compute()``, computed once until the next content change (with the cache on).

    The generation in the key retires the value on any change; the language in it keeps
    translated values (country names, ecosystem names) to their language. A value with no
    text in it (``translated=False``: counts, ids) is shared by every language, so a page's
    first view in French finds what its English one counted.
    """
    if not cache_seconds():
        return compute()
    language = get_language() if translated else "-"
    key = f"memo.{generation()}.{language}.{name}"
    value = local.get(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = computed_once(key, compute)
        local.set(key, value)
    return value


def remembered_together(names: dict, compute, *, translated: bool = True) -> dict:
    """``remembered()`` for several values that one query computes together: ``names`` maps
    each value's own key to its name, and ``compute(keys)`` returns the values of ``keys``, a
    dict. Those not remembered cost one round trip to the shared cache together, and those
    not there one ``compute()`` together, by one process at a time for the same values.
    """
    if not cache_seconds():
        return compute(list(names))
    language = get_language() if translated else "-"
    keys = {own: f"memo.{generation()}.{language}.{name}" for own, name in names.items()}
    values = {own: local.get(key, _MISSING) for own, key in keys.items()}
    missing = [own for own, value in values.items() if value is _MISSING]
    if missing:
        values |= shared_values(keys, missing)
        computing = [own for own in missing if values[own] is _MISSING]
        if computing:
            with one_at_a_time("+".join(sorted(keys[own] for own in computing))) as waited:
                # What the process waited for computed, if it did.
                found = shared_values(keys, computing) if waited else {}
                todo = [own for own in computing if found.get(own, _MISSING) is _MISSING]
                computed = compute(todo) if todo else {}
                cache.set_many({keys[own]: computed[own] for own in todo}, cache_seconds())
                values |= found | computed
        for own in missing:
            local.set(keys[own], values[own])
    return values


def shared_values(keys: dict, owns: list) -> dict:
    """The values of ``owns`` in the shared cache, ``_MISSING`` for those not there."""
    shared = cache.get_many([keys[own] for own in owns])
    return {own: shared.get(keys[own], _MISSING) for own in owns}


def computed_once(key: str, compute):
    """``compute()``, stored under ``key``, by one process at a time.

    Right after a change every worker misses the same values at once; with a lock per key
    (Redis's, when the cache is Redis) one computes each while the others wait and take its
    result, rather than all of them computing it together. A wait that runs out, or a cache
    that does not answer, falls back to computing here.
    """
    with one_at_a_time(key) as waited:
        if waited and (value := cache.get(key, _MISSING)) is not _MISSING:
            return value  # computed by the process we waited for
        value = compute()
        cache.set(key, value, cache_seconds())
        return value


@contextlib.contextmanager
def one_at_a_time(name: str):
    """Redis's lock for ``name`` (when the cache is Redis) held around the block, which is
    told whether it was: then another process may have done its work meanwhile. A wait that
    runs out, or a cache that does not answer, runs the block without it."""
    lock = getattr(cache, "lock", None)
    held = None
    if lock is not None:
        try:
            held = lock(f"lock.{digest(name)}", timeout=LOCK_SECONDS, sleep=0.01)
            if not held.acquire(blocking_timeout=LOCK_WAIT_SECONDS):
                held = None
        except RedisError:
            held = None
    try:
        yield held is not None
    finally:
        if held is not None:
            # Held past its timeout, the lock is no longer ours to free.
            with contextlib.suppress(RedisError):
                held.release()
