"""The portal's benchmark: gunicorn with production settings, driven by wrk on loopback.

Run with ``scripts/bench`` (``python -m tests.perf.bench``; ``--help`` for the options); not
part of the test suite. For each database size it prepares a PostgreSQL database with the real
data (and the scale data), asks Django in-process for the URLs to measure, their SQL queries
on a miss, the query plans of the main filters and, for each URL, addresses of the same view
nobody has asked for; then it starts gunicorn the way production does
(``deploy/gunicorn.conf.py``, ``DEBUG`` off, Redis cache, WhiteNoise with the manifest) and
measures every URL:

- true misses: addresses of the same view with filter values nobody asked for since the last
  change (real values, each combination once), or a record's first view; each requested once,
  ``--concurrency`` at a time (what was remembered since the last change stays remembered);
- identical clients: wrk asking for the URL again and again with the same headers;
- returning visitors: wrk asking for the URL as returning visitors do, each request with its
  own analytics cookie, often the language switcher's cookie, one of five browsers'
  Accept-Language, and the query parameters in another order (``wrk.lua``);
- static ceiling: a static file with the very bytes of that response, served by the same
  gunicorn; these three in turns (a third of each turn each, twice);
- cold: the first request after a content change (a real write), ``--cold`` times.

Then it brings up the production topology (``deploy/local-up``: nginx in front of the same
gunicorn) and measures, in turns, each page through nginx's microcache for identical clients
and for returning visitors, and nginx serving the very bytes of that page as a static file;
then the smallest Django response (``/healthz``, never cached) through nginx and gunicorn.

It writes the table between the markers in ``docs/performance.md`` and checks the targets.

The modules, by concept: ``targets`` (the URLs measured and the targets checked), ``probe``
and ``addresses`` (the in-process part, run inside Django), ``servers`` (databases, gunicorn,
the content writer), ``load`` (wrk and the Python client), ``measure`` (the runs on gunicorn
and through nginx), ``report`` (the table), ``profile`` (``scripts/bench profile``: where true
misses spend their time, in-process, one at a time), ``__main__`` (the command line).
"""

from .report import REPORT, machine
from .servers import Gunicorn, collect_and_probe, empty_cache, prepare_database, production_env

__all__ = [
    "REPORT",
    "Gunicorn",
    "collect_and_probe",
    "empty_cache",
    "machine",
    "prepare_database",
    "production_env",
]
