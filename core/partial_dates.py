"""Dates known only to the month or the year.

Sources often give a launch as "December 2022" or "2021". Such a date is stored as a real
``DateField`` (so it sorts and filters by year with an index) plus a precision column; the
unknown parts are stored as 1 and constrained to be 1, so no day is ever invented and the
value can always be shown exactly as precisely as it is known.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

_ISO_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


@dataclass(frozen=True)
class PartialDate:
    """A calendar date together with how much of it is known."""

    date: datetime.date
    precision: DatePrecision

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; anything else is a ValidationError."""
        match = _ISO_PARTIAL.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValidationError(
                _("“%(value)s” is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD."),
                params={"value": text},
                code="invalid_partial_date",
            )
        month, day = match["month"], match["day"]
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        try:
            value = datetime.date(int(match["year"]), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not a real calendar date."),
                params={"value": text},
                code="invalid_partial_date",
            ) from exc
        return cls(value, precision)

    def isoformat(self) -> str:
        """ISO 8601 reduced precision: ``2022``, ``2022-12`` or ``2022-12-13``."""
        # Not strftime("%Y"), which writes the year 929 as "929" on glibc.
        year, month = f"{self.date.year:04d}", f"{self.date.month:02d}"
        return {
            DatePrecision.DAY: self.date.isoformat,
            DatePrecision.MONTH: lambda: f"{year}-{month}",
            DatePrecision.YEAR: lambda: year,
        }[self.precision]()

    @property
    def year(self) -> int:
        return self.date.year

    def __str__(self) -> str:
        # Each language writes a full date its own way ("10. November 2020" in German).
        day = pgettext("date format", "j F Y")
        pattern = {DatePrecision.DAY: day, DatePrecision.MONTH: "F Y", DatePrecision.YEAR: "Y"}
        return format_date(self.date, pattern[self.precision])


class PartialDateCheck(models.CheckConstraint):
    """A check on the parts of a partial date, validated in Python only when there is a date.

    Django validates a check by asking the database to evaluate it on the unsaved values;
    PostgreSQL cannot type ``EXTRACT(DAY FROM NULL)`` and Django would log the error and let the
    value through. Without a date these checks hold by definition (the precision check covers
    that case), so there is nothing to ask.
    """

    def __init__(self, *, date_field: str, **kwargs):
        self.date_field = date_field
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if getattr(instance, self.date_field) is not None:
            super().validate(model, instance, exclude=exclude, using=using)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "date_field": self.date_field}

    def __eq__(self, other):
        return (
            isinstance(other, PartialDateCheck)
            and self.date_field == other.date_field
            and super().__eq__(other)
        )

    __hash__ = models.CheckConstraint.__hash__


class PartialDateAttribute:
    """Reads and writes a (date, precision) pair of model fields as one ``PartialDate``.

    The pair is ``<name>`` (a nullable DateField) and ``<name>_precision`` (a CharField with
    ``DatePrecision`` choices, blank when the date is unknown). Declare both fields on the
    model, add ``constraints(...)`` to its Meta and call ``errors(...)`` from its ``clean()``.
    """

    def __init__(self, date_field: str):
        self.date_field = date_field
        self.precision_field = f"{date_field}_precision"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = getattr(instance, self.date_field)
        if value is None:
            return None
        return PartialDate(value, DatePrecision(getattr(instance, self.precision_field)))

    def __set__(self, instance, value):
        if isinstance(value, str):
            value = PartialDate.parse(value)
        setattr(instance, self.date_field, value.date if value else None)
        setattr(instance, self.precision_field, value.precision if value else "")

    def errors(self, instance) -> dict[str, str]:
        """Field errors for an inconsistent pair, in the form ``Model.clean()`` raises."""
        value = getattr(instance, self.date_field)
        precision = getattr(instance, self.precision_field)
        if value is None:
            return (
                {self.precision_field: _("Leave the precision empty when there is no date.")}
                if precision
                else {}
            )
        if not precision:
            return {
                self.precision_field: _("Say whether the day, the month or only the year is known.")
            }
        if precision == DatePrecision.MONTH and value.day != 1:
            return {self.date_field: _("Only the month is known: enter the 1st of that month.")}
        if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
            return {self.date_field: _("Only the year is known: enter 1 January of that year.")}
        return {}

    @staticmethod
    def constraints(date_field: str) -> list[models.CheckConstraint]:
        """Database checks that keep the pair consistent whatever path writes it."""
        precision = f"{date_field}_precision"
        prefix = f"%(app_label)s_%(class)s_{date_field}"
        return [
            models.CheckConstraint(
                condition=Q(**{f"{date_field}__isnull": True, precision: ""})
                | Q(**{f"{date_field}__isnull": False, f"{precision}__in": DatePrecision.values}),
                name=f"{prefix}_precision_set",
                violation_error_message=_("A date needs a precision, and only a date has one."),
            ),
            PartialDateCheck(
                date_field=date_field,
                condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{date_field}__day": 1}),
                name=f"{prefix}_month_precision",
                violation_error_message=_("A date known to the month is stored as its 1st day."),
            ),
            PartialDateCheck(
                date_field=date_field,
                condition=~Q(**{precision: DatePrecision.YEAR})
                | Q(**{f"{date_field}__day": 1, f"{date_field}__month": 1}),
                name=f"{prefix}_year_precision",
                violation_error_message=_("A date known to the year is stored as 1 January."),
            ),
        ]
