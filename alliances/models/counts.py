"""Member counts as sources report them, dated, for partnerships and alliances."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.partial_dates import DatePrecision, PartialDateAttribute
from partnerships.models import Partnership

from .alliances import Alliance


class MemberCountQualifier(models.TextChoices):
    EXACT = "", _("exactly")
    MORE_THAN = "more_than", _("more than")
    ABOUT = "about", _("about")


class MemberCountUnit(models.TextChoices):
    MEMBERS = "members", _("members")
    PARTNERS = "partners", _("partners")
    SIGNATORIES = "signatories", _("signatories")
    ORGANISATIONS = "organisations", _("organisations")


class MemberCount(TimeStampedModel):
    """A number of members (or partners) a source reports for a partnership or an alliance.

    Counts change over time and sources disagree, so each is kept with its date and source and
    shown as a dated series, never merged into one figure.
    """

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="member_counts",
        verbose_name=_("partnership"),
    )
    alliance = models.ForeignKey(
        Alliance,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="member_counts",
        verbose_name=_("alliance"),
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=MemberCountQualifier, blank=True
    )
    count = models.PositiveIntegerField(_("count"))
    unit = models.CharField(_("counted as"), max_length=13, choices=MemberCountUnit)
    countries = models.PositiveSmallIntegerField(_("countries"), null=True, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    as_of_precision = models.CharField(
        _("as of precision"), max_length=5, choices=DatePrecision, blank=True
    )
    dated = PartialDateAttribute("as_of")
    source_url = models.URLField(_("source"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("as_of").asc(nulls_first=True), "count", "pk"]
        verbose_name = _("reported member count")
        verbose_name_plural = _("reported member counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(partnership__isnull=True, alliance__isnull=False)
                | Q(partnership__isnull=False, alliance__isnull=True),
                name="%(app_label)s_%(class)s_counts_one_record",
                violation_error_message=_("A count belongs to a partnership or an alliance."),
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=MemberCountQualifier.values),
                name="%(app_label)s_%(class)s_qualifier_valid",
                violation_error_message=_("Unknown qualifier."),
            ),
            models.CheckConstraint(
                condition=Q(unit__in=MemberCountUnit.values),
                name="%(app_label)s_%(class)s_unit_valid",
                violation_error_message=_("Unknown unit."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url=""),
                name="%(app_label)s_%(class)s_has_source",
                violation_error_message=_("A reported count needs its source."),
            ),
            *PartialDateAttribute.constraints("as_of"),
        ]

    def __str__(self):
        return f"{self.label} ({self.dated or _('date not stated')})"

    @property
    def label(self) -> str:
        """ "more than 120 members", "24 partners"."""
        count = number_format(self.count, force_grouping=True)
        text = f"{count} {self.get_unit_display()}"
        return f"{self.get_qualifier_display()} {text}" if self.qualifier else text

    def clean(self):
        super().clean()
        if errors := MemberCount.dated.errors(self):
            raise ValidationError(errors)
