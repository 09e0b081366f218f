"""Language versions uploaded as PDFs: measured on save, refused when not a real PDF."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from partnerships.models import DocumentFile
from tests.factories import DocumentFactory, make_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "agreement.pdf", language: str = "fr") -> DocumentFile:
    version = DocumentFile(document=DocumentFactory(), language=language)
    version.file = ContentFile(content, name=name)
    return version


def test_a_real_pdf_is_measured_and_stored_under_an_unguessable_path():
    content = make_pdf(pages=3)
    version = upload(content, name="../../Accord de partenariat (final).PDF")
    version.full_clean()
    version.save()

    version.refresh_from_db()
    assert version.size_bytes == len(content)
    assert version.page_count == 3
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.file_format == DocumentFile.Format.PDF
    assert re.fullmatch(
        r"documents/\d{4}/\d{2}/[0-9a-f]{32}/accord-de-partenariat-final\.pdf", version.file.name
    )
    with version.file.open("rb") as stored:
        assert stored.read() == content


def test_replacing_the_file_measures_the_new_one():
    version = upload(make_pdf(pages=1))
    version.save()
    first_hash = version.sha256
    version.file = pdf_upload(pages=5)
    version.save()
    assert version.page_count == 5
    assert version.sha256 != first_hash


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf at all", "not a PDF"),
        (b"PK\x03\x04" + b"\x00" * 200, "not a PDF"),
        (b"%PDF-1.7\n this is not really a PDF body", "could not be read"),
        (make_pdf(pages=2, password="secret"), "encrypted"),
    ],
    ids=["gif", "zip-named-pdf", "truncated", "encrypted"],
)
def test_what_is_not_a_readable_pdf_is_refused_with_a_clear_message(content, message):
    version = upload(content)
    with pytest.raises(ValidationError, match=message):
        version.full_clean()
    with pytest.raises(ValidationError, match=message):
        version.save()
    assert not DocumentFile.objects.exists()


def test_files_over_the_configured_limit_are_refused(settings):
    content = make_pdf(pages=40)
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(content) - 1
    with pytest.raises(ValidationError, match="larger than"):
        upload(content).full_clean()
    settings.DOCUMENT_MAX_UPLOAD_BYTES = len(content)
    upload(content).full_clean()
