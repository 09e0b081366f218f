"""How long the admin's import takes: the preview and the confirm step of a large file.

Run with ``python -m tests.perf.imports`` (``--help`` for the options); not part of the test
suite. It uses the database ``DATABASE_URL`` names (created and migrated if missing, the real
data loaded), builds organisations, partnerships and memberships files of ``--rows`` rows,
and posts each through the admin's two steps as a superuser, in-process, timing each. Every
write is rolled back at the end, so the database is left as it was.

A gunicorn worker is killed after ``GUNICORN_TIMEOUT`` (30 s by default): each step has to
finish well within it.
"""

import argparse
import io
import os
import sys
import time

import django

PREFIX = "import-timing"


def ensure_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres".replace("postgres://", "postgresql://")) as conn:
        conn.autocommit = True
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def files(rows: int) -> dict[str, bytes]:
    from ecosystems.models import Ecosystem

    ecosystems = list(Ecosystem.objects.values_list("slug", flat=True))
    countries = ["IT", "ES", "FR", "DE", "PL", "PT", "BE", "NL", "AT", "SI"]
    organisations = ["slug,name,acronym,country,type,pic,eche_holder,website,source_url,status"]
    partnerships = [
        "slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,summary,status"
    ]
    memberships = ["partnership,organisation,role"]
    for n in range(rows):
        country = countries[n % len(countries)]
        organisations.append(
            f"{PREFIX}-org-{n},Organisation {n},O{n},{country},sme,,0,"
            f"https://org{n}.example.eu,,published"
        )
        if n % 2:
            partnerships.append(
                f"{PREFIX}-p-{n},Partnership {n},regional,regional,,"
                f"{ecosystems[n % 14]};{ecosystems[(n + 1) % 14]},{country};IT,2024-03,"
                f"A regional partnership.,draft"
            )
        else:
            partnerships.append(
                f"{PREFIX}-p-{n},Partnership {n},large-scale,,{ecosystems[n % 14]},,"
                f"{country},2021,A large-scale partnership.,published"
            )
        memberships.append(
            f"{PREFIX}-p-{n % 50},{PREFIX}-org-{n},{'coordinator' if n < 50 else 'member'}"
        )
    return {
        "organisation": "\n".join(organisations).encode(),
        "partnership": "\n".join(partnerships).encode(),
        "membership": "\n".join(memberships).encode(),
    }


def timed_import(client, model: str, content: bytes) -> tuple[float, float, dict]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    started = time.perf_counter()
    preview = client.post(
        reverse(f"admin:partnerships_{model}_import"),
        {"import_file": SimpleUploadedFile(f"{model}.csv", content), "format": "0"},
    )
    previewed = time.perf_counter() - started
    assert preview.status_code == 200, preview.status_code
    form = preview.context.get("confirm_form")
    if form is None:
        result = preview.context.get("result")
        errors = result.invalid_rows[:3] if result else preview.context["form"].errors
        sys.exit(f"{model}: the preview offers no confirmation: {errors}")
    totals = dict(preview.context["result"].totals)
    started = time.perf_counter()
    done = client.post(reverse(f"admin:partnerships_{model}_process_import"), form.initial)
    confirmed = time.perf_counter() - started
    assert done.status_code == 302, done.status_code
    return previewed, confirmed, totals


class RolledBack(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1500, help="rows in each file (1500)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    os.environ.setdefault("SECRET_KEY", "import-timing-only-key-never-used-in-production-0c5e")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(os.environ["DATABASE_URL"])
    django.setup()

    from django.contrib.auth import get_user_model
    from django.core import signals
    from django.core.management import call_command
    from django.db import close_old_connections, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_pact_data", stdout=io.StringIO())
    setup_test_environment()  # the responses' context, as in tests
    # One connection, one transaction for the whole run, rolled back at the end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    content = files(args.rows)
    print(f"{args.rows} rows a file; seconds for each step")
    print(f"{'file':<14}{'preview':>9}{'confirm':>9}{'again':>9}  rows")
    try:
        with transaction.atomic():
            admin = get_user_model().objects.create_superuser(f"{PREFIX}-admin")
            client = Client()
            client.force_login(admin)
            for model in ("organisation", "partnership", "membership"):
                preview, confirm, totals = timed_import(client, model, content[model])
                # The same file again: every row matched, and skipped as unchanged.
                again, _confirm, _totals = timed_import(client, model, content[model])
                shown = ", ".join(f"{k} {v}" for k, v in totals.items() if v)
                print(f"{model:<14}{preview:>9.1f}{confirm:>9.1f}{again:>9.1f}  {shown}")
            raise RolledBack
    except RolledBack:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
