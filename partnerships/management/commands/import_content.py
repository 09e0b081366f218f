from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.content_archive import ArchiveError, read_archive


class Command(BaseCommand):
    help = (
        "Load a ZIP archive written by export_content: its records and its files, all or "
        "nothing. Run it on a migrated database; records with the same id are replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The ZIP file to read.")

    def handle(self, *args, archive: Path, **options):
        try:
            with archive.open("rb") as source:
                manifest = read_archive(source)
        except OSError as exc:
            raise CommandError(f"Cannot read {archive}: {exc.strerror}.") from exc
        except ArchiveError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        self.stdout.write(
            f"Imported {sum(manifest['records'].values())} records and {manifest['files']} "
            f"files from {archive}."
        )
