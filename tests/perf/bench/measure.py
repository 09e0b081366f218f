"""The runs: every URL on gunicorn, then through nginx (``deploy/local-up``)."""

import contextlib
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

from tests.topology import LocalTopology

from .load import READER_HEADERS, WARM_UP_SECONDS, cold, first_views, in_turns, warm_up, wrk
from .servers import ContentWriter, Gunicorn, collect_and_probe, empty_cache
from .targets import NEVER_CACHED, PAGINATED


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
            if full and name not in NEVER_CACHED:
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
            if full:
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
            if (args.only and name not in args.only) or name in NEVER_CACHED:
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
