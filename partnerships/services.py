"""Writes that span several models."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.text import slugify
from procrastinate.contrib.django import app

from core.cache import content_changed
from core.models import PublicationStatus
from core.partial_dates import PartialDate
from ecosystems.models import Ecosystem

from .models import (
    Commitment,
    Country,
    Document,
    DocumentFile,
    DocumentPage,
    Membership,
    Organisation,
    Partnership,
    ProgressReport,
    Region,
    TextStatus,
)
from .pdftext import ExtractionFailed, ExtractionTimedOut, extract_bounded

logger = logging.getLogger(__name__)

PACT_DATA_FORMAT_VERSION = 1


class PactDataError(Exception):
    """A record of the data file that cannot be loaded; the message names the record."""


@dataclass
class LoadReport:
    """How many rows of each kind a load created, updated or left as they were."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += number

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]


def pact_data_load(*, data: dict[str, Any]) -> LoadReport:
    """Load the portal's data file: all of it, or nothing.

    Records are matched by slug, so a second load of the same file changes nothing. The file
    wins for the fields it holds; rows and links curators added by hand are left alone.
    """
    if not isinstance(data, dict) or data.get("format_version") != PACT_DATA_FORMAT_VERSION:
        raise PactDataError(
            f"The data file must be an object with format_version {PACT_DATA_FORMAT_VERSION}."
        )
    loader = PactDataLoader()
    with transaction.atomic():
        load_sections(
            data,
            [
                ("ecosystems", loader.ecosystem),
                ("organisations", loader.organisation),
                ("partnerships", loader.partnership),
                ("commitments", loader.commitment),
                ("documents", loader.document),
            ],
        )
    return loader.report


def load_sections(data: dict[str, Any], sections) -> None:
    """Load each ``(section, load)`` of the file in order; an error names its record."""
    for section, load in sections:
        for position, record in enumerate(data.get(section, []), start=1):
            name = (record.get("slug") or record.get("code")) if isinstance(record, dict) else None
            where = f"{section} record {position} ({name or 'no slug'})"
            try:
                load(record)
            except PactDataError as exc:
                raise PactDataError(f"{where}: {exc}") from exc
            except ValidationError as exc:
                raise PactDataError(f"{where}: {_describe(exc)}") from exc
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise PactDataError(f"{where}: missing or malformed field {exc}") from exc


def save_validated(obj: models.Model) -> None:
    """Validate and save ``obj``; a value the model refuses raises ``ValidationError``.

    Django checks each database constraint with a query of its own, five or more a record:
    most of a load's time. The database checks them on save instead; only a record it refuses
    is checked again, for the message that names the field.
    """
    obj.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        obj.validate_constraints()
        raise


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def partial_date(value: str | None) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


def attested(record: dict) -> dict[str, str]:
    """How sure the sources make the record: ``confidence`` and, unless confirmed, why."""
    return {
        "confidence": record["confidence"],
        "confidence_note": record.get("confidence_note") or "",
    }


def translated(record: dict, texts: dict[str, Any]) -> dict[str, Any]:
    """The English ``texts`` and the record's ``translations`` of them, by language column.

    ``{"summary": "…"}`` with ``"translations": {"fr": {"summary": "…"}}`` gives
    ``summary_en`` and ``summary_fr``. A language the file does not give is left as it is, so
    a curator's translation survives a reload.
    """
    values = {f"{name}_{settings.LANGUAGE_CODE}": value for name, value in texts.items()}
    other_languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    for language, translation in (record.get("translations") or {}).items():
        if language not in other_languages:
            raise PactDataError(f"translations: “{language}” is not a language of the portal")
        unknown = set(translation) - set(texts)
        if unknown:
            raise PactDataError(
                f"translations.{language}: {', '.join(sorted(unknown))} cannot be translated"
            )
        for name, value in translation.items():
            values[f"{name}_{language}"] = "\n".join(value) if isinstance(value, list) else value
    return values


class PactDataLoader:
    """Turns the file's records into rows: matched, compared, validated, saved if changed."""

    def __init__(self, report: LoadReport | None = None):
        self.report = report or LoadReport()
        self.ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
        self.countries = set(Country.objects.values_list("code", flat=True))

    # Lookups that turn the file's references into rows, naming what is missing.

    def ecosystem_id(self, slug: str) -> int:
        try:
            return self.ecosystems[slug].pk
        except KeyError:
            raise PactDataError(f"unknown ecosystem “{slug}”") from None

    def country_code(self, code: str | None) -> str | None:
        if code is not None and code not in self.countries:
            raise PactDataError(f"unknown country code “{code}”")
        return code

    def lookup(self, model: type[models.Model], slug: str) -> models.Model:
        try:
            return model.objects.get(slug=slug)
        except model.DoesNotExist:
            raise PactDataError(
                f"unknown {model._meta.verbose_name} “{slug}” (define it earlier in the file)"
            ) from None

    # The one write path: match, compare, validate, save only what differs.

    def upsert(
        self, model: type[models.Model], match: dict[str, Any], values: dict[str, Any]
    ) -> models.Model:
        obj = model.objects.filter(**match).first()
        created = obj is None
        if created:
            obj = model(**match)
        changed = created or any(getattr(obj, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(obj, name, value)
            save_validated(obj)
        self.report.count(
            str(model._meta.verbose_name_plural).capitalize(),
            "created" if created else "updated" if changed else "unchanged",
        )
        return obj

    def sync_links(self, obj: models.Model, relation: str, wanted: set) -> None:
        """Add the file's many-to-many links; links added by curators stay."""
        manager = getattr(obj, relation)
        missing = wanted - set(manager.values_list("pk", flat=True))
        if missing:
            manager.add(*missing)
        kind = "Links to ecosystems, countries and regions"
        self.report.count(kind, "created", len(missing))
        self.report.count(kind, "unchanged", len(wanted) - len(missing))

    # One method per section of the file.

    def ecosystem(self, record: dict) -> None:
        if record["slug"] not in self.ecosystems:
            raise PactDataError("ecosystems are created by migrations; this slug is not one")
        self.ecosystems[record["slug"]] = self.upsert(
            Ecosystem,
            {"slug": record["slug"]},
            {
                **translated(
                    record,
                    {
                        "name": record["name"],
                        "includes": "\n".join(record["includes"]),
                        "description": record["description"],
                        "labour_market_size": record["labour_market_size"],
                    },
                ),
                "pact_page_url": record["pact_page_url"],
                "source_url": record["source_url"],
            },
        )

    def organisation(self, record: dict) -> None:
        self.upsert(
            Organisation,
            {"slug": record["slug"]},
            {
                "name": record["name"],
                "acronym": record["acronym"],
                "type": record["type"],
                "country_id": self.country_code(record["country"]),
                "pic": record.get("pic") or "",
                "website": record.get("website") or "",
                "source_url": record.get("source_url") or "",
                "status": PublicationStatus.PUBLISHED,
            },
        )

    def region(self, record: dict) -> Region:
        country = self.country_code(record["country"])
        return self.upsert(
            Region,
            {"slug": slugify(f"{record['name']} {country or ''}")},
            {"name": record["name"], "country_id": country, "nuts_code": record["nuts_code"]},
        )

    def partnership(self, record: dict) -> None:
        kind = record["kind"]
        commitment = record["commitment"]
        launched = partial_date(record["launched"])
        signed = partial_date(record["agreement_signed"])
        linked = {self.ecosystem_id(slug) for slug in record["linked_ecosystems"]}
        if kind == Partnership.Kind.LARGE_SCALE and linked:
            raise PactDataError("a large-scale partnership cannot have linked ecosystems")
        partnership = self.upsert(
            Partnership,
            {"slug": record["slug"]},
            {
                "kind": kind,
                "scope": record["scope"] or "",
                "coverage": record["coverage"],
                "name": record["name"],
                "acronym": record["acronym"],
                "ecosystem_id": self.ecosystem_id(record["ecosystem"])
                if record["ecosystem"]
                else None,
                **translated(
                    record, {"summary": record["summary"], "description": record["description"]}
                ),
                "launched_on": launched.date if launched else None,
                "launched_on_precision": launched.precision if launched else "",
                "launch_note": record["launch_note"],
                "agreement_signed_on": signed.date if signed else None,
                "agreement_signed_on_precision": signed.precision if signed else "",
                "website": record["website"],
                "commitment_people": commitment["people"],
                "commitment_target_year": commitment["target_year"],
                "commitment_basis": commitment.get("basis") or "",
                "commitment_years": commitment.get("years"),
                "commitment_pledge": commitment["pledge"],
                "commitment_source_url": commitment["source_url"],
                "reported_membership": record["reported_membership"],
                "source_url": record["source_url"],
                **attested(record),
                "status": record["status"],
            },
        )
        self.sync_links(partnership, "linked_ecosystems", linked)
        self.sync_links(
            partnership, "countries", {self.country_code(code) for code in record["countries"]}
        )
        self.sync_links(
            partnership, "regions", {self.region(region).pk for region in record["regions"]}
        )
        for member in record["members"]:
            self.upsert(
                Membership,
                {
                    "partnership": partnership,
                    "organisation": self.lookup(Organisation, member["organisation"]),
                },
                {"role": member["role"]},
            )

    def commitment(self, record: dict) -> None:
        """A pledge as the file states it (amount, unit, basis, years, source) and its progress
        reports, each matched by commitment, year and kind. A pledge without a number is not
        a commitment: the file holds none, never a zero."""
        commitment = self.upsert(
            Commitment,
            {"slug": record["slug"]},
            {
                "partnership": self.lookup(Partnership, record["partnership"]),
                "amount": Decimal(str(record["amount"])),
                "unit": record["unit"],
                "basis": record["basis"],
                "baseline_year": record.get("baseline_year"),
                "target_year": record.get("target_year"),
                **translated(record, {"statement": record["statement"]}),
                "source_url": record["source_url"],
                "stated_on": datetime.date.fromisoformat(record["stated_on"])
                if record.get("stated_on")
                else None,
            },
        )
        for report in record.get("reports", []):
            self.upsert(
                ProgressReport,
                {"commitment": commitment, "year": report["year"], "kind": report["kind"]},
                {
                    "value": Decimal(str(report["value"])),
                    "source_url": report["source_url"],
                    "reported_on": datetime.date.fromisoformat(report["reported_on"]),
                },
            )

    def document(self, record: dict) -> None:
        issued = partial_date(record["published"])
        partnership_id = (
            self.lookup(Partnership, record["partnership"]).pk if record["partnership"] else None
        )
        document = self.upsert(
            Document,
            {"slug": record["slug"]},
            {
                **translated(
                    record, {"title": record["title"], "description": record["description"]}
                ),
                "kind": record["kind"],
                "issued_on": issued.date if issued else None,
                "issued_on_precision": issued.precision if issued else "",
                "partnership_id": partnership_id,
                "ecosystem_id": self.ecosystem_id(record["ecosystem"])
                if record["ecosystem"]
                else None,
                "source_url": record["source_url"],
                **attested(record),
                "status": record["status"],
            },
        )
        for version in record["versions"]:
            self.upsert(
                DocumentFile,
                {"document": document, "language": version["language"]},
                {
                    "external_url": version["url"],
                    "file_format": version["file_format"],
                    "size_bytes": version["size_bytes"],
                    "page_count": version["page_count"],
                },
            )


# The text inside uploaded PDFs (partnerships/pdftext.py, models/texts.py)

READ_TEXT_TASK = "partnerships.read_document_text"


def document_text_refresh(*, version: DocumentFile) -> None:
    """After a language version is saved: read the text of a file new to it, on upload.

    A short file is read at once, within ``DOCUMENT_TEXT_INLINE_SECONDS``; a long one, or one
    not read in that time, by the background worker (``partnerships.tasks``), so no upload
    waits past the web worker's timeout. The same file again keeps its text, stemmed in the
    version's language should that have changed; a link has no text.
    """
    if not version.file:
        if version.pages.exists():  # a link now: the text of the file it replaced goes
            document_text_store(version=version, pages=[], status="", sha256="")
        return
    if version.text_sha256 == version.sha256:
        version.pages.exclude(search_config=version.search_config).update(
            search_config=version.search_config
        )
        return
    # The SQLite quick start has no worker: everything is read at once.
    background = connection.vendor == "postgresql"
    if background and version.page_count > settings.DOCUMENT_TEXT_INLINE_PAGES:
        document_text_queue(version=version)
        return
    try:
        document_text_read(version=version, seconds=settings.DOCUMENT_TEXT_INLINE_SECONDS)
    except ExtractionTimedOut:
        if background:
            document_text_queue(version=version)
        else:
            document_text_failed(version=version)


def document_text_queue(*, version: DocumentFile) -> None:
    """Leave the version's text to the background worker; the admin shows it "being read"."""
    DocumentFile.objects.filter(pk=version.pk).update(
        text_status=TextStatus.PENDING, text_sha256=version.sha256
    )
    version.text_status, version.text_sha256 = TextStatus.PENDING, version.sha256
    # By name: the task module imports this one. One job at a time per version, in order.
    app.configure_task(name=READ_TEXT_TASK, lock=f"document-text-{version.pk}").defer(
        version_id=version.pk
    )


def document_text_read(*, version: DocumentFile, seconds: float) -> str:
    """Read the version's text now, in a child process bounded by ``seconds`` and
    ``DOCUMENT_TEXT_MEMORY_MB``, and store it; returns the status it ends with.

    Raises ExtractionTimedOut, for the caller to decide: queue it (an upload) or record the
    failure (the worker, the command). A file that cannot be read is recorded as such.
    """
    with version.file.open("rb") as stored:
        data = stored.read()
    try:
        pages = extract_bounded(data, seconds=seconds, memory_mb=settings.DOCUMENT_TEXT_MEMORY_MB)
    except ExtractionTimedOut:
        raise
    except ExtractionFailed as exc:
        logger.warning("document text unreadable", extra={"version": version.pk, "error": str(exc)})
        status, pages = TextStatus.FAILED, []
    else:
        # A scan is pictures of pages: nothing on any page for a reader or a search to use.
        if not any(page.text for page in pages):
            status, pages = TextStatus.NO_TEXT, []
        else:
            status = TextStatus.READ
    document_text_store(version=version, pages=pages, status=status, sha256=version.sha256)
    return status


def document_text_failed(*, version: DocumentFile) -> None:
    """Record that the version's text could not be read in time."""
    document_text_store(version=version, pages=[], status=TextStatus.FAILED, sha256=version.sha256)


def document_text_store(*, version: DocumentFile, pages: list, status: str, sha256: str) -> None:
    """Replace the version's pages with ``pages``, read from the file of ``sha256``.

    Nothing is written if the version's file changed meanwhile (a newer upload is read on its
    own), or the version is gone.
    """
    with transaction.atomic():
        current = (
            DocumentFile.objects.select_for_update().filter(pk=version.pk, sha256=sha256).first()
        )
        if current is None and sha256:
            return
        DocumentPage.objects.filter(version=version.pk).delete()
        DocumentPage.objects.bulk_create(
            DocumentPage(
                version_id=version.pk,
                number=page.number,
                text=page.text,
                headings=page.headings,
                search_config=version.search_config,
            )
            for page in pages
        )
        DocumentFile.objects.filter(pk=version.pk).update(text_status=status, text_sha256=sha256)
    version.text_status, version.text_sha256 = status, sha256
    # Written without signals: the cached pages (the version's flag, search) are out of date.
    content_changed()
