"""The soak run: sustained load on the scale data, watching for errors and growing workers.

Run with ``scripts/soak`` (``--help`` for the options); not part of the test suite. It starts
gunicorn as the benchmark does (production settings, the scale data at factor 100), but with
worker recycling off, so that a leak shows instead of being cleared by a restart. It then
drives a mix of pages and API reads at concurrency 16 in one-minute slices (``soak.lua``): every
other request one of the benchmark's addresses, answered from the page cache, the others true
misses, addresses nobody has asked for, each sent once in the whole run. Those are found
in-process from the data before the run (``bench.addresses.soak_addresses()``): other filter
values and every page of the lists, other searches, every record's first view, in each
language, up to ``MISSES_PER_KIND`` of each kind. After each slice it records the requests,
the fresh misses sent, the answers the portal made (``X-Cache: miss``), errors, latency and
the resident memory of the largest worker. It passes when no request failed and the workers
stopped growing: over the last half of the run the largest worker grew by less than
``GROWTH_LIMIT_MB``. It writes its table between the soak markers in ``docs/performance.md``.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.perf.bench import (
    REPORT,
    Gunicorn,
    collect_and_probe,
    empty_cache,
    machine,
    prepare_database,
    production_env,
)
from tests.perf.bench.servers import in_process_env, run

SOAK_SCRIPT = Path(__file__).with_name("soak.lua")
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
GROWTH_LIMIT_MB = 10
# wrk's threads; each takes every THREADS-th of the true misses.
THREADS = 2
# True-miss addresses of each kind at most (the pages of a list, of an API list, searches,
# a kind of record).
MISSES_PER_KIND = 50_000


def write_miss_addresses(env: dict, fixed: list[str], path: Path) -> int:
    """Write the soak's true misses to ``path``, one address a line, in a Django process of
    the run's own; return how many."""
    run(
        [sys.executable, "-m", "tests.perf.soak", "addresses", str(path), *fixed],
        in_process_env(env),
    )
    return len(path.read_text().splitlines())


def addresses_command(path: Path, fixed: list[str]) -> None:
    """(internal) In-process: the soak's true misses, written to ``path``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from tests.perf.bench.addresses import soak_addresses

    path.write_text("".join(f"{address}\n" for address in soak_addresses(fixed, MISSES_PER_KIND)))


def worker_rss_mb(server: Gunicorn) -> float:
    """The resident memory of the largest worker now."""
    sizes = []
    for pid in server.worker_pids():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes)


def slice_load(
    url: str, paths: list[str], misses: Path, start: int, *, seconds: int, concurrency: int
) -> dict:
    """One slice of load: ``paths`` in turn with the true misses of ``misses`` after line
    ``start``."""
    env = {
        **os.environ,
        "SOAK_PATHS": " ".join(paths),
        "SOAK_MISSES": str(misses),
        "SOAK_FROM": str(start),
        "SOAK_THREADS": str(THREADS),
    }
    command = [
        *["wrk", f"-t{THREADS}", f"-c{concurrency}", f"-d{seconds}s"],
        *["-s", str(SOAK_SCRIPT), url],
    ]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return {
        "requests": figures["requests"],
        "misses_sent": figures["misses_sent"],
        "fresh_misses": figures["fresh_misses"],
        # Where the next slice starts: past every line a thread of this one may have sent.
        "next": start + THREADS * figures["most_sent"],
        "rendered": figures["rendered"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "errors": sum(figures["errors"].values()),
        "error_kinds": {kind: n for kind, n in figures["errors"].items() if n},
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    addresses_parser = sub.add_parser("addresses", help="(internal) the true misses, in-process")
    addresses_parser.add_argument("path", type=Path)
    addresses_parser.add_argument("fixed", nargs="*")
    parser.add_argument("--minutes", type=int, default=10, help="length of the run (10)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (16)")
    parser.add_argument("--factor", type=int, default=100, help="scale data factor (100)")
    parser.add_argument("--no-write", action="store_true", help="do not update the report")
    args = parser.parse_args()
    if args.command == "addresses":
        addresses_command(args.path, args.fixed)
        return 0
    if args.minutes < 2:
        parser.error("--minutes takes 2 or more (growth is read over the second half)")

    started = datetime.datetime.now(datetime.UTC)
    env = production_env()
    url = prepare_database(env["BENCH_DATABASE_SERVER"], args.factor, env)
    static_root = Path(tempfile.mkdtemp(prefix="pactportal-soak-static-"))
    env = {
        **env,
        "DATABASE_URL": url,
        "STATIC_ROOT": str(static_root),
        # No recycling: a leak must show as growth, not be cleared by a restart.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    found = collect_and_probe(env)
    paths = [*found["urls"].values(), f"/static/{found['statics']['home']}"]
    misses_file = static_root / "soak-misses.txt"
    print("==> true misses: addresses nobody has asked for", flush=True)
    pool = write_miss_addresses(env, list(found["urls"].values()), misses_file)
    empty_cache(env)

    slices, start = [], 0
    with Gunicorn(env) as server:
        for minute in range(1, args.minutes + 1):
            figures = slice_load(
                server.base,
                paths,
                misses_file,
                start,
                seconds=60,
                concurrency=args.concurrency,
            )
            start = figures["next"]
            figures["rss_mb"] = worker_rss_mb(server)
            slices.append(figures)
            print(
                f"minute {minute:2}: {figures['rps']:7.0f} req/s, "
                f"{figures['fresh_misses']} true misses, {figures['rendered']} rendered, "
                f"{figures['errors']} errors {figures['error_kinds'] or ''}, "
                f"p95 {figures['p95']:.0f} ms, largest worker {figures['rss_mb']:.0f} MB",
                flush=True,
            )

    shutil.rmtree(static_root)

    half = len(slices) // 2
    growth = max(s["rss_mb"] for s in slices[half:]) - slices[half - 1]["rss_mb"]
    errors = sum(s["errors"] for s in slices)
    requests = sum(s["requests"] for s in slices)
    fresh = sum(s["fresh_misses"] for s in slices)
    repeated = sum(s["misses_sent"] for s in slices) - fresh
    rendered = sum(s["rendered"] for s in slices)
    passed = errors == 0 and growth < GROWTH_LIMIT_MB
    lines = [
        START,
        f"Run on {started:%Y-%m-%d %H:%M} UTC by `{' '.join(['scripts/soak', *sys.argv[1:]])}`: "
        f"{args.minutes} minutes at concurrency {args.concurrency} on the scale data at factor "
        f"{args.factor}, gunicorn without worker recycling. Every other request is one of the "
        "benchmark's addresses or a static file, answered from a cache after its first request; "
        "the others are true misses, each "
        f"an address of its own that nobody had asked for, from {pool:,} found in the data "
        "(other filter values and every page of the lists, other searches, every record's "
        "first view, in each language). Rendered: the answers the portal made rather than "
        f"took from the page cache (`X-Cache: miss`). Machine: {machine()}.",
        "",
        "| Minute | Requests | Req/s | True misses | Rendered | Errors | p95 ms | p99 ms "
        "| Largest worker MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for minute, s in enumerate(slices, 1):
        lines.append(
            f"| {minute} | {s['requests']:,} | {s['rps']:,.0f} | {s['fresh_misses']:,} "
            f"| {s['rendered']:,} | {s['errors']} | {s['p95']:.0f} | {s['p99']:.0f} "
            f"| {s['rss_mb']:.0f} |"
        )
    lines += [
        "",
        f"Errors: {errors}. True misses: {fresh:,} of {requests:,} requests"
        + (
            f"; the addresses ran out, and {repeated:,} requests repeated one (hits)"
            if repeated
            else ", every one a different address"
        )
        + f"; rendered: {rendered:,}. Growth of the largest worker over the second half: "
        f"{growth:+.1f} MB (limit {GROWTH_LIMIT_MB} MB). {'Passed' if passed else '**Failed**'}.",
        END,
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        text = REPORT.read_text()
        before, _, rest = text.partition(START)
        _, _, after = rest.partition(END)
        REPORT.write_text(before + section + after)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
