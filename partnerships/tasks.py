"""The partnerships app's background tasks, run by the worker (``manage.py procrastinate worker``).

Reading the text of a long PDF takes longer than an upload may wait: the upload queues it here
(``services.document_text_refresh()``), in the transaction that saved the version.
"""

from django.conf import settings
from procrastinate.contrib.django import app

from . import services
from .models import DocumentFile, TextStatus
from .pdftext import ExtractionTimedOut


@app.task(name=services.READ_TEXT_TASK)
def read_document_text(version_id: int) -> None:
    version = DocumentFile.objects.select_related("document").filter(pk=version_id).first()
    if (
        version is None  # deleted since
        or version.text_status != TextStatus.PENDING  # read since (the command)
        or version.text_sha256 != version.sha256  # replaced: its own job reads it
    ):
        return
    try:
        services.document_text_read(version=version, seconds=settings.DOCUMENT_TEXT_JOB_SECONDS)
    except ExtractionTimedOut:
        services.document_text_failed(version=version)
