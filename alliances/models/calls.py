"""Erasmus+ calls and the countries that take full part in the programme."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from partnerships.models import Country

from ..eligibility import CallRules

BRUSSELS = ZoneInfo("Europe/Brussels")


class ProgrammeCountry(models.Model):
    """A country taking full part in Erasmus+: an EU Member State or an associated third country.

    Only these countries count toward a call's minimum number of countries; every other
    country is a partner country.
    """

    class Status(models.TextChoices):
        MEMBER_STATE = "member_state", _("EU Member State")
        ASSOCIATED = "associated", _("Third country associated to the programme")

    country = models.OneToOneField(
        Country,
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="programme_membership",
        verbose_name=_("country"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    source_url = models.URLField(_("source"), blank=True)

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("programme country")
        verbose_name_plural = _("programme countries")

    def __str__(self):
        return str(self.country)

    @classmethod
    def codes(cls) -> frozenset[str]:
        return frozenset(cls.objects.values_list("country_id", flat=True))


class CallState(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Dates not recorded")


class FundingCallQuerySet(models.QuerySet):
    def with_rules(self):
        """Calls whose composition rules are on record: the only ones a consortium is checked
        against."""
        return self.filter(rules__isnull=False)


class FundingCall(TimeStampedModel):
    """A call for proposals, with what its sources say; its composition rules as data when
    they are on record, and nothing (not another call's rules) when they are not."""

    programme = models.CharField(_("programme"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    identifier = models.CharField(
        _("call identifier"),
        max_length=80,
        blank=True,
        help_text=_("Empty where no source gives one (the calls before 2021 had none)."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    summary = models.TextField(_("what the sources say"), blank=True)
    opens_on = models.DateField(_("opening date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_time = models.TimeField(
        _("deadline time"),
        null=True,
        blank=True,
        help_text=_("Brussels time; empty where the sources give the day only."),
    )
    budget_eur = models.PositiveBigIntegerField(_("call budget (EUR)"), null=True, blank=True)
    expected_projects = models.PositiveSmallIntegerField(
        _("projects expected"), null=True, blank=True
    )
    max_grant_eur = models.PositiveBigIntegerField(
        _("maximum EU grant per project (EUR)"), null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    activities = models.TextField(
        _("required activities"), blank=True, help_text=_("One activity group per line.")
    )
    rules = models.JSONField(
        _("composition rules"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Empty when the call's rules are not on record: its alliances then get no verdict. "
            "Named values: min_programme_countries, min_full_partners, "
            "min_labour_market_actors, min_education_training_providers (whole numbers), "
            "require_hei, require_vet_provider, eche_required_in_programme_countries "
            "(true or false)."
        ),
    )
    one_alliance_per_ecosystem = models.BooleanField(
        _("funds one alliance per ecosystem"),
        default=False,
        help_text=_("Only when the call says so."),
    )
    source_url = models.URLField(_("source"), max_length=500)

    objects = FundingCallQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~Q(identifier=""),
                name="%(app_label)s_%(class)s_unique_identifier",
                violation_error_message=_("Another call already has this identifier."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.identifier or self.year})"

    def clean(self):
        if self.rules is None:
            return
        try:
            CallRules.from_dict(self.rules)
        except ValueError as exc:
            raise ValidationError({"rules": str(exc)}) from exc

    @property
    def has_rules(self) -> bool:
        return self.rules is not None

    @property
    def call_rules(self) -> CallRules:
        return CallRules.from_dict(self.rules)

    @property
    def activity_list(self) -> list[str]:
        return [line.strip() for line in self.activities.splitlines() if line.strip()]

    @property
    def deadline_moment(self) -> datetime.datetime | None:
        """The deadline as a moment in Brussels time, where its time is known."""
        if self.deadline is None or self.deadline_time is None:
            return None
        return datetime.datetime.combine(self.deadline, self.deadline_time, BRUSSELS)

    def state(self, now: datetime.datetime | None = None) -> CallState:
        """Open, closed or not open yet at ``now``, from the call's own dates.

        A deadline known only to the day is past once that day is over in Brussels.
        """
        now = (now or timezone.now()).astimezone(BRUSSELS)
        if self.opens_on and now.date() < self.opens_on:
            return CallState.UPCOMING
        if self.deadline is None:
            return CallState.UNKNOWN
        if self.deadline_moment:
            return CallState.CLOSED if now >= self.deadline_moment else CallState.OPEN
        if now.date() > self.deadline:
            return CallState.CLOSED
        return CallState.OPEN if self.opens_on or now.date() < self.deadline else CallState.UNKNOWN
