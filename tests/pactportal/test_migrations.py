import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_models_and_migrations_are_in_step():
    # makemigrations --check exits non-zero when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, stdout=io.StringIO())


@pytest.fixture
def scratch_database():
    """A throw-away PostgreSQL database, so migrating to zero never touches the test data."""
    db = settings.DATABASES["default"]
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    name = f"pactportal_migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "ENV_FILE": "/nonexistent/.env"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_migration_can_be_reversed_and_applied_again(scratch_database):
    count_rows = (
        "from ecosystems.models import Ecosystem; from partnerships.models import Country; "
        "print(Ecosystem.objects.count(), Country.objects.count())"
    )
    manage(scratch_database, "migrate", "--noinput")
    manage(scratch_database, "load_pact_data")
    forward = manage(scratch_database, "shell", "--no-imports", "-c", count_rows).split()

    manage(scratch_database, "migrate", "ecosystems", "zero", "--noinput")
    unapplied = manage(scratch_database, "showmigrations", "ecosystems", "partnerships")
    assert "[X]" not in unapplied

    manage(scratch_database, "migrate", "--noinput")
    again = manage(scratch_database, "shell", "--no-imports", "-c", count_rows).split()
    assert forward[0] == again[0] == "14"
    assert int(again[1]) > 240  # every ISO 3166-1 country
