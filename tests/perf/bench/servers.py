"""The benchmark's databases and processes: PostgreSQL databases with the scale data, gunicorn
as production starts it, Redis, and a process that changes content on demand."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis

BASE_DIR = Path(__file__).resolve().parents[3]


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


class ContentWriter:
    """A Django process of the benchmark's settings that changes content when asked: each
    change is a real write of a published organisation, which ends the content generation as
    a curator's edit does (``python -m tests.perf.bench writer``)."""

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
            sys.exit("the content writer stopped (python -m tests.perf.bench writer)")

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def collect_and_probe(env: dict, misses: int = 0) -> dict:
    """Collect the static files into ``env``'s STATIC_ROOT, then ask Django for the URLs.

    The probe also leaves each URL's bytes under ``bench/`` there, as its static ceiling.
    """
    static_root = Path(env["STATIC_ROOT"])
    manage(env, "collectstatic", "--noinput")
    output = run(
        [
            *[sys.executable, "-m", "tests.perf.bench", "probe", str(static_root / "bench")],
            *["--misses", str(misses)],
        ],
        in_process_env(env),
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def in_process_env(env: dict) -> dict:
    """``env`` for a Django process of the benchmark's own (the probe, the soak's addresses)."""
    return {
        **env,
        # The per-process memory cache: it never touches the server's Redis.
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "testserver",
        # The content generation checked against the database once an hour, so that the check
        # (at most once a second in a running process) falls in no query count.
        "CONTENT_GENERATION_CHECK_SECONDS": "3600",
    }


def empty_cache(env: dict) -> None:
    """Empty the benchmark's Redis database: each run starts from a cache of its own, since
    what was remembered for one database does not hold for another."""
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


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
