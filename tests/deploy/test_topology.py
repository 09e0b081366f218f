"""The production topology of deploy/, brought up on this machine the way an operator does.

One topology for the module: ``deploy/local-up --app-servers 2`` on a database of its own,
then the smoke test through nginx, a publish through one app server read through the other,
one app server stopped under load and the other reloaded. ``deploy/local-down`` must then
leave nothing running.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import scratch_database
from tests.topology import LocalTopology

BASE_DIR = Path(__file__).resolve().parents[2]
MICROCACHE_SECONDS = 2
PASSWORD = secrets.token_urlsafe(16)


def run(*command, env, check=True):
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=check, timeout=600
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def manage(topology: LocalTopology, *args: str, **variables: str) -> str:
    # The portal's settings from the topology's own environment file, nothing of ours.
    env = {
        "PATH": topology.env["PATH"],
        "ENV_FILE": str(topology.state / "pactportal.env"),
        **variables,
    }
    return run(str(BASE_DIR / ".venv/bin/python"), "manage.py", *args, env=env).stdout


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP straight to one gunicorn instance's socket, past nginx."""

    def __init__(self, path: str):
        super().__init__("localhost", timeout=30)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.socket_path)


def call(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, content


@pytest.fixture(scope="module")
def topology(migrated_template, redis_server):
    with scratch_database("pactportal_topology", migrated_template) as database_url:
        topology = LocalTopology(
            database_url,
            f"{redis_server}/5",
            # The load below comes from one address, as no real client's does.
            API_THROTTLE_ANON="off",
        )
        up = topology.up("--app-servers", "2", "--microcache-seconds", str(MICROCACHE_SECONDS))
        assert up.returncode == 0, up.stdout + up.stderr
        pids = [
            topology.pid("nginx.pid"),
            topology.pid("run/app1.pid"),
            topology.pid("run/app2.pid"),
        ]
        try:
            yield topology
        finally:
            down = topology.down()
        assert down.returncode == 0, down.stdout + down.stderr
        assert not [pid for pid in pids if alive(pid)], "local-down left processes running"
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", topology.port)) != 0, "nginx still listens"


@pytest.fixture(scope="module")
def curator(topology):
    # create_curator reads the password from the variable named: give it in that process only.
    manage(
        topology,
        "create_curator",
        "--username",
        "smoke-curator",
        "--password-from-env",
        "P",
        P=PASSWORD,
    )
    token = manage(topology, "drf_create_token", "smoke-curator").split()[2]
    return "smoke-curator", token


def test_smoke_through_nginx(topology, curator):
    name, token = curator
    env = {**topology.env, "SMOKE_CURATOR_PASSWORD": PASSWORD, "SMOKE_CURATOR_TOKEN": token}
    smoke = run(
        "deploy/smoke",
        topology.url,
        "--curator",
        name,
        "--microcache-seconds",
        str(MICROCACHE_SECONDS),
        env=env,
        check=False,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke test passed" in smoke.stdout
    # Every check the issue names ran, not only the first few.
    for check in ("home page", "partnership page", "API list", "download", "admin", "publish"):
        assert check in smoke.stdout


def test_two_app_servers_share_content_and_survive_losing_one(topology, curator):
    _name, token = curator
    app1 = str(topology.state / "run/app1.sock")
    app2 = str(topology.state / "run/app2.sock")
    slug = f"cross-{secrets.token_hex(4)}"
    api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    body = json.dumps({"slug": slug, "title": f"Cross {slug}", "kind": "report", "status": "draft"})
    assert call(UnixHTTPConnection(app1), "POST", "/api/v1/documents/", body, api)[0] == 201
    page = f"/en/documents/{slug}/"
    assert call(UnixHTTPConnection(app2), "GET", page)[0] == 404
    publish = json.dumps({"status": "published"})
    status, _ = call(UnixHTTPConnection(app1), "PATCH", f"/api/v1/documents/{slug}/", publish, api)
    assert status == 200
    # Published through app server 1, at once on app server 2: one database, one cache.
    status, content = call(UnixHTTPConnection(app2), "GET", page)
    assert status == 200 and f"Cross {slug}".encode() in content

    failures, served, stopped_at = [], [], []
    stop = threading.Event()
    paths = ["/en/partnerships/", "/en/documents/", "/api/v1/partnerships/", page]

    def load(worker: int):
        n = 0
        while not stop.is_set():
            n += 1
            # A query never asked before: past the microcache, to a gunicorn instance.
            path = f"{paths[n % len(paths)]}?load={worker}-{n}"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", topology.port, timeout=30)
                status, _ = call(connection, "GET", path)
            except OSError as error:
                failures.append((path, repr(error)))
                continue
            if status != 200:
                failures.append((path, status))
            served.append(time.monotonic())

    threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    app1_pid = topology.pid("run/app1.pid")
    down = topology.run("deploy/local-down", "--app-server", "1")
    stopped_at.append(time.monotonic())
    time.sleep(1)
    # Then a graceful reload of the one left (systemctl reload sends the same HUP): new
    # workers start and the old finish their requests, with no other server to retry on.
    app2_pid = topology.pid("run/app2.pid")
    workers_before = workers_of(app2_pid)
    os.kill(app2_pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while workers_of(app2_pid) & workers_before and time.monotonic() < deadline:
        time.sleep(0.2)
    reloaded_at = time.monotonic()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()

    assert down.returncode == 0, down.stderr
    assert not alive(app1_pid), "app server 1 still runs"
    assert not workers_of(app2_pid) & workers_before, "app server 2 kept its old workers"
    assert failures == []
    after_stop = [t for t in served if stopped_at[0] < t < reloaded_at]
    after_reload = [t for t in served if t > reloaded_at]
    assert len(after_stop) > 20 and len(after_reload) > 5, (len(after_stop), len(after_reload))


def workers_of(master: int) -> set[str]:
    return set(Path(f"/proc/{master}/task/{master}/children").read_text().split())


def test_a_client_cannot_choose_the_address_it_is_locked_out_under(topology):
    """nginx replaces X-Forwarded-For: a new made-up address for each guess of a password
    does not escape the sign-in lockout, which counts the address nginx saw."""
    connection = http.client.HTTPConnection

    def sign_in(username: str, forwarded_for: str) -> int:
        # The form and its cookie come together; send both back, as a browser does.
        page = connection("127.0.0.1", topology.port)
        page.request("GET", "/admin/login/", headers={"Host": f"127.0.0.1:{topology.port}"})
        response = page.getresponse()
        content = response.read()
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1].decode()
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": username, "password": "wrong guess"}
        )
        status, _ = call(
            connection("127.0.0.1", topology.port),
            "POST",
            "/admin/login/",
            form,
            {
                "Host": f"127.0.0.1:{topology.port}",
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": forwarded_for,
            },
        )
        return status

    # AXES_FAILURE_LIMIT's default: the fifth failure locks the pair out.
    statuses = [sign_in("intruder", f"198.51.100.{n}") for n in range(1, 7)]
    assert statuses == [200] * 4 + [429] * 2  # the form again with its error, then refused
    # The lockout is for that name from this address, not for everyone.
    assert sign_in("someone-else", "198.51.100.99") == 200
