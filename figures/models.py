"""The Pact's official figures: what the Commission and others have reported, each dated and
sourced, as records curators keep. They are never computed from the portal's own rows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Attested, TimeStampedModel
from core.partial_dates import DatePrecision, PartialDateAttribute


def latest_of_each(figures, metrics) -> list["OfficialFigure"]:
    """The most recent figure with a number of each of ``metrics``, in the order given.

    ``figures`` are newest first (the model's ordering), so the first seen of a metric is it.
    """
    latest = {}
    for figure in figures:
        if figure.value is not None:
            latest.setdefault(figure.metric, figure)
    return [latest[metric] for metric in metrics if metric in latest]


class OfficialFigureQuerySet(models.QuerySet):
    def latest_of_each(self, metrics) -> list["OfficialFigure"]:
        """``latest_of_each()`` of these figures, in one query."""
        return latest_of_each(self.filter(metric__in=metrics), metrics)


class OfficialFigure(TimeStampedModel, Attested):
    """A number reported about the whole Pact on a given date, with who published it and where.

    ``value`` is what the source states, with its qualifier ("more than 3,200"); ``period``
    says what it counts over (trained since 2020, pledged by 2030). A figure that is not one
    number (a milestone) has a ``statement`` instead.
    """

    class Metric(models.TextChoices):
        MEMBERS = "members", _("Members of the Pact")
        SIGNATORIES = "signatories", _("Signatories of the Pact")
        PEOPLE_PLEDGED = "people-pledged", _("People pledged for upskilling or reskilling")
        PEOPLE_TRAINED = "people-trained", _("People trained")
        LARGE_SCALE = "large-scale-partnerships", _("Large-scale partnerships")
        REGIONAL = "regional-partnerships", _("Active regional skills partnerships")
        MILESTONE = "milestone", _("Milestone")

    class Unit(models.TextChoices):
        ORGANISATIONS = "organisations", _("organisations")
        PEOPLE = "people", _("people")
        PARTNERSHIPS = "partnerships", _("partnerships")

    class Qualifier(models.TextChoices):
        MORE_THAN = "more-than", _("more than")
        CLOSE_TO = "close-to", _("close to")

    # The figures the home page and the figures page lead with: the latest of each.
    HEADLINE = [
        Metric.MEMBERS,
        Metric.PEOPLE_TRAINED,
        Metric.PEOPLE_PLEDGED,
        Metric.LARGE_SCALE,
        Metric.REGIONAL,
    ]

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    metric = models.CharField(_("what it counts"), max_length=24, choices=Metric, db_index=True)
    value = models.PositiveBigIntegerField(_("value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=13, choices=Unit, blank=True)
    qualifier = models.CharField(
        _("qualifier"),
        max_length=9,
        choices=Qualifier,
        blank=True,
        help_text=_("As the source words it; empty for an exact number."),
    )
    statement = models.CharField(
        _("statement"),
        max_length=300,
        blank=True,
        help_text=_("For a milestone, which is not a number: what happened."),
    )
    stated_on = models.DateField(_("date"))
    stated_on_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    stated = PartialDateAttribute("stated_on")
    period_start = models.PositiveSmallIntegerField(_("counted from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(
        _("counted to or by (year)"),
        null=True,
        blank=True,
        help_text=_("A year after the figure's date is a target (pledged by 2030)."),
    )
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        help_text=_("Who published the source page; who first issued the figure, if known."),
    )
    source_url = models.URLField(_("source"), max_length=500)
    source_title = models.CharField(_("title of the source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = OfficialFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("stated_on").desc(), "metric", "pk"]
        verbose_name = _("official figure")
        verbose_name_plural = _("official figures")
        constraints = [
            *Attested.Meta.constraints,
            *PartialDateAttribute.constraints("stated_on"),
            models.CheckConstraint(
                condition=Q(
                    value__isnull=False,
                    statement="",
                    unit__in=["organisations", "people", "partnerships"],
                )
                | (
                    Q(value__isnull=True, qualifier="", unit="", metric="milestone")
                    & ~Q(statement="")
                ),
                name="%(app_label)s_%(class)s_number_or_statement",
                violation_error_message=_(
                    "A figure is a number with its unit, or a milestone's statement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="%(app_label)s_%(class)s_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url="") & ~Q(publisher=""),
                name="%(app_label)s_%(class)s_sourced",
                violation_error_message=_("A figure needs its publisher and its source."),
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} ({self.stated})"

    def clean(self):
        super().clean()
        errors = OfficialFigure.stated.errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def is_target(self) -> bool:
        """Whether the period ends after the figure was stated: a pledge "by 2030"."""
        return bool(self.period_end and self.period_end > self.stated_on.year)
