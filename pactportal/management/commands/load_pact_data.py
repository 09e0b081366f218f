import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from alliances.services import alliance_data_load, members_data_load
from figures.services import figure_data_load
from partnerships.content_translations import TRANSLATIONS_FILE_NAME, content_translations_load
from partnerships.services import PactDataError, pact_data_load

DEFAULT_DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "pact_for_skills.json"
DEFAULT_MEMBERS_FILE = DEFAULT_DATA_FILE.with_name("members.json")


class Command(BaseCommand):
    help = (
        "Load the Pact for Skills data file (ecosystems, organisations, partnerships, "
        "documents, programme countries, funding calls, alliances, official figures), then "
        "the members file (the organisations, memberships and member counts public sources "
        "name) and the French and German texts of the partnerships and documents. Idempotent "
        "and all-or-nothing: records are matched by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_DATA_FILE,
            help="Data file to load (default: the portal's own data file).",
        )
        parser.add_argument(
            "--members-file",
            type=Path,
            default=DEFAULT_MEMBERS_FILE,
            help="Members file to load after it (default: the portal's own members file).",
        )
        parser.add_argument(
            "--translations",
            type=Path,
            default=None,
            help=(
                f"Translations of the partnerships and documents (default: {TRANSLATIONS_FILE_NAME}"
                " beside the data file, when there is one)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, then roll everything back.",
        )

    def handle(
        self,
        *args,
        file: Path,
        members_file: Path,
        translations: Path | None,
        dry_run: bool,
        **options,
    ):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database has unapplied migrations. Run 'manage.py migrate' first."
            )
        data, members = read_json(file), read_json(members_file)
        beside = file.with_name(TRANSLATIONS_FILE_NAME)
        translations = translations or (beside if beside.is_file() else None)
        texts = read_json(translations) if translations else None

        try:
            # The loader sets translated fields (launch note, pledge…) by their plain name,
            # which writes the active language's column: that must be the English one.
            with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
                report = pact_data_load(data=data)
                alliance_data_load(data=data, report=report)
                members_data_load(data=members, report=report)
                figure_data_load(data=data, report=report)
                stale = content_translations_load(data=texts, report=report) if texts else []
                if dry_run:
                    transaction.set_rollback(True)
        except PactDataError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc

        for line in report.lines():
            self.stdout.write(line)
        for line in stale:
            self.stdout.write(self.style.WARNING(f"Not loaded: {line}."))
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Loaded {file.name}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{file.name} is already loaded; no changes."))


def read_json(file: Path):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{file} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}."
        ) from exc
