"""The content generation: one number that every change to content moves on.

Cached pages, fragments and remembered values carry the generation they were made in, and are
used only while it is current, so one change retires them all at once, on every process and
server, without deleting keys one by one.

The number lives in two places. Redis holds the copy every request reads (one round trip,
shared with the page it fetches). On PostgreSQL a sequence holds the truth: a change takes its
next value in the same moment it tells Redis. A sequence never goes back, not even when the
transaction rolls back, and nothing but the database can lose it. Each process compares the two
at most every ``CONTENT_GENERATION_CHECK_SECONDS``: when Redis is behind (a write to it failed
while it was paused or unreachable, or it came back from an old snapshot) the process serves
the database's number, so nothing cached before it is served, and puts it back into Redis. A
lost write to Redis therefore makes pages stale for at most that long, never for the cache's
whole lifetime: the cache fails closed.

Reading Redis for every request cost more than serving the cached page itself. So with Redis,
each process subscribes to a channel on which every change announces its number, and keeps the
newest it read there (``Watch``): a page this process holds is then served with no round trip
at all. While the subscription is down, each request asks Redis as before; and a message that
never arrives is caught by the same comparison with the database, within the same few seconds.

Without PostgreSQL (the SQLite quick start, one process) Redis or local memory alone holds it.
"""

import contextlib
import contextvars
import logging
import os
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
SEQUENCE = "core_content_generation"
CONTENT_APPS = {"pactportal", "ecosystems", "partnerships", "alliances", "figures"}
# Sets the stored generation only forwards: two changes finishing out of order must not leave
# the older number in place. An empty key is set whatever the number, 0 included (else the
# script would answer nil). A raise is announced on the channel the processes listen to.
RAISE_TO = """
local current = redis.call('GET', KEYS[1])
if not current or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
end
return redis.call('GET', KEYS[1])
"""
# How long the watch waits before subscribing again after losing Redis, and for Redis to
# confirm a subscription.
RESUBSCRIBE_SECONDS, SUBSCRIBE_SECONDS = 1.0, 0.5

# The generation read for the request being served, so that everything it draws is keyed
# alike without asking again.
_request_generation = contextvars.ContextVar("request_generation", default=None)


def cache_seconds() -> int:
    """How long pages, remembered values and drawn records are kept; 0 when caching is off.

    The one place that reads ``PAGE_CACHE_SECONDS``.
    """
    return settings.PAGE_CACHE_SECONDS


class DatabaseGeneration:
    """The database's own generation, read at most every few seconds by each process."""

    def __init__(self):
        self.value, self.read_at = None, float("-inf")
        self.lock = threading.Lock()

    def get(self) -> int | None:
        if connections["default"].vendor != "postgresql":
            return None
        if time.monotonic() - self.read_at < settings.CONTENT_GENERATION_CHECK_SECONDS:
            return self.value
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
                value = cursor.fetchone()[0]
        except DatabaseError:
            # No database, no change to content either: what was last read still holds.
            logger.warning("Could not read the content generation", exc_info=True)
            return self.value
        self.seen(value)
        return value

    def seen(self, value: int) -> None:
        with self.lock:
            self.value = max(value, self.value or 0)
            self.read_at = time.monotonic()

    def next(self) -> int | None:
        """A new, higher number from the database, or None without PostgreSQL."""
        connection = connections["default"]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            value = cursor.fetchone()[0]
        self.seen(value)
        return value


database = DatabaseGeneration()


def redis_client():
    """The cache's Redis client, or None when the cache is not Redis."""
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        return client.get_client(write=True)
    return None


def channel(client) -> str:
    # Channels are shared by every database of a Redis server: the database is named too.
    database_index = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{database_index}:{cache.make_and_validate_key(GENERATION_KEY)}"


class Watch:
    """The stored generation as this process last heard it on the channel every raise is
    announced on.

    Read by the request itself, not by a thread of its own: a raise is in this process's
    socket before the writer's ``raise_stored()`` returns (it waits for Redis to have written
    it to every subscriber), so a request that reads the socket first can never take the
    number from before it, which a listening thread that has not yet run could. Reading what
    arrived costs a look at the socket, without a round trip.
    """

    def __init__(self):
        self.value, self.pubsub, self.pid = None, None, None
        self.retry_at = 0.0
        # Requests of one process may run in threads (runserver, a threaded worker).
        self.lock = threading.Lock()

    def known(self) -> int | None:
        """The newest generation announced, or None while not listening: then ask Redis."""
        with self.lock:
            if self.pid != os.getpid():
                # A new worker: the socket it inherited, if any, is its parent's.
                self.pid, self.value, self.pubsub = os.getpid(), None, None
            try:
                if self.pubsub is None and not self.subscribe():
                    return None
                while (message := self.pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "message":
                        self.value = max(self.value, int(message["data"]))
            except (RedisError, OSError, ValueError):
                logger.warning("Lost the content generation's channel", exc_info=True)
                self.close()
            return self.value

    def subscribe(self) -> bool:
        """Listen, then read what Redis holds (0 for nothing yet), in that order so that no
        raise falls between the two. Lower than before too (a restart from a snapshot): the
        comparison with the database puts it right."""
        client = redis_client()
        # Only where every change goes through the database's counter and so is announced.
        if client is None or connections["default"].vendor != "postgresql":
            return False
        if time.monotonic() < self.retry_at:
            return False
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(channel(client))
            if (pubsub.get_message(timeout=SUBSCRIBE_SECONDS) or {}).get("type") != "subscribe":
                raise RedisError("no answer to the subscription")
            self.value = int(client.get(cache.make_and_validate_key(GENERATION_KEY)) or 0)
        except BaseException:
            pubsub.close()
            raise
        self.pubsub = pubsub
        return True

    def heard(self, value: int) -> None:
        """A raise this process made: kept if listening."""
        with self.lock:
            if self.pubsub is not None and self.pid == os.getpid():
                self.value = max(value, self.value)

    def close(self) -> None:
        """Stop listening; requests ask Redis, and the next after a pause listens again."""
        if self.pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                self.pubsub.close()
        self.pubsub, self.value = None, None
        self.retry_at = time.monotonic() + RESUBSCRIBE_SECONDS

    def stop(self) -> None:
        with self.lock:
            self.close()
            self.retry_at = 0.0


watch = Watch()


def _cache_changed(setting, **kwargs):
    # Tests point the cache at another Redis: listen there instead.
    if setting == "CACHES":
        watch.stop()


setting_changed.connect(_cache_changed)


def generation(stored: int | None = None) -> int:
    """The current generation: the request's own if it has read one, else the newer of the
    cache's copy (``stored``, if the caller fetched it already; else as the channel announced
    it, or asked of Redis while not listening) and the database's."""
    if (current := _request_generation.get()) is not None:
        return current
    _moved.since_read = False
    if stored is None:
        stored = watch.known()
    if stored is None:
        stored = cache.get(GENERATION_KEY)
    truth = database.get()
    if stored is None or (truth is not None and truth > stored):
        # Empty (a new or restarted Redis) or behind (a lost write, an old snapshot): the
        # database's number, or a clock reading that no earlier number can equal.
        fresh = truth if truth is not None else time.time_ns()
        if stored is not None:
            logger.warning(
                "The cached content generation %s is behind the database's %s; pages cached "
                "before are bypassed",
                stored,
                truth,
            )
        return raise_stored(fresh)
    return stored


def raise_stored(value: int) -> int:
    """Store ``value`` as the generation unless a higher one is there; the one in force."""
    try:
        if (client := redis_client()) is not None:
            key = cache.make_and_validate_key(GENERATION_KEY)
            stored = max(int(client.eval(RAISE_TO, 1, key, value, channel(client))), value)
            # Redis writes a command's reply before the messages it published (the last
            # client with output goes first), so a reader sent here at once could look at
            # its socket before the raise is in it and be served a page from before the
            # change: 3 raises in 10,000 on a busy machine, and every time for the first of
            # fifty listeners. Redis reads the next command only once the writes of the last
            # are all made: after its answer, every listener's socket has the raise.
            client.ping()
            watch.heard(stored)
            return stored
        cache.set(GENERATION_KEY, max(value, cache.get(GENERATION_KEY) or 0), timeout=None)
    except (RedisError, ValueError):
        logger.warning("Could not store the content generation", exc_info=True)
    return value


def content_changed() -> None:
    """Make every cached page, fragment and remembered value out of date."""
    _request_generation.set(None)
    new = database.next()
    if new is None:  # no database counter: the cache's copy is the only one
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet, or evicted: any new number will do
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
        return
    raise_stored(new)


# Whether this thread has moved the generation on since it last read it: a change of a
# thousand rows (an import) moves it once, not once a row.
_moved = threading.local()


def _content_saved(sender, **kwargs):
    if sender._meta.app_label not in CONTENT_APPS:
        return
    # Now, for this process, unless nothing was read since the last move; and again once the
    # change is committed (once per transaction), so that a page made meanwhile from the data
    # as it was cannot outlive the change.
    if not getattr(_moved, "since_read", False):
        content_changed()
        _moved.since_read = True
    connection = transaction.get_connection()
    if not any(
        callback is content_changed for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(content_changed)


def connect_invalidation() -> None:
    """Move the generation on with every save, delete and link change of a content model."""
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            dispatch = f"pages-{model._meta.label}"
            post_save.connect(_content_saved, sender=model, dispatch_uid=f"{dispatch}-save")
            post_delete.connect(_content_saved, sender=model, dispatch_uid=f"{dispatch}-delete")
    m2m_changed.connect(_content_saved, dispatch_uid="pages-m2m")
