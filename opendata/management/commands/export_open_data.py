"""Write the bulk open-data ZIP now (the worker also writes it on a schedule)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from opendata import bulk


class Command(BaseCommand):
    help = _("Write every published table as CSV and JSON, with its data dictionary, in one ZIP.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help=_("Write the ZIP to this file instead of publishing it in the storage."),
        )

    def handle(self, *args, output=None, **options):
        if output:
            with open(output, "wb") as target:
                counts = bulk.write_zip(target)
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count}")
            self.stdout.write(_("Written to %(path)s.") % {"path": output})
            return
        archive = bulk.publish_archive()
        self.stdout.write(
            _("Published %(name)s (%(size)d bytes).") % {"name": archive.name, "size": archive.size}
        )
