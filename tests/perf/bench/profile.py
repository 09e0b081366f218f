"""Where a true miss spends its time, in-process: ``scripts/bench profile``.

The benchmark measures misses as readers meet them, eight at a time on gunicorn; this asks
the same view in this process, one request at a time, and splits each miss:

- the whole request, through every middleware, and its SQL (Django's execute wrapper times
  each query as the driver runs it: the database's work and the round trip);
- the floor: the same address again, once everything it remembers is remembered and every
  record it draws is drawn, past the page cache (a session cookie that names no session
  makes the request one the page cache never answers). What a miss costs above the floor is
  what remembered aggregates and drawn records can still save; the floor itself only the page
  cache saves.

Each URL's own first request after a content change comes first, as in the benchmark, then
``--misses`` of its true misses (``addresses.miss_addresses()``) in order. It runs on the
benchmark's database and Redis, with the benchmark's production settings, and prints a table.
"""

import os
import statistics
import time

from .addresses import miss_addresses
from .load import percentile
from .probe import benchmarked_urls


def profile(names: set[str] | None, misses: int) -> str:
    """The table of ``names`` (every benchmarked URL if None), ``misses`` true misses each."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from core.cache.generations import content_changed

    urls = benchmarked_urls()
    addresses = miss_addresses(urls, misses)
    client, past_the_cache = Client(), Client()
    past_the_cache.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    # As a worker that has been running: templates compiled, connections open.
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    content_changed()

    sql = []

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql[-1] += time.perf_counter() - started

    def request(on, address) -> tuple[float, float]:
        """The milliseconds of one request, and of its SQL."""
        sql.append(0.0)
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = on.get(address)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (address, response.status_code)
        # Only the miss's own figures count: a page the cache kept would be no miss.
        assert response.get("X-Cache") != "hit", f"{address} was no miss"
        return elapsed * 1000, sql[-1] * 1000

    rows = [
        "| URL | True misses | p50 | p90 | SQL p50 | Floor p50 | Floor ÷ miss p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, url in urls.items():
        if names is not None and name not in names:
            continue
        request(client, url)
        measured = [request(client, address) for address in addresses[name][:misses]]
        floors = [request(past_the_cache, address)[0] for address in addresses[name][:misses]]
        if not measured:  # the home page reads no parameter: its first view is its only miss
            continue
        whole = [elapsed for elapsed, _sql in measured]
        p50, floor = statistics.median(whole), statistics.median(floors)
        rows.append(
            f"| {name} | {len(whole)} | {p50:.1f} | {percentile(whole, 0.90):.1f} "
            f"| {statistics.median(s for _elapsed, s in measured):.1f} | {floor:.1f} "
            f"| {floor / p50:.2f} |"
        )
    return "\n".join(rows)
