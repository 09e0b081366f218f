"""Import and export of organisations, partnerships and memberships (CSV and XLSX).

Rows are matched by slug (memberships by partnership and organisation), validated by the
models' own ``full_clean()``, and a file with any invalid row writes nothing: the admin only
offers to confirm an import whose preview has no errors, and runs it in one transaction.
Unchanged rows are skipped, so importing the same file twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.partial_dates import PartialDate
from ecosystems.models import Ecosystem

from .models import Country, Membership, Organisation, Partnership


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug (or code), with a message that says which one is unknown."""

    def clean(self, value, row=None, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class CountryWidget(SlugWidget):
    def __init__(self):
        super().__init__(Country, field="code")

    def clean(self, value, row=None, **kwargs):
        return super().clean(value.upper() if isinstance(value, str) else value, row, **kwargs)


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related records in one cell, separated by semicolons: ``IT;SI``."""

    def __init__(self, model, field, upper=False):
        super().__init__(model, separator=";", field=field)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        wanted = [part.strip() for part in str(value).split(self.separator) if part.strip()]
        if self.upper:
            wanted = [part.upper() for part in wanted]
        found = self.model.objects.filter(**{f"{self.field}__in": wanted})
        unknown = sorted(set(wanted) - {getattr(obj, self.field) for obj in found})
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(values)s.")
                % {"model": self.model._meta.verbose_name, "values": ", ".join(unknown)}
            )
        return found


class PartialDateWidget(widgets.Widget):
    """``2021``, ``2022-12`` or ``2023-04-24``: a date as precisely as it is known."""

    def clean(self, value, row=None, **kwargs):
        value = str(value).strip() if value is not None else ""
        return PartialDate.parse(value) if value else None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class SlugCheckedResource(resources.ModelResource):
    """Refuses a file that names the same record twice: the second row would silently win."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.seen = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        key = tuple(str(row.get(name, "")).strip() for name in self._meta.import_id_fields)
        number = kwargs.get("row_number")
        if key in self.seen:
            raise ValidationError(
                {
                    self._meta.import_id_fields[0]: _(
                        "The same record is already on row %(row)s of this file."
                    )
                    % {"row": self.seen[key]}
                }
            )
        self.seen[key] = number


class OrganisationResource(SlugCheckedResource):
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "acronym",
            "country",
            "type",
            "pic",
            "eche_holder",
            "website",
            "source_url",
            "status",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class PartnershipResource(SlugCheckedResource):
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
            "countries",
            "launched",
            "summary",
            "summary_fr",
            "summary_de",
            "website",
            "commitment_people",
            "commitment_target_year",
            "source_url",
            "status",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Links are saved after the row; check them now, so a bad cell is a field error and
        # the rule the model cannot see (linked ecosystems) is enforced before anything is saved.
        errors = dict(import_validation_errors or {})
        links = {}
        for name in ("linked_ecosystems", "countries"):
            if self.fields[name].column_name not in self.current_row:
                continue
            try:
                links[name] = list(self.fields[name].clean(self.current_row))
            except ValueError as exc:
                errors[name] = [str(exc)]
        if "linked_ecosystems" in links:
            error = Partnership.linked_ecosystems_error(instance.kind, links["linked_ecosystems"])
            if error:
                errors["linked_ecosystems"] = [error]
        super().validate_instance(instance, errors, validate_unique)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.current_row = row


class MembershipResource(SlugCheckedResource):
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

    class Meta:
        model = Membership
        import_id_fields = ["partnership", "organisation"]
        fields = ["partnership", "organisation", "role"]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
