"""What a partnership pledges and what it reports against the pledge.

A commitment and its reports have no publication status of their own: they are public exactly
when their partnership is, so every public reader starts from ``Partnership.objects.published()``
(``CommitmentQuerySet.of()``). Their status (on track, behind, overdue…) is never stored: it
depends on the day, and ``partnerships.commitments`` computes it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Floor
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from ..commitments import STATUS_ORDER, standing
from .places import not_empty

FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_between(field: str) -> Q:
    return Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR})


class CommitmentQuerySet(models.QuerySet):
    def of(self, partnerships):
        """The commitments of ``partnerships``: pass ``Partnership.objects.published()``."""
        return self.filter(partnership__in=partnerships)

    def standings(self, today) -> dict:
        """Each commitment's ``Standing`` on ``today``, by id (two queries: rows and reports)."""
        return {c.pk: standing(c, today) for c in self.prefetch_related("reports")}

    def in_status(self, status: str, today):
        """The commitments whose status is ``status`` on ``today``, computed as pages show it."""
        found = self.standings(today)
        return self.filter(pk__in=[pk for pk, s in found.items() if s.status == status])

    def by_status(self, today, descending: bool = False):
        """Ordered by status (``STATUS_ORDER``: what needs attention first), then partnership."""
        rank = {status: i for i, status in enumerate(STATUS_ORDER)}
        whens = [When(pk=pk, then=rank[s.status]) for pk, s in self.standings(today).items()]
        order = Case(*whens, default=len(rank), output_field=models.IntegerField())
        return self.order_by(order.desc() if descending else order.asc(), "partnership__name", "pk")

    def for_tracker(self):
        """What the tracker, the API and the open data read of each commitment: its
        partnership with its ecosystems, and its reports in order (three queries)."""
        return self.select_related("partnership__ecosystem").prefetch_related(
            "partnership__linked_ecosystems", "reports"
        )


class Commitment(TimeStampedModel):
    """A pledge a partnership made: an amount in one unit, in total or for each year, by a
    target year from a baseline year, with its source.

    A revised pledge never overwrites the old one: the old row names the one that replaced it
    and the day it was replaced.
    """

    class Unit(models.TextChoices):
        PEOPLE = "people", _("people")
        WORKFORCE_SHARE = "workforce-percent", _("% of the workforce")

    class Basis(models.TextChoices):
        TOTAL = "total", _("In total")
        EACH_YEAR = "each-year", _("Each year")

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    amount = models.DecimalField(
        _("amount pledged"),
        max_digits=14,
        decimal_places=2,
        help_text=_("A whole number of people, or a percentage of the workforce."),
    )
    unit = models.CharField(_("unit"), max_length=17, choices=Unit, default=Unit.PEOPLE)
    basis = models.CharField(
        _("basis"),
        max_length=9,
        choices=Basis,
        help_text=_("In total by the target year, or each year until it: never the same thing."),
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        help_text=_("The year counting starts from (0 people then); empty if not stated."),
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, help_text=_("Empty if not stated.")
    )
    statement = models.CharField(
        _("what is pledged"), max_length=500, help_text=_("The pledge in a sentence.")
    )
    source_url = models.URLField(_("source"), max_length=500)
    stated_on = models.DateField(
        _("stated on"), null=True, blank=True, help_text=_("When the pledge was made, if known.")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        help_text=_("The revised pledge that took its place; the old one is kept."),
    )
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()
    # The change history is registered in translation.py, with the translated columns.

    class Meta:
        ordering = [
            "partnership__name",
            "partnership_id",
            F("target_year").asc(nulls_last=True),
            "pk",
        ]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=not_empty("slug", "statement", "source_url"),
                name="%(app_label)s_%(class)s_stated_and_sourced",
                violation_error_message=_("A commitment needs a slug, a statement and a source."),
            ),
            models.CheckConstraint(
                condition=Q(unit="people", amount__gt=0, amount=Floor("amount"))
                | Q(unit="workforce-percent", amount__gt=0, amount__lte=100),
                name="%(app_label)s_%(class)s_amount_in_its_unit",
                violation_error_message=_(
                    "The amount is a whole number of people above 0, or a percentage of the "
                    "workforce above 0 and at most 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(basis__in=["total", "each-year"]),
                name="%(app_label)s_%(class)s_basis_valid",
                violation_error_message=_("The basis is in total or each year."),
            ),
            models.CheckConstraint(
                condition=(Q(baseline_year__isnull=True) | year_between("baseline_year"))
                & (Q(target_year__isnull=True) | year_between("target_year"))
                & (
                    Q(baseline_year__isnull=True)
                    | Q(target_year__isnull=True)
                    | Q(baseline_year__lt=F("target_year"))
                ),
                name="%(app_label)s_%(class)s_years_in_order",
                violation_error_message=_(
                    "Years are between 2000 and 2100, the baseline year before the target year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True, replaced_on__isnull=True)
                | (
                    Q(replaced_by__isnull=False, replaced_on__isnull=False)
                    & ~Q(replaced_by=F("pk"))
                ),
                name="%(app_label)s_%(class)s_replacement_dated",
                violation_error_message=_(
                    "A replaced pledge names another pledge that replaced it, and the day."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.statement}"

    def clean(self):
        super().clean()
        if self.replaced_by_id and self.replaced_by.partnership_id != self.partnership_id:
            raise ValidationError(
                {"replaced_by": _("A pledge is replaced by another of the same partnership.")}
            )


class ProgressReport(TimeStampedModel):
    """A figure reported for one year against a commitment, in the commitment's unit: what
    was done in that year, or everything up to the end of it, as the source says."""

    class Kind(models.TextChoices):
        IN_YEAR = "in-year", _("In that year")
        CUMULATIVE = "cumulative", _("Cumulative to that year")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=2,
        help_text=_("In the commitment's unit: people, or a percentage of the workforce."),
    )
    kind = models.CharField(_("counted"), max_length=10, choices=Kind)
    source_url = models.URLField(_("source"), max_length=500)
    reported_on = models.DateField(_("reported on"))

    class Meta:
        ordering = ["commitment_id", "year", "kind", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(kind__in=["in-year", "cumulative"]),
                name="%(app_label)s_%(class)s_value_and_kind",
                violation_error_message=_(
                    "A report is a value of 0 or more, in that year or cumulative to it."
                ),
            ),
            models.CheckConstraint(
                condition=year_between("year") & Q(reported_on__year__gte=F("year")),
                name="%(app_label)s_%(class)s_reported_after_its_year_began",
                violation_error_message=_(
                    "The year is between 2000 and 2100, and a year's figure cannot be reported "
                    "before that year began."
                ),
            ),
            models.CheckConstraint(
                condition=not_empty("source_url"),
                name="%(app_label)s_%(class)s_sourced",
                violation_error_message=_("A progress report needs its source."),
            ),
            models.UniqueConstraint(
                fields=["commitment", "year", "kind"],
                name="%(app_label)s_%(class)s_one_per_year_and_kind",
                violation_error_message=_(
                    "This commitment already has a report of that kind for that year."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.commitment.slug} {self.year}: {self.value} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        commitment = getattr(self, "commitment", None) if self.commitment_id else None
        if (
            commitment is not None
            and commitment.unit == Commitment.Unit.PEOPLE
            and self.value is not None
            and self.value != self.value.to_integral_value()
        ):
            raise ValidationError({"value": _("A number of people is a whole number.")})
