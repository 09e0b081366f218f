"""gunicorn settings for the portal in production (and in the benchmark, which runs it so).

Each value can be overridden by an environment variable of the same name in capitals with a
GUNICORN_ prefix (GUNICORN_WORKERS=4), so one file serves every machine.
"""

import gc
import multiprocessing
import os


def _env(name: str, default):
    # Set but empty, as an environment file's "GUNICORN_WORKERS=" is: the default.
    value = os.environ.get(f"GUNICORN_{name.upper()}")
    return type(default)(value) if value else default


wsgi_app = "pactportal.wsgi:application"
# Production binds the socket systemd holds (deploy/systemd/pactportal.socket), which gunicorn
# takes over whatever this says; deploy/local-up gives each instance a socket of its own.
bind = _env("bind", "127.0.0.1:8000")
# Which peers may say, in X-Forwarded-Proto, that a request came over HTTPS: nginx. gunicorn
# always trusts a Unix socket's peer (only nginx can open it) and, over TCP, these addresses.
forwarded_allow_ips = _env("forwarded_allow_ips", "127.0.0.1,::1")
# Pages are CPU-bound Python: two workers a core keep the cores busy while others wait on
# PostgreSQL, without the memory of more.
workers = _env("workers", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = _env("timeout", 30)
graceful_timeout = _env("graceful_timeout", 30)
keepalive = 2
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = _env("max_requests", 5000)
max_requests_jitter = _env("max_requests_jitter", 500)
# Load the application once in the master and fork it: workers start at once and share pages.
preload_app = True
# No control socket: its default path is per user, not per instance, so two instances of one
# user (deploy/local-up --app-servers 2) would take each other's, and systemd already offers
# reload and stop.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = _env("errorlog", "-")


def when_ready(server):
    # The application is loaded and the workers are not forked yet: move every object loaded
    # so far out of the garbage collector's reach. Workers then share those pages instead of
    # copying them on the collector's first pass, and each full collection scans only what a
    # worker made itself.
    gc.freeze()


def post_worker_init(worker):
    # Forked, and not yet taking requests: open the worker's connections now rather than in a
    # reader's request (pactportal.warm.connect_after_fork).
    from pactportal.warm import connect_after_fork

    connect_after_fork()
