"""The benchmark's command line: ``scripts/bench`` runs ``python -m tests.perf.bench``."""

import argparse
import datetime
import json
import os
import sys
import tempfile
from pathlib import Path

from . import __doc__ as PACKAGE_DOC
from .measure import measure, through_nginx
from .probe import probe, write_content
from .profile import profile
from .report import REPORT, report, write_report
from .servers import BASE_DIR, empty_cache, manage, prepare_database, production_env
from .targets import URL_NAMES, checks


def url_names(text: str) -> set[str]:
    names = set(text.split(","))
    if unknown := names - set(URL_NAMES):
        raise argparse.ArgumentTypeError(
            f"unknown: {', '.join(sorted(unknown))} (the names are {', '.join(URL_NAMES)})"
        )
    return names


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=PACKAGE_DOC.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    probe_parser = sub.add_parser("probe", help="(internal) the in-process part")
    probe_parser.add_argument("static_dir", type=Path)
    probe_parser.add_argument("--misses", type=int, default=0)
    sub.add_parser("writer", help="(internal) content changes on demand")
    profile_parser = sub.add_parser(
        "profile", help="where true misses spend their time, in-process, one at a time"
    )
    profile_parser.add_argument("--misses", type=int, default=30, help="true misses a URL (30)")
    profile_parser.add_argument("--only", type=url_names, help="only these URLs, comma-separated")
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
    if args.command == "profile":
        env = production_env()
        url = prepare_database(env["BENCH_DATABASE_SERVER"], args.factor, env, args.database_prefix)
        env |= {"DATABASE_URL": url, "ALLOWED_HOSTS": "testserver"}
        env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="pactportal-bench-static-")
        manage(env, "collectstatic", "--noinput")
        empty_cache(env)
        os.environ.update(env)
        print(profile(args.only, args.misses))
        return 0
    if args.misses < 10 or args.cold < 1:
        parser.error("--misses takes 10 or more, --cold 1 or more")

    started = datetime.datetime.now(datetime.UTC)
    env = production_env()
    server = env["BENCH_DATABASE_SERVER"]
    big_url = prepare_database(server, args.factor, env, args.database_prefix)
    small_url = None if args.no_small else prepare_database(server, 1, env, args.database_prefix)

    # The short run at factor 1 first: what fails there fails before the long one.
    small = None
    if small_url:
        print("==> factor 1", flush=True)
        small = measure(env, small_url, args, full=False)
    print(f"==> factor {args.factor}", flush=True)
    big = measure(env, big_url, args, full=True)
    if not args.no_nginx:
        print(f"==> factor {args.factor} through nginx", flush=True)
        big["nginx"] = through_nginx(env, big_url, big["probe"], args)

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
