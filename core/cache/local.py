"""What each process keeps of the cache in its own memory.

A cache entry carries the generation it was made in and never changes, so a process may keep
the entries it used last: a hit there costs no round trip to Redis and no unpickling.
"""

import pickle
import threading

import cachetools
from django.conf import settings


class LocalCache:
    """The most recently used cache entries of this process, up to ``max_bytes`` in all.

    Values are shared by every request of the process, unpickled: callers never change them.
    """

    def __init__(self, max_bytes: int):
        # Entries are (size, value): a value is weighed once, when it is stored.
        self.entries = cachetools.LRUCache(max_bytes, getsizeof=lambda entry: entry[0])
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
            entry = self.entries.get(key)
        return default if entry is None else entry[1]

    def set(self, key: str, value) -> None:
        size = self.size(value)
        if size <= self.entries.maxsize:
            with self.lock:
                self.entries[key] = (size, value)


# Half for remembered values and fragments, half for pages: pages come one per address, and a
# crawl of many addresses must not push out the values every page is made of.
local = LocalCache(settings.LOCAL_CACHE_BYTES // 2)
local_pages = LocalCache(settings.LOCAL_CACHE_BYTES // 2)
