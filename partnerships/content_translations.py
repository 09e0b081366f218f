"""The French and German texts of the partnerships and documents, loaded from their own file.

``pactportal/data/translations.json`` sits beside the data file and is loaded after it, in the
same transaction. It is keyed by section and slug::

    {"format_version": 1,
     "partnerships": {"<slug>": {"english": {"summary": "<fingerprint>", …},
                                 "fr": {"summary": "…", …},
                                 "de": {"summary": "…", …}}},
     "documents": {…}}

The texts live apart from the data file so that the facts and their translations can be
curated and reviewed separately. Each translation names, under ``english``, a fingerprint of
the English text it was written from (:func:`fingerprint`): a translation of an English text
that has since changed may state facts that are no longer true, so it is not loaded (the page
falls back to the English) and the load reports it with the new fingerprint. A stale text this
loader wrote before is cleared with it; a curator's own translation is kept.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modeltranslation.translator import translator

from .models import Document, Partnership
from .services import LoadReport, PactDataError, save_validated

TRANSLATIONS_FORMAT_VERSION = 1
TRANSLATIONS_FILE_NAME = "translations.json"

# The sections of the file, in the order they are loaded, and the model each one translates.
SECTIONS: dict[str, type[models.Model]] = {"partnerships": Partnership, "documents": Document}


def fingerprint(text: str) -> str:
    """A short, stable fingerprint of an English text: what a translation was written from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of ``model`` that have a column per language (``partnerships/translation.py``)."""
    translated = translator.get_options_for_model(model).fields
    # In the model's own order, so that reports and tests list them the same way every time.
    return tuple(field.name for field in model._meta.concrete_fields if field.name in translated)


def other_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def content_translations_load(*, data: dict[str, Any], report: LoadReport) -> list[str]:
    """Write the file's translations on the records already loaded: all of them, or raise.

    Call it inside the data file's transaction, after the records exist. An unknown slug,
    language or field, or a translation without its fingerprint, raises ``PactDataError``
    naming it. Returns one line for each translation left out because its English changed.
    """
    if not isinstance(data, dict) or data.get("format_version") != TRANSLATIONS_FORMAT_VERSION:
        raise PactDataError(
            f"The translations file must be an object with format_version "
            f"{TRANSLATIONS_FORMAT_VERSION}."
        )
    unknown = set(data) - {"format_version", *SECTIONS}
    if unknown:
        raise PactDataError(f"translations: unknown sections {', '.join(sorted(unknown))}")
    stale: list[str] = []
    for section, model in SECTIONS.items():
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise PactDataError(f"translations: {section} must be an object keyed by slug")
        records = model.objects.in_bulk(list(entries), field_name="slug")
        for slug, entry in entries.items():
            where = f"translations of {section} “{slug}”"
            record = records.get(slug)
            if record is None:
                raise PactDataError(
                    f"{where}: there is no {model._meta.verbose_name} with this slug "
                    "(it must be in the data file)"
                )
            try:
                values, outdated = _values(record, entry)
                _save(record, values, report, kind=f"Translations of {section}")
            except PactDataError as exc:
                raise PactDataError(f"{where}: {exc}") from exc
            except ValidationError as exc:
                raise PactDataError(f"{where}: {'; '.join(exc.messages)}") from exc
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise PactDataError(f"{where}: missing or malformed field {exc}") from exc
            stale += [f"{where}: {line}" for line in outdated]
    return stale


def _values(record: models.Model, entry: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The columns to write for one record, and what was left out as outdated."""
    fields = translated_fields(type(record))
    written_from = entry["english"]
    languages = other_languages()
    values: dict[str, Any] = {}
    outdated: list[str] = []
    for language, texts in entry.items():
        if language == "english":
            continue
        if language not in languages:
            raise PactDataError(f"“{language}” is not a language to translate into")
        for name, text in texts.items():
            if name not in fields:
                raise PactDataError(f"{language}.{name} is not a translated field")
            if name not in written_from:
                raise PactDataError(
                    f"english.{name} is missing: the fingerprint of the English text "
                    f"{language}.{name} translates"
                )
            text = "\n".join(text) if isinstance(text, list) else text
            if not text.strip():
                raise PactDataError(f"{language}.{name} is empty; leave it out instead")
            column = f"{name}_{language}"
            english = getattr(record, f"{name}_{settings.LANGUAGE_CODE}") or ""
            if written_from[name] != fingerprint(english):
                outdated.append(
                    f"{language}.{name} translates an older English text and was not loaded "
                    f"(the English text's fingerprint is now {fingerprint(english)})"
                )
                if getattr(record, column) == text:
                    values[column] = None
                continue
            values[column] = text
    return values, outdated


def _save(record: models.Model, values: dict[str, Any], report: LoadReport, *, kind: str) -> None:
    """Save only what differs, validated, and count it: "created" is a first translation."""
    changes = {name: value for name, value in values.items() if getattr(record, name) != value}
    if not changes:
        report.count(kind, "unchanged")
        return
    first = all(getattr(record, name) is None for name in values)
    for name, value in changes.items():
        setattr(record, name, value)
    save_validated(record)
    report.count(kind, "created" if first else "updated")
