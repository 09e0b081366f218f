"""Read replicas: reads go to a replica; writes, and the writer's next reads, to the primary.

The portal runs as in production (gunicorn, settings read at start-up) on two real PostgreSQL
databases: the primary, and a copy of it standing in for a streaming replica. The copy refuses
writes, like a hot standby, and lags on purpose: a change made on the primary after the copy
is not in it, so every answer shows which database it was read from.
"""

import http.client
import json
import socket
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings

from tests.pactportal.test_settings import ROOT, SECRET, clean_environment
from tests.partnerships.test_api import PARTNERSHIP_BODY

TOKEN = "5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f"
LAGGING = "lagging-partnership"
REPLICATED_NAME = "The name both databases have"
UNREPLICATED_NAME = "The name only the primary has yet"
WRITTEN = "written-through-the-api"

# The curator and the partnership both databases start with.
SEED = f"""
import django
django.setup()
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from tests.factories import PartnershipFactory

curator = User.objects.create_user("replica-curator", is_staff=True)
curator.user_permissions.set(Permission.objects.filter(content_type__app_label="partnerships"))
Token.objects.create(user=curator, key="{TOKEN}")
PartnershipFactory(slug="{LAGGING}", name="{REPLICATED_NAME}")
"""

PORTAL_ENV = {
    "SECRET_KEY": SECRET,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "PAGE_CACHE_SECONDS": "0",
    "STATIC_MANIFEST": "false",
}


def database_server() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }


def connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, autocommit=True, **database_server())


def database_url(name: str) -> str:
    server = database_server()
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def run(args: list[str], **env: str) -> None:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_environment(**PORTAL_ENV, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def primary_and_replica(migrated_template):
    """Two throw-away databases: a migrated primary, and a read-only copy of it."""
    tag = uuid.uuid4().hex[:12]
    primary, replica = f"pactportal_replicas_{tag}_primary", f"pactportal_replicas_{tag}_replica"
    try:
        with connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{primary}" TEMPLATE "{migrated_template}"')
        run(["-c", SEED], DATABASE_URL=database_url(primary))
        with connect("postgres") as admin:
            # A copy needs the primary to itself; PostgreSQL waits a few seconds for the
            # connections of the processes above to close.
            admin.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
            admin.execute(f'ALTER DATABASE "{replica}" SET default_transaction_read_only = on')
        # Replication lag: a change the replica has not received yet.
        with connect(primary) as db:
            db.execute(
                "UPDATE partnerships_partnership SET name = %s WHERE slug = %s",
                [UNREPLICATED_NAME, LAGGING],
            )
        yield primary, replica
    finally:
        with connect("postgres") as admin:
            for name in (replica, primary):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def portal(primary_and_replica, tmp_path):
    """gunicorn with one worker on the primary and its replica; requests wait in the listening
    socket until the worker has started."""
    primary, replica = primary_and_replica
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = (tmp_path / "gunicorn.log").open("w+")
    # gunicorn's defaults, whatever a gunicorn.conf.py in the working directory would say.
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pactportal.wsgi:application",
            f"--config={config}",
            f"--bind=fd://{listener.fileno()}",
            # One worker, one thread: every request runs in the same thread, so a request
            # pinned to the primary must not leave the next one pinned.
            "--workers=1",
            "--worker-class=sync",
        ],
        cwd=ROOT,
        env=clean_environment(
            **PORTAL_ENV,
            DATABASE_URL=database_url(primary),
            DATABASE_REPLICA_URLS=database_url(replica),
        ),
        pass_fds=[listener.fileno()],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    listener.close()
    portal = Portal(port, server, log)
    yield portal
    portal.stop()
    log.close()


class Portal:
    """The running portal, over HTTP, with the log of its server."""

    def __init__(self, port, server, log):
        self.port, self.server, self.log = port, server, log

    def request(self, method: str, path: str, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = json.dumps(body) if body is not None else None
            sent = {"Accept": "application/json", **(headers or {})}
            if payload is not None:
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def logged(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def named(portal: Portal, path: str, headers=None) -> str:
    status, _, body = portal.request("GET", path, headers=headers)
    assert status == 200, (body, portal.logged())
    return json.loads(body)["name"]


def table_statistics(dbname: str) -> dict[str, tuple[int, int]]:
    """Rows written and scans made since the database was created, by table."""
    with connect(dbname) as db:
        return {
            table: (written, scans)
            for table, written, scans in db.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del,"
                " coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables"
            )
        }


def test_reads_go_to_the_replica_and_writes_with_the_writers_next_reads_to_the_primary(
    primary_and_replica, portal
):
    primary, replica = primary_and_replica
    detail = f"/api/v1/partnerships/{LAGGING}/"
    pinned = {"Cookie": "multidb_pin_writes=y"}

    # An anonymous reader is answered from the replica: the page, a record and a list.
    assert named(portal, detail) == REPLICATED_NAME
    status, headers, page = portal.request("GET", f"/en/partnerships/{LAGGING}/")
    assert status == 200, portal.logged()
    assert REPLICATED_NAME in page
    assert UNREPLICATED_NAME not in page
    assert headers.get("Set-Cookie") is None
    status, _, listed = portal.request("GET", "/api/v1/partnerships/")
    assert [p["name"] for p in json.loads(listed)["results"]] == [REPLICATED_NAME]

    # A curator's write goes to the primary, and so does the read of the record it answers
    # with, in the same request: the replica does not have the record at all.
    status, headers, body = portal.request(
        "POST",
        "/api/v1/partnerships/",
        {**PARTNERSHIP_BODY, "slug": WRITTEN, "status": "published"},
        headers={"Authorization": f"Token {TOKEN}"},
    )
    assert status == 201, (body, portal.logged())
    created = json.loads(body)
    assert created["slug"] == WRITTEN
    assert created["countries"] == [{"code": "ES", "name": "Spain"}]
    assert created["member_count"] == 0
    # The writer's client reads the primary for the next 15 seconds; over HTTPS only, and out
    # of reach of scripts.
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("multidb_pin_writes=y;"), cookie
    assert {"Max-Age=15", "Secure", "HttpOnly", "SameSite=Lax"} <= {
        part.strip() for part in cookie.split(";")
    }
    find = "SELECT name FROM partnerships_partnership WHERE slug = %s"
    with connect(primary) as db:
        assert db.execute(find, [WRITTEN]).fetchall() == [(PARTNERSHIP_BODY["name"],)]
    with connect(replica) as db:
        assert db.execute(find, [WRITTEN]).fetchall() == []

    # With the cookie, reads come from the primary: the new record, and the change the replica
    # has not received.
    assert named(portal, f"/api/v1/partnerships/{WRITTEN}/", pinned) == PARTNERSHIP_BODY["name"]
    assert named(portal, detail, pinned) == UNREPLICATED_NAME
    status, _, page = portal.request("GET", f"/en/partnerships/{LAGGING}/", headers=pinned)
    assert status == 200
    assert UNREPLICATED_NAME in page

    # Without it, in the same worker thread, reads go back to the replica.
    assert named(portal, detail) == REPLICATED_NAME
    status, _, body = portal.request("GET", f"/api/v1/partnerships/{WRITTEN}/")
    assert status == 404, body

    # The replica was read, and nothing was written there. (Statistics are complete once the
    # worker's connections have closed.)
    portal.stop()
    with connect("postgres") as admin:
        for _ in range(100):
            if not admin.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s", [replica]
            ).fetchone():
                break
            time.sleep(0.05)
    statistics = table_statistics(replica)
    assert statistics["partnerships_partnership"][1] > 0
    assert {table: written for table, (written, _) in statistics.items() if written} == {}
    assert table_statistics(primary)["partnerships_partnership"][0] > 0


PRINT_ROUTING = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, "
    "[m for m in s.MIDDLEWARE if m.startswith('multidb')])"
)


def test_without_replica_urls_there_is_no_router_and_no_pinning():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_ROUTING],
        cwd=ROOT,
        env=clean_environment(**PORTAL_ENV, DATABASE_URL=database_url("pactportal")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default'] [] []"


def test_manage_py_commands_read_the_primary(primary_and_replica):
    """A command reads what it writes: the data loader or a migration must never see the
    replica's older rows."""
    primary, replica = primary_and_replica
    shown = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from partnerships.models import Partnership; "
            f"print(Partnership.objects.get(slug={LAGGING!r}).name)",
        ],
        cwd=ROOT,
        env=clean_environment(
            **PORTAL_ENV,
            DATABASE_URL=database_url(primary),
            DATABASE_REPLICA_URLS=database_url(replica),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == UNREPLICATED_NAME
