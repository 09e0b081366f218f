"""The load: wrk for identical clients and returning visitors, a Python client for true misses
and cold requests, one new connection each."""

import concurrent.futures
import http.client
import json
import math
import os
import subprocess
import time
from pathlib import Path

from .servers import ContentWriter

WRK_SCRIPT = Path(__file__).resolve().parent.parent / "wrk.lua"
WARM_UP_SECONDS = 2
# The runs measured in turns alternate this many times.
PAIRED_TURNS = 2
# What a reader's browser sends with every request of the Python client (true misses, cold):
# the first of wrk.lua's languages, as its identical clients send it.
READER_HEADERS = {"Accept-Language": "en-GB,en;q=0.9"}


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
    errors = [
        f"{status} {cache}" for status, cache, _ in answers if status != 200 or cache == "hit"
    ]
    return {
        "rps": len(answers) / seconds,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times),
        "errors": len(errors),
        # Which they were: a status (0 for no answer), or a page the cache had.
        "error_answers": sorted(errors),
        "requests": len(answers),
        "seconds": seconds,
    }


def first_views(port: int, paths: list[str], concurrency: int) -> dict:
    """Each of ``paths`` requested once, ``concurrency`` readers at a time."""
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(lambda path: fetch(port, path), paths))
    return latencies(answers, time.perf_counter() - started)


def cold(port: int, path: str, writer: ContentWriter, repeats: int) -> dict:
    """The first request for ``path`` after each of ``repeats`` content changes."""
    answers = []
    for _ in range(repeats):
        writer.change()
        answers.append(fetch(port, path))
    return latencies(answers, sum(elapsed for _status, _cache, elapsed in answers))
