"""The portal's benchmark: gunicorn with production settings, driven by wrk on loopback.

Run with ``scripts/bench`` (``--help`` for the options); not part of the test suite. For each
database size it prepares a PostgreSQL database with the real data (and the scale data), asks
Django in-process for the URLs to measure, their SQL queries per request and the query plans
of the main filters, then starts gunicorn the way production does (``deploy/gunicorn.conf.py``,
``DEBUG`` off, Redis cache, WhiteNoise with the manifest) and measures every URL with wrk:

- uncached: every request carries a query parameter never seen before, so the page cache
  misses and the page is rendered (remembered figures stay remembered, as in production);
- cached: the same URL again and again, answered from the page cache;
- ceiling: a static file with the very bytes of that response, served by the same gunicorn,
  measured in turns with the cached page (half the run each, twice).

Then it brings up the production topology (``deploy/local-up``: nginx in front of the same
gunicorn) and measures, side by side, each page through nginx's microcache, nginx serving the
very bytes of that page as a static file, and the smallest Django response (``/healthz``, never
cached) through nginx and gunicorn.

It writes the table between the markers in ``docs/performance.md`` and checks the targets.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis

from tests.topology import LocalTopology

BASE_DIR = Path(__file__).resolve().parents[2]
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
REPORT = BASE_DIR / "docs" / "performance.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"

# Paginated lists, compared between the two data sizes.
PAGINATED = ("partnership-list", "document-list", "api-partnership-list")
P95_LIMIT_MS = {"search": 100.0}
DEFAULT_P95_LIMIT_MS = 50.0
MAX_QUERIES = 12
MAX_WORKER_MB = 200
WARM_UP_SECONDS = 2
# The cached page and its static ceiling are measured in this many alternating turns.
PAIRED_TURNS = 2


# --- In-process part: run inside Django by `bench.py probe` ----------------------------------


def probe(static_dir: Path) -> dict:
    """URLs to measure, their queries per uncached request, their bodies, and query plans."""
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
    return result


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


def prepare_database(server: str, factor: int, env: dict) -> str:
    """A database with the real data and, above factor 1, the scale data; reused if complete."""
    import psycopg

    name = f"pactportal_bench_f{factor}"
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


def wrk(url: str, *, duration: int, concurrency: int, bust: bool) -> dict:
    env = {**os.environ, "BENCH_BUST": "1" if bust else "0"}
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


def in_turns(page: str, static: str, args) -> tuple[dict, dict]:
    """A page and its static ceiling, measured in turns: a slow spell of the machine then
    falls on both figures of their ratio rather than on one."""
    turn = max(1, args.duration // PAIRED_TURNS)
    page_runs, static_runs = [], []
    for _ in range(PAIRED_TURNS):
        for target, runs in ((page, page_runs), (static, static_runs)):
            runs.append(wrk(target, duration=turn, concurrency=args.concurrency, bust=False))
    return combined(page_runs), combined(static_runs)


def collect_and_probe(env: dict) -> dict:
    """Collect the static files into ``env``'s STATIC_ROOT, then ask Django for the URLs.

    The probe also leaves each URL's bytes under ``bench/`` there, as its static ceiling.
    """
    static_root = Path(env["STATIC_ROOT"])
    manage(env, "collectstatic", "--noinput")
    # The probe runs with the per-process memory cache, so it never touches the server's Redis.
    probe_env = {**env, "REDIS_URL": "", "ALLOWED_HOSTS": "testserver"}
    output = run(
        [sys.executable, "-m", "tests.perf.bench", "probe", str(static_root / "bench")],
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
    """wrk's figures for every URL (uncached, cached, static ceiling) or, unless ``full``,
    for the paginated lists uncached only."""
    static_root = Path(tempfile.mkdtemp(prefix="pactportal-bench-static-"))
    env = {**server_env, "DATABASE_URL": database_url, "STATIC_ROOT": str(static_root)}
    found = collect_and_probe(env)
    results = {"probe": found, "urls": {}}
    empty_cache(env)
    with Gunicorn(env) as server:
        for name, path in found["urls"].items():
            if (not full and name not in PAGINATED) or (args.only and name not in args.only):
                continue
            url = server.base + path
            # Every worker compiles its templates and opens its connections on first use:
            # warm them all before measuring.
            wrk(url, duration=WARM_UP_SECONDS, concurrency=args.concurrency, bust=True)
            row = {"bytes": found["bytes"][name], "queries": found["queries"][name]}
            print(f"    {name}: uncached", flush=True)
            row["uncached"] = wrk(
                url, duration=args.duration, concurrency=args.concurrency, bust=True
            )
            if full:
                print(f"    {name}: cached and static ceiling, in turns", flush=True)
                static = f"{server.base}/static/{found['statics'][name]}"
                row["cached"], row["static"] = in_turns(url, static, args)
            results["urls"][name] = row
        results["worker_peak_mb"] = server.worker_peak_mb()
    shutil.rmtree(static_root)
    return results


def through_nginx(env: dict, database_url: str, found: dict, args) -> dict:
    """Each page through nginx's microcache against nginx's static file of the same bytes, in
    turns, and the smallest Django response through nginx and gunicorn."""
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
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read()
            # The bytes nginx sends for the page, as a file nginx serves itself.
            static_file = statics / Path(found["statics"][name]).name
            static_file.write_bytes(body)
            static_file.chmod(0o644)
            static = f"{topology.url}/static/bench/{static_file.name}"
            print(f"    {name}: microcached and nginx static, in turns", flush=True)
            wrk(url, duration=WARM_UP_SECONDS, concurrency=args.concurrency, bust=False)
            microcached, static_figures = in_turns(url, static, args)
            results["urls"][name] = {
                "bytes": len(body),
                "microcached": microcached,
                "static": static_figures,
            }
        print("    /healthz through nginx and gunicorn", flush=True)
        healthz = topology.url + "/healthz"
        wrk(healthz, duration=WARM_UP_SECONDS, concurrency=args.concurrency, bust=False)
        results["smallest_django"] = wrk(
            healthz, duration=args.duration, concurrency=args.concurrency, bust=False
        )
    finally:
        down = topology.down()
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


def checks(big: dict, small: dict | None) -> list[tuple[str, bool, str]]:
    """Each target with whether it is met and the figures that say so."""
    rows = []
    for name, row in big["urls"].items():
        limit = P95_LIMIT_MS.get(name, DEFAULT_P95_LIMIT_MS)
        p95 = row["uncached"]["p95"]
        rows.append((f"{name}: uncached p95 ≤ {limit:.0f} ms", p95 <= limit, f"{p95:.1f} ms"))
    for name, row in big["urls"].items():
        ratio = row["cached"]["rps"] / row["static"]["rps"]
        rows.append((f"{name}: cached ≥ ½ static ceiling", ratio >= 0.5, f"{ratio:.2f}"))
    if small:
        for name in PAGINATED:
            if name not in big["urls"] or name not in small["urls"]:
                continue
            ratio = big["urls"][name]["uncached"]["p95"] / small["urls"][name]["uncached"]["p95"]
            rows.append((f"{name}: p95 factor 100 ≤ 1.5 × factor 1", ratio <= 1.5, f"{ratio:.2f}×"))
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
        ratio = row["microcached"]["rps"] / row["static"]["rps"]
        rows.append(
            (f"{name}: through nginx, microcached ≥ ½ nginx static", ratio >= 0.5, f"{ratio:.2f}")
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
        for key, figures in row.items()
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
    lines = [
        START,
        f"Measured on {started:%Y-%m-%d %H:%M} UTC by `scripts/bench {' '.join(sys.argv[1:])}`",
        f"(the scale data at factor {args.factor}; concurrency {args.concurrency}, "
        f"{args.duration} s a run).",
        "",
        f"Machine: {machine()}.",
        "",
        f"### Factor {args.factor}",
        "",
        "| URL | Bytes | Queries | Uncached req/s | p50 | p95 | p99 | Cached req/s | p50 | p95 "
        "| p99 | Static req/s | p95 | Cached ÷ static | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for name, row in big["urls"].items():
        u, c, s = row["uncached"], row["cached"], row["static"]
        lines.append(
            f"| `{big['probe']['urls'][name]}` | {row['bytes']:,} | {row['queries']} "
            f"| {u['rps']:,.0f} | {u['p50']:.1f} | {u['p95']:.1f} | {u['p99']:.1f} "
            f"| {c['rps']:,.0f} | {c['p50']:.1f} | {c['p95']:.1f} | {c['p99']:.1f} "
            f"| {s['rps']:,.0f} | {s['p95']:.1f} | {c['rps'] / s['rps']:.2f} "
            f"| {u['errors'] + c['errors'] + s['errors']} |"
        )
    lines += ["", "Latencies in milliseconds.", ""]
    if small:
        lines += [
            "### Factor 1 (the real data alone), paginated lists",
            "",
            "| URL | Queries | Uncached req/s | p50 | p95 | p99 | p95 at factor "
            f"{args.factor} ÷ factor 1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in PAGINATED:
            if name not in big["urls"] or name not in small["urls"]:
                continue
            row, u = small["urls"][name], small["urls"][name]["uncached"]
            ratio = big["urls"][name]["uncached"]["p95"] / u["p95"]
            lines.append(
                f"| `{small['probe']['urls'][name]}` | {row['queries']} | {u['rps']:,.0f} "
                f"| {u['p50']:.1f} | {u['p95']:.1f} | {u['p99']:.1f} | {ratio:.2f} |"
            )
        lines.append("")
    if big.get("nginx"):
        nginx, smallest = big["nginx"], big["nginx"]["smallest_django"]
        lines += [
            "### Through nginx (`deploy/local-up`: nginx, the same gunicorn, PostgreSQL, Redis)",
            "",
            "Each page as nginx's microcache answers it, against nginx sending the same bytes "
            "as a static file, in turns; the last column divides by the smallest Django "
            f"response through nginx and gunicorn (`/healthz`, never cached): "
            f"{smallest['rps']:,.0f} req/s, p95 {smallest['p95']:.1f} ms.",
            "",
            "| URL | Bytes | Microcached req/s | p50 | p95 | p99 | nginx static req/s | p95 "
            "| ÷ nginx static | ÷ smallest Django | Errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, row in nginx["urls"].items():
            m, s = row["microcached"], row["static"]
            lines.append(
                f"| `{big['probe']['urls'][name]}` | {row['bytes']:,} | {m['rps']:,.0f} "
                f"| {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} | {s['rps']:,.0f} "
                f"| {s['p95']:.1f} | {m['rps'] / s['rps']:.2f} | {m['rps'] / smallest['rps']:.1f} "
                f"| {m['errors'] + s['errors']} |"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    probe_parser = sub.add_parser("probe", help="(internal) the in-process part")
    probe_parser.add_argument("static_dir", type=Path)
    parser.add_argument("--factor", type=int, default=100, help="scale data factor (100)")
    parser.add_argument("--duration", type=int, default=10, help="seconds a run (10)")
    parser.add_argument("--concurrency", type=int, default=8, help="open connections (8)")
    parser.add_argument("--no-small", action="store_true", help="skip the factor 1 comparison")
    parser.add_argument("--no-write", action="store_true", help="do not update the report")
    parser.add_argument(
        "--no-nginx", action="store_true", help="skip the run through nginx (deploy/local-up)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--only",
        type=lambda names: set(names.split(",")),
        help="measure only these URLs (names as in the report, comma-separated); implies "
        "--no-write",
    )
    args = parser.parse_args()
    if args.command == "probe":
        json.dump(probe(args.static_dir), sys.stdout)
        return 0

    started = datetime.datetime.now(datetime.UTC)
    env = production_env()
    server = env["BENCH_DATABASE_SERVER"]
    big_url = prepare_database(server, args.factor, env)
    small_url = None if args.no_small else prepare_database(server, 1, env)

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
