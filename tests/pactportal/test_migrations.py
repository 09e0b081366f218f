import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_models_and_migrations_are_in_step():
    # makemigrations --check exits non-zero when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, stdout=io.StringIO())


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


def test_every_migration_can_be_reversed_and_applied_again(scratch_database_url):
    count_rows = (
        "from ecosystems.models import Ecosystem; from partnerships.models import Country; "
        "print(Ecosystem.objects.count(), Country.objects.count())"
    )
    manage(scratch_database_url, "migrate", "--noinput")
    manage(scratch_database_url, "load_pact_data")
    forward = manage(scratch_database_url, "shell", "--no-imports", "-c", count_rows).split()

    manage(scratch_database_url, "migrate", "ecosystems", "zero", "--noinput")
    unapplied = manage(scratch_database_url, "showmigrations", "ecosystems", "partnerships")
    assert "[X]" not in unapplied

    manage(scratch_database_url, "migrate", "--noinput")
    again = manage(scratch_database_url, "shell", "--no-imports", "-c", count_rows).split()
    assert forward[0] == again[0] == "14"
    assert int(again[1]) > 240  # every ISO 3166-1 country
