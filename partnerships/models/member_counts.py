"""How many members a partnership reported, over time: each count as dated and sourced."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Attested, TimeStampedModel
from core.partial_dates import DatePrecision, PartialDateAttribute


class MemberCount(TimeStampedModel, Attested):
    """A number of members a source gave for a partnership on a date ("more than 93 partners,
    November 2022"). Counts are kept side by side, never replaced: together they show how a
    partnership grew, and each stays with its own source."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="member_counts",
    )
    count = models.CharField(
        _("members reported"),
        max_length=200,
        help_text=_("As the source gives it, e.g. “more than 93 partners”."),
    )
    as_of_on = models.DateField(_("as of"))
    as_of_on_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    as_of = PartialDateAttribute("as_of_on")
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_name = models.CharField(
        _("source, when it has no address"),
        max_length=200,
        blank=True,
        help_text=_("Who gave the count, when only their name is known."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "as_of_on", "pk"]
        verbose_name = _("member count")
        verbose_name_plural = _("member counts")
        constraints = [
            *Attested.Meta.constraints,
            *PartialDateAttribute.constraints("as_of_on"),
            models.UniqueConstraint(
                fields=["partnership", "as_of_on"],
                name="%(app_label)s_%(class)s_one_count_a_date",
                violation_error_message=_("This partnership already has a count on this date."),
            ),
            models.CheckConstraint(
                condition=~Q(count=""),
                name="%(app_label)s_%(class)s_count_not_empty",
                violation_error_message=_("Give the count as the source states it."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url="") | ~Q(source_name=""),
                name="%(app_label)s_%(class)s_sourced",
                violation_error_message=_("A count needs its source: an address or a name."),
            ),
        ]

    def __str__(self):
        return f"{self.count} ({self.as_of})"

    def clean(self):
        super().clean()
        errors = MemberCount.as_of.errors(self)
        if errors:
            raise ValidationError(errors)
