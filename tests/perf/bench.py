"""The portal's benchmark: gunicorn with production settings, driven by wrk on loopback.

Run with ``scripts/bench`` (``--help`` for the options); not part of the test suite. For each
database size it prepares a PostgreSQL database with the real data (and the scale data), asks
Django in-process for the URLs to measure, their SQL queries per request, the query plans of
the main filters and, for each URL, addresses of the same view nobody has asked for; then it
starts gunicorn the way production does (``deploy/gunicorn.conf.py``, ``DEBUG`` off, Redis
cache, WhiteNoise with the manifest) and measures every URL:

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
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import itertools
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import redis

from tests.topology import LocalTopology

BASE_DIR = Path(__file__).resolve().parents[2]
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
REPORT = BASE_DIR / "docs" / "performance.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"

# The URLs measured, by the names the report and --only use.
URL_NAMES = (
    "home",
    "ecosystem",
    "partnership-list",
    "partnership-detail",
    "document-list",
    "search",
    "api-partnership-list",
    "api-partnership-detail",
    "api-organisation-list",
)
# Paginated lists, compared between the two data sizes.
PAGINATED = ("partnership-list", "document-list", "api-partnership-list")
P95_LIMIT_MS = {"search": 100.0}
DEFAULT_P95_LIMIT_MS = 50.0
COLD_P95_LIMIT_MS = 150.0
# Returning visitors against identical clients, on gunicorn and through nginx.
RETURNING_MIN_RATIO = 0.8
# Through nginx, returning visitors against nginx sending the same bytes from disk.
RETURNING_NGINX_STATIC_MIN_RATIO = 0.5
# Identical clients (cached pages) against the static file of the same bytes.
CACHED_STATIC_MIN_RATIO = 0.5
MAX_QUERIES = 12
MAX_WORKER_MB = 200
WARM_UP_SECONDS = 2
# The runs measured in turns alternate this many times.
PAIRED_TURNS = 2
# What a reader's browser sends with every request of the Python client (true misses, cold):
# the first of wrk.lua's languages, as its identical clients send it.
READER_HEADERS = {"Accept-Language": "en-GB,en;q=0.9"}


# --- In-process part: run inside Django by `bench.py probe` ----------------------------------


def probe(static_dir: Path, misses: int) -> dict:
    """URLs to measure, their queries per uncached request, their bodies, query plans, and up
    to ``misses`` addresses for each URL that nobody has asked for (``miss_addresses()``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ecosystems.models import Ecosystem
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, Organisation, Partnership

    published = Partnership.objects.published()
    ecosystem = max(
        Ecosystem.objects.order_by("-slug"),
        key=lambda e: published.in_ecosystem(e).count(),
    )
    # The published partnership whose published member count is nearest to 100.
    candidates = published.annotate(
        n=Count("memberships", filter=Q(memberships__organisation__status="published"))
    ).values_list("slug", "n")
    detail_slug = min(candidates, key=lambda row: (abs(row[1] - 100), row[0]))[0]

    urls = {
        "home": reverse("ecosystems:home"),
        "ecosystem": reverse("ecosystems:detail", args=[ecosystem.slug]),
        "partnership-list": reverse("partnerships:list") + "?kind=regional&country=IT",
        "partnership-detail": reverse("partnerships:detail", args=[detail_slug]),
        "document-list": reverse("partnerships:document_list"),
        "search": reverse("partnerships:search") + "?q=skills",
        "api-partnership-list": reverse("api:partnership-list"),
        "api-partnership-detail": reverse("api:partnership-detail", args=[detail_slug]),
        "api-organisation-list": reverse("api:organisation-list") + "?country=DE&type=sme",
    }
    assert tuple(urls) == URL_NAMES

    client = Client()
    result = {"urls": urls, "queries": {}, "bytes": {}, "statics": {}}
    static_dir.mkdir(parents=True, exist_ok=True)
    for name, url in urls.items():
        warm = client.get(url)  # fills the remembered figures, as a running portal has them
        assert warm.status_code == 200, (url, warm.status_code)
        separator = "&" if "?" in url else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}{separator}_bench=probe")
        assert response.status_code == 200, (url, response.status_code)
        result["queries"][name] = len(queries)
        body = warm.content
        result["bytes"][name] = len(body)
        suffix = "json" if url.startswith("/api/") else "html"
        (static_dir / f"{name}.{suffix}").write_bytes(body)
        result["statics"][name] = f"bench/{name}.{suffix}"

    plans = {
        "partnerships: kind=regional, country=IT": PartnershipFilter(
            {"kind": "regional", "country": "IT"}, queryset=published
        ).qs,
        "partnerships: ecosystem=digital": PartnershipFilter(
            {"ecosystem": "digital"}, queryset=published
        ).qs,
        # Every partnership matches "skills": reading the table is the better plan. A word
        # of one real partnership's name shows the full-text index at work.
        "partnerships: q=skills": PartnershipFilter({"q": "skills"}, queryset=published).qs,
        "partnerships: q=hydrogen": PartnershipFilter({"q": "hydrogen"}, queryset=published).qs,
        "organisations: country=DE, type=sme": OrganisationFilter(
            {"country": "DE", "type": "sme"}, queryset=Organisation.objects.published()
        ).qs,
        "organisations: q=institute": OrganisationFilter(
            {"q": "institute"}, queryset=Organisation.objects.published()
        ).qs,
        "documents: language=fr": DocumentFilter(
            {"language": "fr"}, queryset=Document.objects.published()
        ).qs,
    }
    result["plans"] = {}
    for label, queryset in plans.items():
        plan = queryset.explain()
        result["plans"][label] = {
            "uses_index": "Index" in plan or "Bitmap" in plan,
            "seq_scans": sorted(
                {
                    line.split(" on ")[1].split()[0]
                    for line in plan.splitlines()
                    if "Seq Scan" in line
                }
            ),
        }
    result["misses"] = miss_addresses(urls, misses) if misses else {}
    return result


def miss_addresses(urls: dict[str, str], limit: int) -> dict[str, list[str]]:
    """For each benchmarked URL, up to ``limit`` addresses of the same view that nobody has
    asked for, in a random but repeatable order.

    Lists get combinations of real filter values, each once and each with at least one
    result, as a reader's choices in the facets give them; search gets words of the data;
    record pages get the other records' first views (an ecosystem's, in each language). The
    page and the API share what they remember of a list or a record, so they get different
    combinations and records. The home page reads no parameter: after the last change, every
    reader asks for the same three addresses, and its only miss is the first request after a
    change (measured as "cold").
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from ecosystems.models import Ecosystem
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, DocumentFile, Organisation, Partnership

    rng = random.Random(f"pactportal-bench-{limit}")
    benchmarked = {urllib.parse.urlsplit(url).path: url for url in urls.values()}

    def taken(path: str, params: dict) -> bool:
        """Whether a benchmarked URL is this address (so it is no miss)."""
        url = benchmarked.get(path)
        return url is not None and urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) == {
            name: [value] for name, value in params.items()
        }

    def combinations(path, filterset, queryset, choices: dict, count: int) -> list[str]:
        """``count`` addresses of ``path`` with random combinations of ``choices`` that the
        filter accepts and that find something."""
        found, seen = [], set()
        for _attempt in range(count * 10):
            # One to three filters, as a reader narrows a list down.
            chosen = set(rng.sample(sorted(choices), rng.randint(1, min(3, len(choices)))))
            params = {
                name: rng.choice(values) for name, values in choices.items() if name in chosen
            }
            key = tuple(sorted(params.items()))
            if key in seen or taken(path, params):
                continue
            seen.add(key)
            filtered = filterset(params, queryset=queryset)
            if filtered.is_valid() and filtered.qs.exists():
                found.append(f"{path}?{urllib.parse.urlencode(params)}")
                if len(found) == count:
                    break
        return found

    def years(queryset, field: str) -> list[str]:
        dates = queryset.exclude(**{field: None}).dates(field, "year")
        return [str(date.year) for date in dates]

    ecosystems = list(Ecosystem.objects.order_by("slug").values_list("slug", flat=True))
    published = Partnership.objects.published()
    organisations = Organisation.objects.published()
    documents = Document.objects.published()
    countries = sorted(set(organisations.values_list("country", flat=True)) - {None})
    partnership_choices = {
        "kind": Partnership.Kind.values,
        "country": countries,
        "ecosystem": ecosystems,
        "scope": Partnership.Scope.values,
        "year": years(published, "launched_on"),
    }
    shared = combinations(
        urlsplit_path(urls["partnership-list"]),
        PartnershipFilter,
        published,
        partnership_choices,
        2 * limit,
    )
    api_list = reverse("api:partnership-list")
    slugs = sorted(published.values_list("slug", flat=True))
    rng.shuffle(slugs)
    detail_slug = urlsplit_path(urls["partnership-detail"]).rstrip("/").rsplit("/", 1)[-1]
    slugs = [slug for slug in slugs if slug != detail_slug][: 2 * limit]
    page_slugs, api_slugs = slugs[0::2][:limit], slugs[1::2][:limit]

    ecosystem_pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            ecosystem_pages += [reverse("ecosystems:detail", args=[slug]) for slug in ecosystems]
    rng.shuffle(ecosystem_pages)

    words = set()
    for text in itertools.chain(
        published.values_list("name", flat=True),
        organisations.values_list("name", flat=True)[:20000],
        documents.values_list("title", flat=True),
    ):
        words.update(word.lower() for word in re.findall(r"[^\W\d_]{5,}", text or ""))
    words = sorted(words - {"skills"})
    rng.shuffle(words)
    search = urlsplit_path(urls["search"])

    return {
        "home": [],
        "ecosystem": [page for page in ecosystem_pages if page != urls["ecosystem"]][:limit],
        "partnership-list": shared[0::2][:limit],
        "partnership-detail": [reverse("partnerships:detail", args=[s]) for s in page_slugs],
        "document-list": combinations(
            urlsplit_path(urls["document-list"]),
            DocumentFilter,
            documents,
            {
                "kind": Document.Kind.values,
                "language": sorted(set(DocumentFile.objects.values_list("language", flat=True))),
                "ecosystem": ecosystems,
                "year": years(documents, "issued_on"),
            },
            limit,
        ),
        "search": [f"{search}?{urllib.parse.urlencode({'q': word})}" for word in words[:limit]],
        "api-partnership-list": [
            api_list + address[address.index("?") :] for address in shared[1::2]
        ][:limit],
        "api-partnership-detail": [reverse("api:partnership-detail", args=[s]) for s in api_slugs],
        "api-organisation-list": combinations(
            urlsplit_path(urls["api-organisation-list"]),
            OrganisationFilter,
            organisations,
            {
                "country": countries,
                "type": sorted(set(organisations.values_list("type", flat=True))),
                "ordering": ["name", "-name"],
            },
            limit,
        ),
    }


def urlsplit_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


# --- The driver ------------------------------------------------------------------------------


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, cwd=BASE_DIR, **kwargs)
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr or ''}")
    return done


def manage(env: dict, *args: str) -> None:
    run([sys.executable, "manage.py", *args], env, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scale_rows(database_url: str) -> int | None:
    """How many generated partnerships the database holds, or None if it does not exist."""
    import psycopg

    try:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute(
                "SELECT count(*) FROM partnerships_partnership WHERE slug LIKE 'scale-%%'"
            ).fetchone()[0]
    except psycopg.OperationalError:
        return None
    except psycopg.errors.UndefinedTable:
        return 0


def prepare_database(server: str, factor: int, env: dict, prefix: str = "pactportal_bench") -> str:
    """A database with the real data and, above factor 1, the scale data; reused if complete."""
    import psycopg

    name = f"{prefix}_f{factor}"
    url = f"{server}/{name}"
    env = {**env, "DATABASE_URL": url}
    wanted = 0 if factor == 1 else factor * 30
    present = scale_rows(url)
    if present is None:
        with psycopg.connect(f"{server}/postgres".replace("postgres://", "postgresql://")) as c:
            c.autocommit = True
            c.execute(f'CREATE DATABASE "{name}"')
    print(f"==> database {name}: migrate, load the real data", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_pact_data")
    if present != wanted:
        if present:
            manage(env, "generate_scale_data", "--remove")
        if wanted:
            print(f"==> database {name}: generate scale data at factor {factor}", flush=True)
            manage(env, "generate_scale_data", "--factor", str(factor))
    return url


class Gunicorn:
    """gunicorn started from deploy/gunicorn.conf.py, as production starts it."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            env=self.env,
            cwd=BASE_DIR,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/robots.txt", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[str]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return children.read_text().split()

    def worker_peak_mb(self) -> float:
        """The largest peak resident memory (VmHWM) among the workers."""
        peaks = []
        for child in self.worker_pids():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)


def wrk(url: str, *, duration: int, concurrency: int, visitors: str = "identical") -> dict:
    """wrk's figures for ``url``, asked for by identical clients or returning visitors."""
    env = {**os.environ, "BENCH_VISITORS": visitors}
    threads = min(2, concurrency)
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "-s", str(WRK_SCRIPT)]
    output = subprocess.run(
        [*command, url], env=env, check=True, capture_output=True, text=True
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "rps": figures["requests"] / seconds,
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "errors": sum(figures["errors"].values()),
        "requests": figures["requests"],
        "seconds": seconds,
    }


def combined(runs: list[dict]) -> dict:
    """Several runs of one URL as one: requests per second over all of them, and the worst of
    their latency percentiles."""
    requests, seconds = sum(r["requests"] for r in runs), sum(r["seconds"] for r in runs)
    return {
        "rps": requests / seconds,
        **{p: max(r[p] for r in runs) for p in ("p50", "p95", "p99")},
        "errors": sum(r["errors"] for r in runs),
        "requests": requests,
        "seconds": seconds,
    }


def in_turns(targets: dict[str, tuple[str, str]], args) -> dict[str, dict]:
    """Each of ``targets`` (label: URL and visitors), measured in turns: a slow spell of the
    machine then falls on every figure of their ratios rather than on one. Each gets
    ``--duration`` seconds in all."""
    turn = max(1, args.duration // PAIRED_TURNS)
    runs = {label: [] for label in targets}
    for _ in range(PAIRED_TURNS):
        for label, (url, visitors) in targets.items():
            runs[label].append(
                wrk(url, duration=turn, concurrency=args.concurrency, visitors=visitors)
            )
    return {label: combined(figures) for label, figures in runs.items()}


def warm_up(url: str, args) -> None:
    """Identical clients, then returning visitors, unmeasured: the first copy of each variant
    a cache keeps (a language, a microcache key) is made before the measured runs, for one as
    for the other, as it is in a portal that has been running."""
    for visitors in ("identical", "returning"):
        wrk(url, duration=WARM_UP_SECONDS, concurrency=args.concurrency, visitors=visitors)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value that ``share`` of them do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def fetch(port: int, path: str) -> tuple[int, str | None, float]:
    """One GET on a new connection, as a reader's browser sends it: its status, its X-Cache
    header and the seconds until the last byte."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=READER_HEADERS)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache"), time.perf_counter() - started
    except OSError:
        return 0, None, time.perf_counter() - started
    finally:
        connection.close()


def latencies(answers: list[tuple[int, str | None, float]], seconds: float) -> dict:
    """Figures of answers that each should have been made for its request: an answer that is
    not a 200, or that the page cache had (``X-Cache: hit``), is an error of the run."""
    times = [elapsed * 1000 for _status, _cache, elapsed in answers]
    return {
        "rps": len(answers) / seconds,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times),
        "errors": sum(1 for status, cache, _ in answers if status != 200 or cache == "hit"),
        "requests": len(answers),
        "seconds": seconds,
    }


def first_views(port: int, paths: list[str], concurrency: int) -> dict:
    """Each of ``paths`` requested once, ``concurrency`` readers at a time."""
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(lambda path: fetch(port, path), paths))
    return latencies(answers, time.perf_counter() - started)


class ContentWriter:
    """A Django process of the benchmark's settings that changes content when asked: each
    change is a real write of a published organisation, which ends the content generation as
    a curator's edit does (``bench.py writer``)."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.perf.bench", "writer"],
            env=self.env,
            cwd=BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.change()
        return self

    def change(self) -> None:
        self.process.stdin.write("change\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "changed":
            sys.exit("the content writer stopped (bench.py writer)")

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def write_content() -> None:
    """(internal) One real content write for every line read; answers "changed" once it is
    committed, when the page cache has moved to a new generation."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.db import transaction

    from partnerships.models import Organisation

    record = Organisation.objects.published().order_by("-pk").first()
    for _line in sys.stdin:
        with transaction.atomic():
            record.save()
        print("changed", flush=True)


def cold(port: int, path: str, writer: ContentWriter, repeats: int) -> dict:
    """The first request for ``path`` after each of ``repeats`` content changes."""
    answers = []
    for _ in range(repeats):
        writer.change()
        answers.append(fetch(port, path))
    return latencies(answers, sum(elapsed for _status, _cache, elapsed in answers))


def collect_and_probe(env: dict, misses: int = 0) -> dict:
    """Collect the static files into ``env``'s STATIC_ROOT, then ask Django for the URLs.

    The probe also leaves each URL's bytes under ``bench/`` there, as its static ceiling.
    """
    static_root = Path(env["STATIC_ROOT"])
    manage(env, "collectstatic", "--noinput")
    # The probe runs with the per-process memory cache, so it never touches the server's Redis.
    probe_env = {**env, "REDIS_URL": "", "ALLOWED_HOSTS": "testserver"}
    output = run(
        [
            *[sys.executable, "-m", "tests.perf.bench", "probe", str(static_root / "bench")],
            *["--misses", str(misses)],
        ],
        probe_env,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def empty_cache(env: dict) -> None:
    """Empty the benchmark's Redis database: each run starts from a cache of its own, since
    what was remembered for one database does not hold for another."""
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def measure(server_env: dict, database_url: str, args, *, full: bool) -> dict:
    """The figures of every URL on gunicorn or, unless ``full``, the true misses of the
    paginated lists only."""
    static_root = Path(tempfile.mkdtemp(prefix="pactportal-bench-static-"))
    env = {**server_env, "DATABASE_URL": database_url, "STATIC_ROOT": str(static_root)}
    found = collect_and_probe(env, args.misses)
    results = {"probe": found, "urls": {}}
    empty_cache(env)
    writer = ContentWriter(env) if full else contextlib.nullcontext()
    with Gunicorn(env) as server, writer:
        for name, path in found["urls"].items():
            if (not full and name not in PAGINATED) or (args.only and name not in args.only):
                continue
            url = server.base + path
            row = {"bytes": found["bytes"][name], "queries": found["queries"][name]}
            # Every worker compiles its templates and opens its connections on first use, and
            # the URL's first request remembers what its view's misses share: warm them all.
            warm_up(url, args)
            misses = found["misses"].get(name, [])
            if misses:
                print(f"    {name}: true misses", flush=True)
                warming = min(args.concurrency, len(misses) // 5)
                first_views(server.port, misses[:warming], args.concurrency)
                row["misses"] = first_views(server.port, misses[warming:], args.concurrency)
            if full:
                print(f"    {name}: identical, returning, static ceiling, in turns", flush=True)
                static = f"{server.base}/static/{found['statics'][name]}"
                row.update(
                    in_turns(
                        {
                            "identical": (url, "identical"),
                            "returning": (url, "returning"),
                            "static": (static, "identical"),
                        },
                        args,
                    )
                )
                print(f"    {name}: cold, {args.cold} times", flush=True)
                row["cold"] = cold(server.port, path, writer, args.cold)
            results["urls"][name] = row
        results["worker_peak_mb"] = server.worker_peak_mb()
    empty_cache(env)
    shutil.rmtree(static_root)
    return results


def through_nginx(env: dict, database_url: str, found: dict, args) -> dict:
    """Each page through nginx's microcache, for identical clients and returning visitors,
    against nginx's static file of the same bytes, in turns; and the smallest Django response
    through nginx and gunicorn."""
    empty_cache(env)
    results = {"urls": {}}
    topology = LocalTopology(
        database_url,
        env["REDIS_URL"],
        LOG_LEVEL="WARNING",
        API_THROTTLE_ANON="off",
        API_THROTTLE_USER="off",
        # Writing a log line a request is nginx's cost, not the page's.
        NGINX_ACCESS_LOG="off",
    )
    up = topology.up()
    if up.returncode:
        sys.exit(f"deploy/local-up failed:\n{up.stdout}{up.stderr}")
    try:
        statics = topology.state / "static" / "bench"
        statics.mkdir(mode=0o755)
        for name, path in found["urls"].items():
            if args.only and name not in args.only:
                continue
            url = topology.url + path
            request = urllib.request.Request(url, headers=READER_HEADERS)
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
            # The bytes nginx sends for the page, as a file nginx serves itself.
            static_file = statics / Path(found["statics"][name]).name
            static_file.write_bytes(body)
            static_file.chmod(0o644)
            static = f"{topology.url}/static/bench/{static_file.name}"
            print(f"    {name}: identical, returning, nginx static, in turns", flush=True)
            warm_up(url, args)
            figures = in_turns(
                {
                    "identical": (url, "identical"),
                    "returning": (url, "returning"),
                    "static": (static, "identical"),
                },
                args,
            )
            results["urls"][name] = {"bytes": len(body), **figures}
        print("    /healthz through nginx and gunicorn", flush=True)
        healthz = topology.url + "/healthz"
        wrk(healthz, duration=WARM_UP_SECONDS, concurrency=args.concurrency)
        results["smallest_django"] = wrk(
            healthz, duration=args.duration, concurrency=args.concurrency
        )
    finally:
        down = topology.down()
        empty_cache(env)
    if down.returncode:
        sys.exit(f"deploy/local-down failed:\n{down.stdout}{down.stderr}")
    return results


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    postgres = (
        subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
        or "PostgreSQL"
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB memory, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, {postgres}, wrk on loopback"
    )


def ratio(numerator: dict, denominator: dict) -> float:
    return numerator["rps"] / denominator["rps"]


def checks(big: dict, small: dict | None) -> list[tuple[str, bool, str]]:
    """Each target with whether it is met and the figures that say so."""
    rows = []
    for name, row in big["urls"].items():
        if "misses" not in row:
            continue
        limit = P95_LIMIT_MS.get(name, DEFAULT_P95_LIMIT_MS)
        p95 = row["misses"]["p95"]
        rows.append((f"{name}: true misses p95 ≤ {limit:.0f} ms", p95 <= limit, f"{p95:.1f} ms"))
    for name, row in big["urls"].items():
        p95 = row["cold"]["p95"]
        rows.append(
            (
                f"{name}: cold after a change p95 ≤ {COLD_P95_LIMIT_MS:.0f} ms",
                p95 <= COLD_P95_LIMIT_MS,
                f"{p95:.1f} ms",
            )
        )
    for name, row in big["urls"].items():
        figure = ratio(row["returning"], row["identical"])
        rows.append(
            (
                f"{name}: returning visitors ≥ {RETURNING_MIN_RATIO} × identical clients",
                figure >= RETURNING_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    for name, row in big["urls"].items():
        figure = ratio(row["identical"], row["static"])
        rows.append(
            (
                f"{name}: cached ≥ {CACHED_STATIC_MIN_RATIO} × static ceiling",
                figure >= CACHED_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    if small:
        for name in PAGINATED:
            if "misses" not in big["urls"].get(name, {}) or "misses" not in small["urls"].get(
                name, {}
            ):
                continue
            figure = big["urls"][name]["misses"]["p95"] / small["urls"][name]["misses"]["p95"]
            rows.append(
                (
                    f"{name}: true misses p95 factor 100 ≤ 1.5 × factor 1",
                    figure <= 1.5,
                    f"{figure:.2f}×",
                )
            )
    for name, row in big["urls"].items():
        # The same page at two sizes is the test suite's check (test_discovery.py); here the
        # two sizes show different records, and an empty prefetch costs no query at all.
        small_queries = small["probe"]["queries"][name] if small else row["queries"]
        rows.append(
            (
                f"{name}: at most {MAX_QUERIES} queries at both sizes",
                max(row["queries"], small_queries) <= MAX_QUERIES,
                f"{row['queries']}" + (f" (factor 1: {small_queries})" if small else ""),
            )
        )
    nginx = big.get("nginx")
    for name, row in (nginx or {}).get("urls", {}).items():
        figure = ratio(row["identical"], row["static"])
        rows.append(
            (
                f"{name}: through nginx, microcached ≥ {CACHED_STATIC_MIN_RATIO} × nginx static",
                figure >= CACHED_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
        figure = ratio(row["returning"], row["identical"])
        rows.append(
            (
                f"{name}: through nginx, returning visitors ≥ {RETURNING_MIN_RATIO} × identical "
                "clients",
                figure >= RETURNING_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
        figure = ratio(row["returning"], row["static"])
        rows.append(
            (
                f"{name}: through nginx, returning visitors ≥ {RETURNING_NGINX_STATIC_MIN_RATIO} "
                "× nginx static",
                figure >= RETURNING_NGINX_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    peak = max(run["worker_peak_mb"] for run in (big, small) if run)
    rows.append(
        (f"worker peak memory < {MAX_WORKER_MB} MB", peak < MAX_WORKER_MB, f"{peak:.0f} MB")
    )
    errors = sum(
        figures["errors"]
        for run in (big, small)
        if run
        for row in run["urls"].values()
        for figures in row.values()
        if isinstance(figures, dict)
    )
    if nginx:
        errors += nginx["smallest_django"]["errors"] + sum(
            figures["errors"]
            for row in nginx["urls"].values()
            for figures in row.values()
            if isinstance(figures, dict)
        )
    rows.append(("zero errors", errors == 0, f"{errors}"))
    return rows


def report(args, big: dict, small: dict | None, started: datetime.datetime) -> str:
    urls = big["probe"]["urls"]
    lines = [
        START,
        f"Measured on {started:%Y-%m-%d %H:%M} UTC by `scripts/bench {' '.join(sys.argv[1:])}`",
        f"(the scale data at factor {args.factor}; concurrency {args.concurrency}, "
        f"{args.duration} s a run, {args.misses} true misses and {args.cold} cold requests "
        "a URL at most).",
        "",
        f"Machine: {machine()}.",
        "",
        f"### Factor {args.factor}: from the caches",
        "",
        "Identical clients ask for the URL again and again with the same headers; returning "
        "visitors each with their own cookies, languages and order of parameters; the static "
        "ceiling is a static file of the same bytes from the same gunicorn. The three in turns.",
        "",
        "| URL | Bytes | Identical req/s | p50 | p95 | p99 | Returning req/s | p50 | p95 "
        "| Returning ÷ identical | Static req/s | p95 | Identical ÷ static | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for name, row in big["urls"].items():
        i, r, s = row["identical"], row["returning"], row["static"]
        lines.append(
            f"| `{urls[name]}` | {row['bytes']:,} "
            f"| {i['rps']:,.0f} | {i['p50']:.1f} | {i['p95']:.1f} | {i['p99']:.1f} "
            f"| {r['rps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {ratio(r, i):.2f} "
            f"| {s['rps']:,.0f} | {s['p95']:.1f} | {ratio(i, s):.2f} "
            f"| {i['errors'] + r['errors'] + s['errors']} |"
        )
    lines += [
        "",
        "Latencies in milliseconds.",
        "",
        f"### Factor {args.factor}: misses",
        "",
        "True misses: addresses of the same view nobody asked for since the last change (real "
        "filter values, each combination once; a record's first view), each requested once, "
        f"{args.concurrency} at a time. Cold: the first request of the URL itself after a "
        "content change, one at a time. The home page reads no parameter: its only miss is "
        "cold.",
        "",
        "| URL | Queries | True misses | req/s | p50 | p95 | p99 | Cold | p50 | p95 | max "
        "| Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in big["urls"].items():
        c = row["cold"]
        if m := row.get("misses"):
            misses = (
                f"{m['requests']} | {m['rps']:,.0f} | {m['p50']:.1f} | {m['p95']:.1f} "
                f"| {m['p99']:.1f}"
            )
        else:
            misses = "– | | | |"
        errors = c["errors"] + (m["errors"] if m else 0)
        lines.append(
            f"| `{urls[name]}` | {row['queries']} | {misses} | {c['requests']} "
            f"| {c['p50']:.1f} | {c['p95']:.1f} | {c['max']:.1f} | {errors} |"
        )
    lines += ["", "Latencies in milliseconds.", ""]
    if small:
        lines += [
            "### Factor 1 (the real data alone), paginated lists",
            "",
            "| URL | Queries | True misses | req/s | p50 | p95 | p99 | p95 at factor "
            f"{args.factor} ÷ factor 1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in PAGINATED:
            if "misses" not in big["urls"].get(name, {}) or "misses" not in small["urls"].get(
                name, {}
            ):
                continue
            row, m = small["urls"][name], small["urls"][name]["misses"]
            figure = big["urls"][name]["misses"]["p95"] / m["p95"]
            lines.append(
                f"| `{small['probe']['urls'][name]}` | {row['queries']} | {m['requests']} "
                f"| {m['rps']:,.0f} | {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} "
                f"| {figure:.2f} |"
            )
        lines.append("")
    if big.get("nginx"):
        nginx, smallest = big["nginx"], big["nginx"]["smallest_django"]
        lines += [
            "### Through nginx (`deploy/local-up`: nginx, the same gunicorn, PostgreSQL, Redis)",
            "",
            "Each page as nginx's microcache answers identical clients and returning visitors, "
            "against nginx sending the same bytes as a static file, the three in turns; the "
            "last column divides identical clients by the smallest Django response through "
            f"nginx and gunicorn (`/healthz`, never cached): {smallest['rps']:,.0f} req/s, "
            f"p95 {smallest['p95']:.1f} ms.",
            "",
            "| URL | Bytes | Identical req/s | p50 | p95 | p99 | Returning req/s | p50 | p95 "
            "| nginx static req/s | p95 | Returning ÷ identical | Returning ÷ nginx static "
            "| Identical ÷ nginx static | Identical ÷ smallest Django | Errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | ---: | ---: | ---: |",
        ]
        for name, row in nginx["urls"].items():
            i, r, s = row["identical"], row["returning"], row["static"]
            lines.append(
                f"| `{urls[name]}` | {row['bytes']:,} "
                f"| {i['rps']:,.0f} | {i['p50']:.1f} | {i['p95']:.1f} | {i['p99']:.1f} "
                f"| {r['rps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {s['rps']:,.0f} | {s['p95']:.1f} "
                f"| {ratio(r, i):.2f} | {ratio(r, s):.2f} | {ratio(i, s):.2f} "
                f"| {ratio(i, smallest):.1f} | {i['errors'] + r['errors'] + s['errors']} |"
            )
        lines += ["", "Latencies in milliseconds.", ""]
    lines += [
        f"### Query plans at factor {args.factor}",
        "",
        "| Filter | Uses an index | Sequential scans |",
        "| --- | --- | --- |",
    ]
    for label, plan in big["probe"]["plans"].items():
        scans = ", ".join(f"`{table}`" for table in plan["seq_scans"]) or "none"
        lines.append(f"| {label} | {'yes' if plan['uses_index'] else 'no'} | {scans} |")
    lines += [
        "",
        f"Worker peak memory (largest VmHWM of a gunicorn worker): {big['worker_peak_mb']:.0f} MB.",
        "",
        "### Targets",
        "",
        "| Target | Met | Figure |",
        "| --- | --- | --- |",
    ]
    for label, met, figure in checks(big, small):
        lines.append(f"| {label} | {'yes' if met else '**no**'} | {figure} |")
    lines.append(END)
    return "\n".join(lines)


def write_report(section: str) -> None:
    text = REPORT.read_text()
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    REPORT.write_text(before + section + after)


def production_env() -> dict:
    """The environment gunicorn runs in for measurements: production settings, Redis."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        "STATIC_MANIFEST": "true",
        "LOG_LEVEL": "WARNING",
        # wrk is one client from one address: the per-client API limits would answer 429, and
        # limits high enough not to would keep a history of every request they count.
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",  # DRF's per-user limit counts anonymous clients by address
        # wrk talks plain HTTP to gunicorn, as the TLS-ending proxy does in production.
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_DATABASE_SERVER": os.environ.get(
            "BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"
        ),
    }
    env.pop("PAGE_CACHE_SECONDS", None)
    return env


def url_names(text: str) -> set[str]:
    names = set(text.split(","))
    if unknown := names - set(URL_NAMES):
        raise argparse.ArgumentTypeError(
            f"unknown: {', '.join(sorted(unknown))} (the names are {', '.join(URL_NAMES)})"
        )
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    probe_parser = sub.add_parser("probe", help="(internal) the in-process part")
    probe_parser.add_argument("static_dir", type=Path)
    probe_parser.add_argument("--misses", type=int, default=0)
    sub.add_parser("writer", help="(internal) content changes on demand")
    parser.add_argument("--factor", type=int, default=100, help="scale data factor (100)")
    parser.add_argument("--duration", type=int, default=10, help="seconds a run (10)")
    parser.add_argument("--concurrency", type=int, default=8, help="open connections (8)")
    parser.add_argument("--misses", type=int, default=200, help="true misses a URL, at most (200)")
    parser.add_argument(
        "--cold", type=int, default=20, help="first requests after a change a URL (20)"
    )
    parser.add_argument(
        "--database-prefix",
        default="pactportal_bench",
        help="the databases are PREFIX_f<factor> (pactportal_bench)",
    )
    parser.add_argument("--no-small", action="store_true", help="skip the factor 1 comparison")
    parser.add_argument("--no-write", action="store_true", help="do not update the report")
    parser.add_argument(
        "--no-nginx", action="store_true", help="skip the run through nginx (deploy/local-up)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--only",
        type=url_names,
        help=f"measure only these URLs, comma-separated ({', '.join(URL_NAMES)}); implies "
        "--no-write",
    )
    args = parser.parse_args()
    if args.command == "probe":
        json.dump(probe(args.static_dir, args.misses), sys.stdout)
        return 0
    if args.command == "writer":
        write_content()
        return 0
    if args.misses < 10 or args.cold < 1:
        parser.error("--misses takes 10 or more, --cold 1 or more")

    started = datetime.datetime.now(datetime.UTC)
    env = production_env()
    server = env["BENCH_DATABASE_SERVER"]
    big_url = prepare_database(server, args.factor, env, args.database_prefix)
    small_url = None if args.no_small else prepare_database(server, 1, env, args.database_prefix)

    print(f"==> factor {args.factor}", flush=True)
    big = measure(env, big_url, args, full=True)
    if not args.no_nginx:
        print(f"==> factor {args.factor} through nginx", flush=True)
        big["nginx"] = through_nginx(env, big_url, big["probe"], args)
    small = None
    if small_url:
        print("==> factor 1", flush=True)
        small = measure(env, small_url, args, full=False)

    section = report(args, big, small, started)
    print(section)
    if args.json:
        args.json.write_text(json.dumps({"factor": big, "small": small}, indent=2))
    if not (args.no_write or args.only):
        write_report(section)
        print(f"==> wrote {REPORT.relative_to(BASE_DIR)}")
    missed = [label for label, met, _ in checks(big, small) if not met]
    for label in missed:
        print(f"target missed: {label}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
