"""A full export and re-import of the content, with its files, loses nothing."""

import io
import json
import os
import subprocess
import sys
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from core.models import PublicationStatus
from partnerships.models import DocumentFile, Partnership
from tests.factories import DocumentFactory, PartnershipFactory, make_pdf
from tests.pactportal.test_settings import ROOT


def manage(database_url: str, media: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": media,
            "ENV_FILE": "/nonexistent/.env",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def archive_contents(path) -> tuple[bytes, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        records = archive.read("content.xml")
        files = {
            name: archive.read(name) for name in archive.namelist() if name.startswith("media/")
        }
    return records, files


@pytest.mark.django_db
def test_export_then_import_on_a_fresh_database_round_trips_everything(
    pact_data, scratch_database_url, tmp_path
):
    PartnershipFactory(name="A draft nobody sees yet", status=PublicationStatus.DRAFT)
    for language, pages in [("en", 2), ("fr", 3)]:
        version = DocumentFile(document=DocumentFactory(), language=language)
        version.file = ContentFile(make_pdf(pages=pages), name=f"agreement-{language}.pdf")
        version.full_clean()
        version.save()
    first = tmp_path / "first.zip"
    call_command("export_content", str(first), stdout=io.StringIO())

    media = tmp_path / "restored-media"
    manage(scratch_database_url, str(media), "migrate", "--noinput")
    imported = manage(scratch_database_url, str(media), "import_content", str(first))
    assert "Imported" in imported
    second = tmp_path / "second.zip"
    manage(scratch_database_url, str(media), "export_content", str(second))

    records, files = archive_contents(first)
    again, files_again = archive_contents(second)
    assert again == records  # every record, every field, to the microsecond
    assert files_again == files
    models = [o.get("model") for o in ElementTree.fromstring(records).iter("object")]
    assert {"partnerships.partnership", "partnerships.documentfile", "alliances.alliance"} <= set(
        models
    )
    assert len(files) == 2
    assert models.count("partnerships.partnership") == Partnership.objects.count()
    # The files are back where the records point.
    for version in DocumentFile.objects.exclude(file=""):
        assert (media / version.file.name).read_bytes() == files[f"media/{version.file.name}"]


@pytest.mark.django_db
def test_an_archive_with_a_file_name_leaving_the_media_folder_imports_nothing(tmp_path):
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as hostile:
        hostile.writestr("manifest.json", json.dumps({"format": 1, "records": {}, "files": 1}))
        hostile.writestr("content.xml", '<django-objects version="1.0"></django-objects>')
        hostile.writestr("media/../../outside.txt", "nope")
    with pytest.raises(CommandError, match="outside the media folder"):
        call_command("import_content", str(archive), stdout=io.StringIO())
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(make_pdf())
    with pytest.raises(CommandError, match="not a content archive"):
        call_command("import_content", str(bogus), stdout=io.StringIO())
