from django.core.management.base import BaseCommand

from core.services import publication_run_schedule


class Command(BaseCommand):
    help = (
        "Publish the drafts whose publication time has passed and archive the records whose "
        "archiving time has passed (the worker does it every minute; this is for cron)."
    )

    def handle(self, *args, **options):
        changed = publication_run_schedule()
        self.stdout.write(f"{changed} record(s) changed.")
