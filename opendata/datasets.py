"""The portal's open datasets: which records of which model, and which of their columns.

One ``Dataset`` per published table. The catalogue (``opendata.catalog``), the bulk ZIP and
its data dictionary (``opendata.bulk``), the change feed and the webhooks
(``opendata.changes``) all read this list, so adding a dataset (the official figures, say) is
one more entry here. Columns name model fields; each column's type, meaning and allowed values
come from the field itself (its verbose name, help text and choices), so the data dictionary
cannot drift from the model. Only the columns listed are ever published: a new model field
stays private until it is added here, as with the API's explicit serializer fields.

This module imports no model: the app registry resolves each model when it is first used, so
the webhooks' signal receiver can be connected while the apps load.
"""

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models


def translated(name: str) -> tuple[str, ...]:
    """The column of each interface language for a translated field (``summary_en``…)."""
    return tuple(f"{name}_{code}" for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class Column:
    """A published column: a field of the model, with the unit its numbers are counted in."""

    name: str
    unit: str = ""


def columns(*names: str | Column | tuple) -> tuple[Column, ...]:
    flat = []
    for name in names:
        if isinstance(name, tuple):
            flat += [Column(n) for n in name]
        else:
            flat.append(name if isinstance(name, Column) else Column(name))
    return tuple(flat)


PUBLISHED = "published"


def published(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.published()


@dataclass(frozen=True)
class Dataset:
    """A table of the portal's open data."""

    name: str  # also the file names in the ZIP and the dataset's address in the catalogue
    model_label: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # The published rows: a model with drafts starts from ``published()``.
    rows: Callable[[models.QuerySet], models.QuerySet] = published
    # The API list whose count the bulk file matches, if the API lists this table.
    api_list: str = ""
    # The public page listing the records, for the catalogue's landing page.
    page: str = ""
    # Whether the change feed and webhooks carry the table. A table whose visibility depends on
    # another's (a membership is public while both its ends are) has no history of its own
    # that says when it became visible, so it is served whole in the bulk files only.
    in_feed: bool = True
    keywords: tuple[str, ...] = field(default=())

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def event_name(self) -> str:
        """The record type in change events: ``partnership``, ``organisation``…"""
        return self.model._meta.model_name

    @property
    def publishable(self) -> bool:
        return any(f.name == "status" for f in self.model._meta.concrete_fields)

    def published_rows(self) -> models.QuerySet:
        return self.rows(self.model._default_manager.all()).order_by("pk")

    def model_field(self, column: Column) -> models.Field:
        return self.model._meta.get_field(column.name)

    def history_links(self, model_field: models.Field) -> str | None:
        """For a many-to-many field whose changes the history keeps (``m2m_fields`` of its
        registration), the accessor of a historical row's link rows; else None."""
        history = self.model.history.model
        name = f"{history._meta.model_name}_{model_field.name}"
        relation = next((f for f in history._meta.get_fields() if f.name == name), None)
        return relation.get_accessor_name() if relation and relation.one_to_many else None

    def feed_columns(self) -> tuple[Column, ...]:
        """The columns the change history keeps: every concrete field, and the links it
        records."""
        history = self.model.history.model
        kept = {f.name for f in history._meta.concrete_fields}
        return tuple(
            column
            for column in self.columns
            if column.name in kept or self.history_links(self.model_field(column))
        )

    def values(self, record, columns: tuple[Column, ...] | None = None) -> dict:
        """The record's published values as JSON-ready data, from the row itself or from one
        of its historical rows (whose links are its historical link rows)."""
        values = {}
        for column in columns or self.columns:
            model_field = self.model_field(column)
            if model_field.many_to_many:
                values[column.name] = self.linked_ids(record, model_field)
            else:
                values[column.name] = plain(getattr(record, model_field.attname))
        return values

    def linked_ids(self, record, model_field: models.ManyToManyField) -> list:
        if hasattr(record, "history_id"):
            links = getattr(record, self.history_links(model_field)).all()
            # The historical link rows name the target in the through table's own column.
            return sorted(getattr(link, model_field.m2m_reverse_name()) for link in links)
        return sorted(link.pk for link in getattr(record, model_field.name).all())


def plain(value):
    """A value as JSON carries it: dates in ISO 8601, decimals as exact text."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def published_members(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.filter(partnership__status=PUBLISHED, organisation__status=PUBLISHED)


def of_published_partnerships(queryset: models.QuerySet) -> models.QuerySet:
    """Commitments: public exactly when their partnership is."""
    return queryset.filter(partnership__status=PUBLISHED)


def reports_of_published_partnerships(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.filter(commitment__partnership__status=PUBLISHED)


def published_document_versions(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.filter(document__status=PUBLISHED)


def everything(queryset: models.QuerySet) -> models.QuerySet:
    """A table without drafts (the 14 ecosystems, the official figures)."""
    return queryset


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="ecosystems",
        model_label="ecosystems.Ecosystem",
        title="Industrial ecosystems",
        description="The 14 industrial ecosystems the EU Pact for Skills is organised around, "
        "with what each includes and the size of its workforce.",
        columns=columns(
            "id",
            "slug",
            "display_order",
            translated("name"),
            translated("includes"),
            translated("description"),
            translated("labour_market_size"),
            "pact_page_url",
            "source_url",
        ),
        rows=everything,
        api_list="api:ecosystem-list",
        page="ecosystems:list",
        keywords=("industrial ecosystems", "skills"),
    ),
    Dataset(
        name="organisations",
        model_label="partnerships.Organisation",
        title="Organisations",
        description="The organisations taking part in the skills partnerships: companies, "
        "education and training providers, public bodies and associations.",
        columns=columns(
            "id",
            "slug",
            "name",
            "acronym",
            "country",
            "region",
            "type",
            "pic",
            "eche_holder",
            "website",
            "source_url",
            "published_at",
        ),
        api_list="api:organisation-list",
        page="partnerships:organisation_list",
        keywords=("organisations", "Erasmus+", "PIC"),
    ),
    Dataset(
        name="partnerships",
        model_label="partnerships.Partnership",
        title="Skills partnerships and their commitments",
        description="The large-scale and regional skills partnerships of the Pact for Skills, "
        "with where they work, when they started and how many people they pledged to upskill "
        "or reskill.",
        columns=columns(
            "id",
            "slug",
            "name",
            "acronym",
            "kind",
            "scope",
            "ecosystem",
            "linked_ecosystems",
            "countries",
            "regions",
            translated("summary"),
            translated("description"),
            "launched_on",
            "launched_on_precision",
            "launch_note",
            "agreement_signed_on",
            "agreement_signed_on_precision",
            "website",
            Column("commitment_people", unit="people"),
            "commitment_target_year",
            "commitment_pledge",
            "commitment_source_url",
            "reported_membership",
            "source_url",
            "published_at",
        ),
        api_list="api:partnership-list",
        page="partnerships:list",
        keywords=("skills partnerships", "upskilling", "reskilling", "commitments"),
    ),
    Dataset(
        name="commitments",
        model_label="partnerships.Commitment",
        title="Commitments of the partnerships",
        description="What each skills partnership pledged: an amount in people or in a share "
        "of the workforce, in total or each year, with its baseline and target years and its "
        "source. A revised pledge keeps the old one, with the day it was replaced. The status "
        "(on track, behind, overdue) depends on the day and is given by the API.",
        columns=columns(
            "id",
            "slug",
            "partnership",
            "amount",
            "unit",
            "basis",
            "baseline_year",
            "target_year",
            translated("statement"),
            "source_url",
            "stated_on",
            "replaced_by",
            "replaced_on",
        ),
        rows=of_published_partnerships,
        api_list="api:commitment-list",
        page="partnerships:commitments",
        # Public while its partnership is: no history of its own says when it became visible.
        in_feed=False,
        keywords=("commitments", "pledges", "upskilling", "reskilling"),
    ),
    Dataset(
        name="progress_reports",
        model_label="partnerships.ProgressReport",
        title="Progress reported against the commitments",
        description="Figures the partnerships reported against their commitments: one year's "
        "figure or the running total to that year, as each source states it, with the date "
        "it was reported.",
        columns=columns(
            "id",
            "commitment",
            "year",
            "value",
            "kind",
            "source_url",
            "reported_on",
        ),
        rows=reports_of_published_partnerships,
        in_feed=False,
        keywords=("progress", "commitments"),
    ),
    Dataset(
        name="memberships",
        model_label="partnerships.Membership",
        title="Partnership members",
        description="Which organisation belongs to which partnership, and in which role.",
        columns=columns("id", "partnership", "organisation", "role"),
        rows=published_members,
        in_feed=False,
        keywords=("membership",),
    ),
    Dataset(
        name="documents",
        model_label="partnerships.Document",
        title="Documents",
        description="The agreements, commitments, reports and publications of the partnerships.",
        columns=columns(
            "id",
            "slug",
            translated("title"),
            "kind",
            "issued_on",
            "issued_on_precision",
            "partnership",
            "ecosystem",
            translated("description"),
            "source_url",
            "published_at",
        ),
        api_list="api:document-list",
        page="partnerships:document_list",
        keywords=("agreements", "publications"),
    ),
    Dataset(
        name="document_versions",
        model_label="partnerships.DocumentFile",
        title="Language versions of documents",
        description="Each document's language versions: the PDF's size, pages and SHA-256, "
        "or the address where it is published.",
        columns=columns(
            "id",
            "document",
            "language",
            "external_url",
            "file_format",
            Column("size_bytes", unit="bytes"),
            Column("page_count", unit="pages"),
            "sha256",
        ),
        rows=published_document_versions,
        in_feed=False,
        keywords=("documents", "PDF"),
    ),
    Dataset(
        name="alliances",
        model_label="alliances.Alliance",
        title="Erasmus+ Blueprint alliances",
        description="The Erasmus+ alliances for sectoral cooperation on skills, with their "
        "call, grant and reported consortium.",
        columns=columns(
            "id",
            "slug",
            "acronym",
            "name",
            "ecosystem",
            "call",
            "programme_strand",
            "project_number",
            "reported_status",
            "starts_on",
            "starts_on_precision",
            "ends_on",
            "ends_on_precision",
            Column("eu_grant_eur", unit="EUR"),
            Column("reported_partners", unit="organisations"),
            Column("reported_countries", unit="countries"),
            "coordinator_name",
            "description",
            "website",
            "source_url",
            "supported_partnerships",
            "published_at",
        ),
        api_list="api:alliance-list",
        page="alliances:list",
        keywords=("Erasmus+", "Blueprint", "alliances"),
    ),
    Dataset(
        name="official_figures",
        model_label="figures.OfficialFigure",
        title="Official figures of the Pact for Skills",
        description="What the Commission and others have reported about the whole Pact "
        "(members, people pledged, people trained, partnerships), each as its source states "
        "it, with its date, the years it counts over and who published it. Figures of "
        "different units or periods are separate rows and are never added up.",
        columns=columns(
            "id",
            "slug",
            "metric",
            "value",
            "unit",
            "qualifier",
            "statement",
            "stated_on",
            "stated_on_precision",
            "period_start",
            "period_end",
            "publisher",
            "source_url",
            "source_title",
            "note",
            "confidence",
            "confidence_note",
        ),
        rows=everything,
        api_list="api:official-figure-list",
        page="figures:index",
        keywords=("official figures", "people trained", "pledges"),
    ),
)

BY_NAME = {dataset.name: dataset for dataset in DATASETS}


def feed_datasets() -> tuple[Dataset, ...]:
    return tuple(dataset for dataset in DATASETS if dataset.in_feed)
