"""A whole-content archive: every record of the content apps and every uploaded file, in one ZIP.

``write_archive()`` and ``read_archive()`` back the ``export_content`` and ``import_content``
commands. The records are Django's XML serialisation (``dumpdata --format xml``), which keeps
times to the microsecond where its JSON rounds them to the millisecond, so a round trip changes
nothing. The files keep their storage names, so the records' file fields still point at them.
Change history stays out: it belongs to the database backup (pg_dump), not to the content.
"""

import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.db.models import FileField

from .cache import CONTENT_APPS, content_changed

RECORDS = "content.xml"
FILES = "media/"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class ArchiveError(Exception):
    pass


def content_models() -> list:
    """The content models in dependency order, without their history tables and without what
    the database derives from the others itself (``kept_by_database``: loading it back would
    find it made already)."""
    models = [
        model
        for label in sorted(CONTENT_APPS)
        for model in apps.get_app_config(label).get_models()
        if not model._meta.model_name.startswith("historical")
        and not getattr(model, "kept_by_database", False)
    ]
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def _stored_files(models) -> list[str]:
    names = set()
    for model in models:
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                )
    return sorted(names)


def write_archive(target) -> dict:
    """Write every content record and uploaded file to ``target`` (a path or a binary file)."""
    models = content_models()
    records = io.StringIO()
    labels = [model._meta.label for model in models]
    call_command("dumpdata", *labels, format="xml", indent=1, stdout=records)
    files = _stored_files(models)
    counts = {model._meta.label: model._default_manager.count() for model in models}
    manifest = {"format": FORMAT_VERSION, "records": counts, "files": len(files)}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        archive.writestr(RECORDS, records.getvalue())
        for name in files:
            with default_storage.open(name, "rb") as stored:
                archive.writestr(FILES + name, stored.read())
    return manifest


def _safe_name(member: str) -> str:
    name = member[len(FILES) :]
    parts = name.split("/")
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        raise ArchiveError(f"{member}: a file name that points outside the media folder.")
    return name


def read_archive(source) -> dict:
    """Load an archive written by ``write_archive()``: all of it, or nothing.

    Records with the same primary key are replaced (the 14 ecosystems a fresh database already
    has, for one); files are stored under their original names.
    """
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ArchiveError("This is not a content archive (not a ZIP file).") from exc
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            records = archive.read(RECORDS).decode("utf-8")
        except (KeyError, ValueError) as exc:
            raise ArchiveError("This ZIP file is not a content archive of the portal.") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise ArchiveError(f"Unknown archive format {manifest.get('format')!r}.")
        members = [m for m in archive.namelist() if m.startswith(FILES) and not m.endswith("/")]
        names = {member: _safe_name(member) for member in members}
        written = []
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / RECORDS
            fixture.write_text(records, encoding="utf-8")
            try:
                with transaction.atomic():
                    # loaddata resolves forward references and moves the id sequences on.
                    call_command("loaddata", str(fixture), verbosity=0)
                    for member, name in names.items():
                        if default_storage.exists(name):
                            default_storage.delete(name)
                        stored = default_storage.save(name, ContentFile(archive.read(member)))
                        written.append(stored)
                        if stored != name:
                            raise ArchiveError(f"{name}: the storage would not keep this name.")
            except Exception:
                for name in written:
                    default_storage.delete(name)
                raise
    content_changed()
    return manifest
