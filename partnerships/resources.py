"""Import and export of organisations, partnerships, memberships and progress reports (CSV
and XLSX): columns.

Rows are matched by slug (memberships by partnership and organisation), validated by the
models' own rules, and a file with any invalid row writes nothing: the admin only offers to
confirm an import whose preview has no errors, and runs it in one transaction. Unchanged rows
are skipped, so importing the same file twice changes nothing. How a whole file is checked
and written, in a number of queries that does not grow with its rows, is ``imports.py``.
"""

from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.partial_dates import PartialDate
from ecosystems.models import Ecosystem

from .imports import FileResource
from .models import (
    Commitment,
    Country,
    Membership,
    NutsRegion,
    Organisation,
    Partnership,
    ProgressReport,
)


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug (or code), with a message that says which one is unknown.

    An import first ``load()``s every record its file names, in one query; rows then find
    theirs in memory. Outside an import (a single value) it looks the value up itself.
    """

    def __init__(self, model, field="slug", upper=False):
        super().__init__(model, field=field)
        self.upper = upper
        self.found = None

    def key(self, value) -> str:
        key = str(value).strip() if value is not None else ""
        return key.upper() if self.upper else key

    def load(self, values) -> None:
        # A NUL character can be in no key, and PostgreSQL refuses to be asked for one.
        keys = {key for key in map(self.key, values) if key and "\x00" not in key}
        records = self.model.objects.filter(**{f"{self.field}__in": keys})
        self.found = {**(self.found or {}), **{getattr(r, self.field): r for r in records}}

    def clean(self, value, row=None, **kwargs):
        key = self.key(value)
        if not key:
            return None
        if self.found is None:
            self.load([key])
        try:
            return self.found[key]
        except KeyError:
            raise ValueError(
                _("There is no %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": key}
            ) from None


class CountryWidget(SlugWidget):
    def __init__(self):
        super().__init__(Country, field="code", upper=True)


class NutsRegionWidget(SlugWidget):
    def __init__(self):
        super().__init__(NutsRegion, field="code", upper=True)


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related records in one cell, separated by semicolons: ``IT;SI``.

    Like ``SlugWidget``, loaded once for the whole file. Rendered in alphabetical order, so a
    preview and an export show the same links the same way.
    """

    def __init__(self, model, field, upper=False):
        super().__init__(model, separator=";", field=field)
        self.one = SlugWidget(model, field=field, upper=upper)

    def keys(self, value) -> list[str]:
        if value is None:
            return []
        parts = (self.one.key(part) for part in str(value).split(self.separator))
        return [part for part in parts if part]

    def load(self, values) -> None:
        self.one.load(key for value in values for key in self.keys(value))

    def clean(self, value, row=None, **kwargs):
        wanted = self.keys(value)
        if self.one.found is None:
            self.one.load(wanted)
        unknown = sorted(set(wanted) - self.one.found.keys())
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(values)s.")
                % {"model": self.model._meta.verbose_name, "values": ", ".join(unknown)}
            )
        return [self.one.found[key] for key in dict.fromkeys(wanted)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        records = value.all() if hasattr(value, "all") else value
        return self.separator.join(sorted(str(getattr(r, self.field)) for r in records))


class PartialDateWidget(widgets.Widget):
    """``2021``, ``2022-12`` or ``2023-04-24``: a date as precisely as it is known."""

    def clean(self, value, row=None, **kwargs):
        value = str(value).strip() if value is not None else ""
        return PartialDate.parse(value) if value else None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class OrganisationResource(FileResource):
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    region = fields.Field(attribute="region", column_name="region", widget=NutsRegionWidget())

    def get_queryset(self):
        return Organisation.objects.select_related("country", "region")

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
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
            "status",
        ]
        export_order = fields


class PartnershipResource(FileResource):
    ecosystem = fields.Field(
        attribute="ecosystem", column_name="ecosystem", widget=SlugWidget(Ecosystem, "slug")
    )
    linked_ecosystems = fields.Field(
        attribute="linked_ecosystems",
        column_name="linked_ecosystems",
        widget=SlugListWidget(Ecosystem, "slug"),
    )
    countries = fields.Field(
        attribute="countries",
        column_name="countries",
        widget=SlugListWidget(Country, "code", upper=True),
    )
    launched = fields.Field(
        attribute="launched", column_name="launched", widget=PartialDateWidget()
    )
    # "summary" is the English text, whatever the language of the admin the file comes from;
    # summary_fr and summary_de are optional columns.
    summary = fields.Field(attribute="summary_en", column_name="summary")

    def get_queryset(self):
        return Partnership.objects.select_related("ecosystem")

    class Meta:
        model = Partnership
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "acronym",
            "kind",
            "scope",
            "ecosystem",
            "linked_ecosystems",
            "coverage",
            "countries",
            "launched",
            "summary",
            "summary_fr",
            "summary_de",
            "website",
            "commitment_people",
            "commitment_basis",
            "commitment_target_year",
            "commitment_years",
            "source_url",
            "confidence",
            "confidence_note",
            "status",
        ]
        export_order = fields

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Links are saved after the row; check them now, so a bad cell is a field error and
        # the rule the model cannot see (linked ecosystems) is enforced before anything is saved.
        errors = dict(import_validation_errors or {})
        links = {}
        for name in ("linked_ecosystems", "countries"):
            if self.fields[name].column_name not in self.row:
                continue
            try:
                links[name] = self.fields[name].clean(self.row)
            except ValueError as exc:
                errors[name] = [str(exc)]
        if "linked_ecosystems" in links:
            error = Partnership.linked_ecosystems_error(instance.kind, links["linked_ecosystems"])
            if error:
                errors["linked_ecosystems"] = [error]
        super().validate_instance(instance, errors, validate_unique)


class MembershipResource(FileResource):
    partnership = fields.Field(
        attribute="partnership",
        column_name="partnership",
        widget=SlugWidget(Partnership, "slug"),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=SlugWidget(Organisation, "slug"),
    )

    def get_queryset(self):
        return Membership.objects.select_related("partnership", "organisation")

    class Meta:
        model = Membership
        import_id_fields = ["partnership", "organisation"]
        fields = ["partnership", "organisation", "role"]
        export_order = fields


class ProgressReportResource(FileResource):
    """Progress reports, matched by commitment (its slug), year and kind: importing the same
    file again changes nothing, and a corrected figure updates its report."""

    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=SlugWidget(Commitment, "slug"),
    )

    def get_queryset(self):
        return ProgressReport.objects.select_related("commitment")

    class Meta:
        model = ProgressReport
        import_id_fields = ["commitment", "year", "kind"]
        fields = ["commitment", "year", "value", "kind", "source_url", "reported_on"]
        export_order = fields
