import contextlib
import io
import re
import shutil
import subprocess
import time
import uuid

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from core.cache import generations, local, local_pages
from tests.perf.bench.servers import free_port


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Uploaded files go to a per-test folder; hashing passwords slowly tests nothing of ours.
    settings.MEDIA_ROOT = tmp_path / "media"
    # An empty collected-files folder: static files come from the finders (see settings).
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The cache is on, as in production (no_page_cache turns it off). Each test rolls its data
    # back without a signal, so what one test cached must not answer in the next: every test
    # starts from an empty cache.
    empty_caches()
    # Each process reads the database's content generation at most every few seconds: at a
    # time no test controls, so a query count could be one more. The tests that check it turn
    # the interval to zero; elsewhere it counts as just read.
    settings.CONTENT_GENERATION_CHECK_SECONDS = 3600
    generations.database.seen(0)
    # Each request activates its language for the rest of the thread; a test starts in English
    # whatever the one before it requested.
    with translation.override(settings.LANGUAGE_CODE):
        yield


# Before pytest-django points the connection at the test database.
DEVELOPMENT_DATABASE = settings.DATABASES["default"]["NAME"]
# The rows the migrations wrote, table by table, and the blocker that lets a hook write them.
MIGRATED_ROWS = pytest.StashKey[tuple]()


@pytest.fixture(autouse=True, scope="session")
def _migrated_rows_survive(request, django_db_setup, django_db_blocker):
    """Put back the rows the data migrations wrote (ecosystems, countries, groups) whenever a
    test emptied them.

    A transactional test (the browser tests, whose live server reads from another thread)
    empties every table when it ends. The suite runs in several processes, each with its own
    database, and a process may run such a test before others (``pytest_runtest_teardown``
    below puts the rows back after each one); a later run reusing the test database finds
    them too. A run of tests that need no database sets none up: then there is nothing to
    protect, and the connection still names the development database, which must not be
    touched.
    """
    if connection.settings_dict["NAME"] == DEVELOPMENT_DATABASE:
        yield
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Emptied tables get their rows back whole: the post-migrate signal may have written
        # some of them again (content types, permissions).
        rows = [
            (table, True, copied_out(cursor, table))
            for table in content_tables(cursor)
            if has_rows(cursor, table)
        ]
    request.config.stash[MIGRATED_ROWS] = (django_db_blocker, rows)
    yield
    del request.config.stash[MIGRATED_ROWS]
    with django_db_blocker.unblock():
        copy_in(rows)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    saved = item.config.stash.get(MIGRATED_ROWS, None)
    if saved is not None and empties_tables(item):
        blocker, rows = saved
        with blocker.unblock():
            copy_in(rows)


def empties_tables(item) -> bool:
    """Whether ``item`` ends as pytest-django ends a transactional test: by emptying every
    table."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    flushing = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return not flushing.isdisjoint(getattr(item, "fixturenames", ()))


def empty_caches():
    cache.clear()
    for memory in (local, local_pages):
        memory.entries.clear()


@pytest.fixture
def no_page_cache(settings):
    """The portal with the page cache, remembered values and drawn records off."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(scope="session")
def _pact_data_rows(django_db_setup, django_db_blocker) -> list[tuple[str, bool, bytes]]:
    """The rows the real data's load writes, table by table: loaded once, then rolled back.

    Loading the real data takes seconds and dozens of tests need it. Each gets the same rows
    back by PostgreSQL's COPY instead, in its own transaction. Only the tables the load
    changes are kept: a test's own users or records in other tables stay as they are.
    """
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        before = {table: copied_out(cursor, table) for table in content_tables(cursor)}
        had_rows = {table for table in before if has_rows(cursor, table)}
        call_command("load_pact_data", stdout=io.StringIO())
        after = {table: copied_out(cursor, table) for table in before}
        transaction.set_rollback(True)
    return [
        (table, table in had_rows, rows) for table, rows in after.items() if rows != before[table]
    ]


@pytest.fixture
def pact_data(db, _pact_data_rows):
    """The portal's real data, as the quick start loads it (``load_pact_data``)."""
    copy_in(_pact_data_rows)


def copy_in(tables) -> None:
    """Write back ``(table, replace, rows)`` as ``copied_out()`` read them, in one transaction:
    in place of what the table holds where ``replace`` is true, beside it otherwise.

    The rows go back as they were written: their triggers and foreign keys already ran.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table, replace, rows in tables:
            if replace:
                cursor.execute(f'DELETE FROM "{table}"')
            with cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                copy.write(rows)
            for column in identity_columns(cursor, table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f'(SELECT coalesce(max("{column}"), 0) + 1 FROM "{table}"), false)',
                    [table, column],
                )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def content_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'django_migrations' ORDER BY tablename"
    )
    return [table for (table,) in cursor.fetchall()]


def has_rows(cursor, table: str) -> bool:
    cursor.execute(f'SELECT EXISTS (SELECT FROM "{table}")')
    return cursor.fetchone()[0]


def copied_out(cursor, table: str) -> bytes:
    with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def identity_columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = %s AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')",
        [table],
    )
    return [column for (column,) in cursor.fetchall()]


@contextlib.contextmanager
def scratch_database(prefix: str, template: str | None = None):
    """A throw-away PostgreSQL database on the test server, dropped afterwards: its URL.

    With ``template`` (``migrated_template``), a copy of the migrated test database.
    """
    db = settings.DATABASES["default"]
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True, scope="session")
def migrated_template(_migrated_rows_survive, django_db_blocker) -> str | None:
    """The name of a copy of the test database as migrations left it, made at the start.

    Servers and commands the tests start in their own processes need a migrated database of
    their own: copying this one takes a second, migrating one takes a minute. Copying needs the
    database to itself, which only the start of the session guarantees.
    """
    if connection.settings_dict["NAME"] == DEVELOPMENT_DATABASE:
        yield None
        return
    with django_db_blocker.unblock():
        connection.close()
        with scratch_database("pactportal_migrated", connection.settings_dict["NAME"]) as url:
            yield url.rsplit("/", 1)[1]


@pytest.fixture
def scratch_database_url(migrated_template):
    """A throw-away migrated PostgreSQL database, so migrating to zero never touches the test
    data."""
    with scratch_database("pactportal_scratch", migrated_template) as url:
        yield url


@pytest.fixture
def empty_database_url():
    """A throw-away PostgreSQL database with no tables at all."""
    with scratch_database("pactportal_empty") as url:
        yield url


@pytest.fixture(scope="session")
def redis_server():
    """A Redis server of this test process's own, on a free port: its address, without a
    database number (``redis://127.0.0.1:PORT``).

    The suite runs in several processes at once, and some tests pause a server's writes or
    drop its subscribers: on a shared server that would reach the other processes' tests.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis is not installed (redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def loaded_assets(html: str) -> list[str]:
    """Addresses a browser fetches to show the page: scripts, images, stylesheets and icons."""
    return re.findall(
        r'<(?:script[^>]+src|img[^>]+src|link[^>]+rel="(?:stylesheet|icon|preload)"[^>]+href)'
        r'="([^"]+)"',
        html,
    )
