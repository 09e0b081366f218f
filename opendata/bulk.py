"""The bulk download: every published table as CSV and JSON in one ZIP, with its data dictionary.

The dictionary is a Frictionless Data Package (``datapackage.json``,
https://datapackage.org/): each table's columns with their type, meaning, unit and allowed
values, its key and its references to the other tables. A reference to a record that is not
published is left empty, so every reference in the ZIP resolves inside it and no draft shows.
The worker writes a new ZIP on a schedule (``opendata.tasks.write_bulk_archive``) into the
document storage, where ``latest_archive()`` finds the newest for the catalogue and the data
page.
"""

import csv
import datetime
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone, translation

from core.cache import content_changed

from .datasets import DATASETS, Column, Dataset

PREFIX = "pact-for-skills-open-data-"
LIST_SEPARATOR = ";"
# The time of writing in each ZIP's name, to the microsecond: names sort by age.
STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class Archive:
    name: str  # the storage name
    size: int
    created: datetime.datetime

    @property
    def filename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def field_type(model_field: models.Field) -> dict:
    """The Table Schema type of a model field's values in the CSV."""
    if model_field.many_to_many:
        return {"type": "string"}
    if model_field.is_relation:
        return field_type(model_field.target_field)
    if isinstance(model_field, models.BooleanField):
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if isinstance(model_field, models.AutoField | models.IntegerField):
        return {"type": "integer"}
    if isinstance(model_field, models.DecimalField):
        return {"type": "number"}
    if isinstance(model_field, models.DateTimeField):
        return {"type": "datetime", "format": "any"}
    if isinstance(model_field, models.DateField):
        return {"type": "date"}
    if isinstance(model_field, models.URLField):
        return {"type": "string", "format": "uri"}
    return {"type": "string"}


def describe(dataset: Dataset, column: Column) -> dict:
    model_field = dataset.model_field(column)
    with translation.override("en"):
        meaning = str(model_field.verbose_name).capitalize()
        if model_field.help_text:
            meaning += f". {model_field.help_text}"
        if model_field.many_to_many:
            target = model_field.related_model._meta.verbose_name_plural
            meaning += f". The ids of the {target}, separated by “{LIST_SEPARATOR}”"
        elif model_field.is_relation:
            meaning += f". The id of the {model_field.related_model._meta.verbose_name}"
    described = {"name": column.name, "description": meaning, **field_type(model_field)}
    constraints = {}
    if model_field.primary_key:
        constraints["required"] = True
        constraints["unique"] = True
    if model_field.choices and not model_field.is_relation:
        constraints["enum"] = [value for value, _label in model_field.flatchoices if value]
    if constraints:
        described["constraints"] = constraints
    if column.unit:
        described["unit"] = column.unit
    return described


def schema(dataset: Dataset) -> dict:
    names = {d.model_label: d.name for d in DATASETS}
    foreign_keys = []
    for column in dataset.columns:
        model_field = dataset.model_field(column)
        target = model_field.related_model and names.get(model_field.related_model._meta.label)
        if target and not model_field.many_to_many:
            foreign_keys.append(
                {"fields": column.name, "reference": {"resource": target, "fields": "id"}}
            )
    described = {
        "fields": [describe(dataset, column) for column in dataset.columns],
        "primaryKey": "id",
        "missingValues": [""],
    }
    if foreign_keys:
        described["foreignKeys"] = foreign_keys
    return described


def table(dataset: Dataset, exported: dict[str, set]) -> list[dict]:
    """The dataset's published rows; references to records outside the ZIP left empty."""
    m2m = [c.name for c in dataset.columns if dataset.model_field(c).many_to_many]
    rows = []
    for record in dataset.published_rows().prefetch_related(*m2m).iterator(chunk_size=2000):
        values = dataset.values(record)
        for column in dataset.columns:
            model_field = dataset.model_field(column)
            target = model_field.related_model and model_field.related_model._meta.label
            if target in exported:
                keep = exported[target]
                value = values[column.name]
                if model_field.many_to_many:
                    values[column.name] = [pk for pk in value if pk in keep]
                elif value not in keep:
                    values[column.name] = None
        rows.append(values)
    return rows


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def write_zip(target) -> dict[str, int]:
    """Write the ZIP into the binary file ``target``; return each table's row count.

    One repeatable-read transaction: every table is read from the same moment, so the
    references between them agree. (Inside a transaction already open, the caller's.)
    """
    outermost = not transaction.get_connection().in_atomic_block
    counts = {}
    resources = []
    exported: dict[str, set] = {}
    with (
        transaction.atomic(),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        if outermost:
            with transaction.get_connection().cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for dataset in DATASETS:
            rows = table(dataset, exported)
            exported[dataset.model_label] = {row["id"] for row in rows}
            counts[dataset.name] = len(rows)
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([column.name for column in dataset.columns])
            for row in rows:
                writer.writerow([csv_cell(row[column.name]) for column in dataset.columns])
            archive.writestr(f"{dataset.name}.csv", text.getvalue().encode())
            archive.writestr(
                f"{dataset.name}.json", json.dumps(rows, ensure_ascii=False, indent=1).encode()
            )
            resources += resource_descriptors(dataset, len(rows))
        archive.writestr("datapackage.json", json.dumps(package(resources), indent=2).encode())
    return counts


def resource_descriptors(dataset: Dataset, count: int) -> list[dict]:
    return [
        {
            "name": dataset.name,
            "path": f"{dataset.name}.csv",
            "title": dataset.title,
            "description": f"{dataset.description} {count} rows.",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": schema(dataset),
        },
        {
            "name": f"{dataset.name}-json",
            "path": f"{dataset.name}.json",
            "title": f"{dataset.title} (JSON)",
            "description": f"The same rows as {dataset.name}.csv, as an array of objects; "
            "lists of ids are arrays.",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        },
    ]


def package(resources: list[dict]) -> dict:
    return {
        "name": "pact-for-skills-partnerships",
        "title": "Pact for Skills partnerships portal: open data",
        "description": "Every published record of the Pact for Skills partnerships portal.",
        "created": timezone.now().isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": settings.OPEN_DATA_LICENCE}],
        "resources": resources,
    }


def archives() -> list[Archive]:
    """The stored ZIPs, newest first."""
    folder = settings.OPEN_DATA_FOLDER
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in sorted((n for n in names if n.startswith(PREFIX)), reverse=True):
        path = f"{folder}/{name}"
        found.append(Archive(path, default_storage.size(path), stamp_time(name)))
    return found


def stamp_time(filename: str) -> datetime.datetime:
    stamp = filename.removeprefix(PREFIX).removesuffix(".zip")
    return datetime.datetime.strptime(stamp, STAMP).replace(tzinfo=datetime.UTC)


def latest_archive() -> Archive | None:
    found = archives()
    return found[0] if found else None


def publish_archive() -> Archive:
    """Write a new ZIP into the storage, drop the oldest beyond the few kept, and retire the
    cached pages that show the latest one (the catalogue, the data page)."""
    name = f"{settings.OPEN_DATA_FOLDER}/{PREFIX}{timezone.now().strftime(STAMP)}.zip"
    with tempfile.TemporaryFile() as target:
        write_zip(target)
        target.seek(0)
        saved = default_storage.save(name, File(target))
    for old in archives()[settings.OPEN_DATA_KEEP_ARCHIVES :]:
        default_storage.delete(old.name)
    content_changed()
    return Archive(saved, default_storage.size(saved), stamp_time(saved.rsplit("/", 1)[-1]))
