"""The report: the table written between the markers of ``docs/performance.md``."""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

from .probe import QUERY_MISSES
from .servers import BASE_DIR
from .targets import (
    MAX_QUERIES,
    NEVER_CACHED,
    PAGINATED,
    checks,
    over_query_limit,
    queries_text,
    ratio,
    spread,
)

REPORT = BASE_DIR / "docs" / "performance.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"


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
        if name in NEVER_CACHED:
            continue
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
        "cold. Queries, counted in-process: the URL's first request after a content change "
        f"(cold: nothing of the new generation remembered), then {QUERY_MISSES} true misses of "
        "the same view right after it (their range); the content generation's check, at most "
        "once a second in a process, left out.",
        "",
        "| URL | Queries cold | Queries on true misses | True misses | req/s | p50 | p95 | p99 "
        "| Cold | p50 | p95 | max | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
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
            f"| `{urls[name]}` | {row['queries']['cold']} | {spread(row['queries']['misses'])} "
            f"| {misses} | {c['requests']} | {c['p50']:.1f} | {c['p95']:.1f} | {c['max']:.1f} "
            f"| {errors} |"
        )
    over = over_query_limit(big, small)
    sizes = " at either size" if small else ""
    lines += [
        "",
        "Latencies in milliseconds.",
        "",
        (
            f"More than {MAX_QUERIES} queries on a miss{sizes}: "
            + "; ".join(
                f"`{urls[name]}`, {queries_text(big['urls'][name]['queries'])}"
                + (f" (factor 1: {queries_text(small['probe']['queries'][name])})" if small else "")
                for name in over
            )
            + "."
            if over
            else f"No URL runs more than {MAX_QUERIES} queries on a miss{sizes}."
        ),
        "",
    ]
    if small:
        lines += [
            "### Factor 1 (the real data alone), paginated lists",
            "",
            "| URL | Queries cold | Queries on true misses | True misses | req/s | p50 | p95 "
            f"| p99 | p95 at factor {args.factor} ÷ factor 1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in PAGINATED:
            if "misses" not in big["urls"].get(name, {}) or "misses" not in small["urls"].get(
                name, {}
            ):
                continue
            row, m = small["urls"][name], small["urls"][name]["misses"]
            figure = big["urls"][name]["misses"]["p95"] / m["p95"]
            lines.append(
                f"| `{small['probe']['urls'][name]}` | {row['queries']['cold']} "
                f"| {spread(row['queries']['misses'])} | {m['requests']} "
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
