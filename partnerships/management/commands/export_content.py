from pathlib import Path

from django.core.management.base import BaseCommand

from core.content_archive import write_archive


class Command(BaseCommand):
    help = (
        "Write all the portal's content (every record of ecosystems, partnerships, "
        "organisations, documents, alliances and calls, drafts included) and every uploaded "
        "file to one ZIP archive, for import_content on another database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The ZIP file to write.")

    def handle(self, *args, archive: Path, **options):
        manifest = write_archive(archive)
        self.stdout.write(
            f"Wrote {sum(manifest['records'].values())} records and {manifest['files']} files "
            f"to {archive}."
        )
