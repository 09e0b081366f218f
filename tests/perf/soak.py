"""The soak run: sustained load on the scale data, watching for errors and growing workers.

Run with ``scripts/soak`` (``--help`` for the options); not part of the test suite. It starts
gunicorn as the benchmark does (production settings, the scale data at factor 100), but with
worker recycling off, so that a leak shows instead of being cleared by a restart. It then
drives a mix of pages and API reads, half of them missing the page cache, at concurrency 16 in
one-minute slices, and after each slice records the requests, errors, latency and the resident
memory of the largest worker. It passes when no request failed and the workers stopped
growing: over the last half of the run the largest worker grew by less than
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

SOAK_SCRIPT = Path(__file__).with_name("soak.lua")
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
GROWTH_LIMIT_MB = 10


def worker_rss_mb(server: Gunicorn) -> float:
    """The resident memory of the largest worker now."""
    sizes = []
    for pid in server.worker_pids():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes)


def slice_load(url: str, paths: list[str], *, seconds: int, concurrency: int) -> dict:
    env = {**os.environ, "SOAK_PATHS": " ".join(paths)}
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "-s", str(SOAK_SCRIPT), url]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "errors": sum(figures["errors"].values()),
        "error_kinds": {kind: n for kind, n in figures["errors"].items() if n},
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10, help="length of the run (10)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (16)")
    parser.add_argument("--factor", type=int, default=100, help="scale data factor (100)")
    parser.add_argument("--no-write", action="store_true", help="do not update the report")
    args = parser.parse_args()

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
    empty_cache(env)

    slices = []
    with Gunicorn(env) as server:
        for minute in range(1, args.minutes + 1):
            figures = slice_load(server.base, paths, seconds=60, concurrency=args.concurrency)
            figures["rss_mb"] = worker_rss_mb(server)
            slices.append(figures)
            print(
                f"minute {minute:2}: {figures['rps']:7.0f} req/s, {figures['errors']} errors "
                f"{figures['error_kinds'] or ''}, "
                f"p95 {figures['p95']:.0f} ms, largest worker {figures['rss_mb']:.0f} MB",
                flush=True,
            )

    shutil.rmtree(static_root)

    half = len(slices) // 2
    growth = max(s["rss_mb"] for s in slices[half:]) - slices[half - 1]["rss_mb"]
    errors = sum(s["errors"] for s in slices)
    passed = errors == 0 and growth < GROWTH_LIMIT_MB
    lines = [
        START,
        f"Run on {started:%Y-%m-%d %H:%M} UTC by `{' '.join(['scripts/soak', *sys.argv[1:]])}`: "
        f"{args.minutes} minutes at concurrency {args.concurrency} on the scale data at factor "
        f"{args.factor}, gunicorn without worker recycling, half the requests missing the page "
        f"cache. Machine: {machine()}.",
        "",
        "| Minute | Requests | Req/s | Errors | p95 ms | p99 ms | Largest worker MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for minute, s in enumerate(slices, 1):
        lines.append(
            f"| {minute} | {s['requests']:,} | {s['rps']:,.0f} | {s['errors']} | {s['p95']:.0f} "
            f"| {s['p99']:.0f} | {s['rss_mb']:.0f} |"
        )
    lines += [
        "",
        f"Errors: {errors}. Growth of the largest worker over the second half: {growth:+.1f} MB "
        f"(limit {GROWTH_LIMIT_MB} MB). {'Passed' if passed else '**Failed**'}.",
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
