from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnerships.models import DocumentFile
from partnerships.pdftext import ExtractionTimedOut
from partnerships.services import document_text_failed, document_text_read


class Command(BaseCommand):
    help = (
        "Read the text of every uploaded language version of one document (by slug), or of all "
        "documents (--all), again, each within DOCUMENT_TEXT_JOB_SECONDS: for files uploaded "
        "before the portal read them, or after a better extractor."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Documents' slugs.")
        parser.add_argument("--all", action="store_true", dest="every", help="Every document.")

    def handle(self, *args, slugs: list[str], every: bool, **options):
        if bool(slugs) == every:
            raise CommandError("Name documents by their slugs, or give --all (not both).")
        versions = DocumentFile.objects.exclude(file="").select_related("document")
        if slugs:
            versions = versions.filter(document__slug__in=slugs)
            if unknown := set(slugs) - set(versions.values_list("document__slug", flat=True)):
                raise CommandError(f"No uploaded file for: {', '.join(sorted(unknown))}")
        for version in versions.order_by("document__slug", "language"):
            try:
                status = document_text_read(
                    version=version, seconds=settings.DOCUMENT_TEXT_JOB_SECONDS
                )
            except ExtractionTimedOut:
                document_text_failed(version=version)
                status = version.text_status
            self.stdout.write(f"{version.document.slug} ({version.language}): {status}")
