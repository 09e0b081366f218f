"""Blueprint alliances and their consortia."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import PublicationStatus, Publishable, PublishableQuerySet, TimeStampedModel
from core.partial_dates import DatePrecision, PartialDate, PartialDateAttribute
from ecosystems.models import Ecosystem
from partnerships.models import Organisation, Partnership, not_empty

from ..eligibility import Member, Report, Role, check_consortium
from ..timeline import Phase, Timeline
from .calls import FundingCall


class AllianceQuerySet(PublishableQuerySet):
    # The ecosystem's name lets "automotive" find the alliances of that ecosystem.
    search_fields = (
        ("acronym", "A"),
        ("name", "A"),
        ("ecosystem__name", "B"),
        ("description", "B"),
    )
    translated_search_fields = frozenset({"ecosystem__name"})
    # Kept by triggers, with the ecosystem's names (migration alliances/0006).
    stored_vector = True

    def for_list(self):
        return self.select_related("ecosystem", "call")

    def for_detail(self):
        """The alliance with its published members, reported counts and supported partnerships.

        A member whose organisation is still a draft is left out of public pages, the API and
        the public report alike: its name must not show, so it cannot be counted either.
        """
        return self.for_list().prefetch_related(
            models.Prefetch(
                "members",
                queryset=AllianceMember.objects.filter(
                    organisation__status=PublicationStatus.PUBLISHED
                ).select_related("organisation__country"),
            ),
            "member_counts",
            models.Prefetch("supported_partnerships", queryset=Partnership.objects.published()),
        )

    def in_phase(self, phase: str, today: datetime.date):
        """The alliances whose dates put them in ``phase`` on ``today``.

        The phase follows from partial dates, durations and reported statuses in Python
        (``Timeline``), so the few columns it needs are read for every row and matched here.
        """
        rows = self.values_list(
            "pk",
            "starts_on",
            "starts_on_precision",
            "ends_on",
            "ends_on_precision",
            "duration_months",
            "reported_status",
        )
        return self.filter(
            pk__in=[pk for pk, *fields in rows if timeline_of(*fields).phase(today) == phase]
        )


def timeline_of(starts_on, starts_precision, ends_on, ends_precision, duration, reported):
    return Timeline(
        PartialDate(starts_on, DatePrecision(starts_precision)) if starts_on else None,
        PartialDate(ends_on, DatePrecision(ends_precision)) if ends_on else None,
        duration,
        reported,
    )


class Assessment(models.TextChoices):
    """What the portal can say about an alliance's consortium and its call's rules."""

    NO_CALL = "no_call", _("The call that selected this alliance is not recorded on this portal.")
    NO_RULES = "no_rules", _("The composition rules of its call are not on record.")
    NO_CONSORTIUM = "no_consortium", _("Consortium not recorded on this portal.")
    PARTIAL = "partial", _("The consortium recorded here is incomplete.")
    CHECKED = "checked", _("Checked against the rules of its own call.")


class Alliance(TimeStampedModel, Publishable):
    """An Erasmus+ alliance for sectoral cooperation on skills (a "Blueprint" project)."""

    acronym = models.CharField(_("acronym"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    ecosystem = models.ForeignKey(
        Ecosystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliances",
        verbose_name=_("ecosystem"),
        help_text=_("Empty only where no source names the ecosystem."),
    )
    call = models.ForeignKey(
        FundingCall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliances",
        verbose_name=_("funding call"),
        help_text=_(
            "The call that selected it, from its project number, start date and strand; empty "
            "where the sources do not settle it."
        ),
    )
    programme_strand = models.CharField(_("programme strand"), max_length=200, blank=True)
    project_number = models.CharField(_("project number"), max_length=80, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    starts_on_precision = models.CharField(
        _("start precision"), max_length=5, choices=DatePrecision, blank=True
    )
    starts = PartialDateAttribute("starts_on")
    ends_on = models.DateField(_("end"), null=True, blank=True)
    ends_on_precision = models.CharField(
        _("end precision"), max_length=5, choices=DatePrecision, blank=True
    )
    ends = PartialDateAttribute("ends_on")
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        help_text=_("As a source states it; gives the end when no end date is recorded."),
    )
    reported_status = models.CharField(
        _("status reported by a source"),
        max_length=12,
        choices=Phase,
        blank=True,
        help_text=_(
            "Only with its source. The page shows what the dates say; this status is used only "
            "where they cannot decide, and never against them."
        ),
    )
    reported_status_source_url = models.URLField(
        _("source of the reported status"), blank=True, max_length=500
    )
    eu_grant_eur = models.PositiveBigIntegerField(_("EU grant (EUR)"), null=True, blank=True)
    reported_partners = models.PositiveSmallIntegerField(
        _("partners reported"), null=True, blank=True
    )
    reported_countries = models.PositiveSmallIntegerField(
        _("countries reported"), null=True, blank=True
    )
    coordinator_name = models.CharField(
        _("coordinator as reported"),
        max_length=255,
        blank=True,
        help_text=_("As the sources name it, until the coordinator is added as a member."),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    supported_partnerships = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="alliances",
        limit_choices_to={"kind": Partnership.Kind.LARGE_SCALE},
        verbose_name=_("large-scale partnerships supported"),
    )

    objects = AllianceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym", "pk"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        constraints = [
            *Publishable.Meta.constraints,
            *PartialDateAttribute.constraints("starts_on"),
            *PartialDateAttribute.constraints("ends_on"),
            models.CheckConstraint(
                condition=not_empty("acronym", "name", "slug"),
                name="%(app_label)s_%(class)s_names_not_empty",
                violation_error_message=_("An alliance needs an acronym, a name and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(reported_status__in=["", *Phase.values]),
                name="%(app_label)s_%(class)s_reported_status_valid",
                violation_error_message=_("Unknown project status."),
            ),
            models.CheckConstraint(
                condition=Q(reported_status="") | ~Q(reported_status_source_url=""),
                name="%(app_label)s_%(class)s_reported_status_has_source",
                violation_error_message=_("A reported status needs its source."),
            ),
        ]

    def __str__(self):
        return f"{self.acronym} — {self.name}"

    def get_absolute_url(self):
        return reverse("alliances:detail", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {**Alliance.starts.errors(self), **Alliance.ends.errors(self)}
        call = self.call if self.call_id else None
        maximum = call.max_grant_eur if call else None
        if maximum and self.eu_grant_eur and self.eu_grant_eur > maximum:
            errors["eu_grant_eur"] = _("The call grants at most EUR %(max)s per project.") % {
                "max": number_format(maximum, force_grouping=True)
            }
        if call and call.one_alliance_per_ecosystem and self.ecosystem_id:
            others = Alliance.objects.filter(call=call, ecosystem_id=self.ecosystem_id)
            if others.exclude(pk=self.pk).exists():
                errors["call"] = _(
                    "This call funds only one alliance per ecosystem, and this one has one already."
                )
        if self.reported_status and self.timeline.from_dates(timezone.localdate()) not in (
            Phase.UNKNOWN,
            self.reported_status,
        ):
            errors["reported_status"] = _("The alliance’s own dates say otherwise.")
        if errors:
            raise ValidationError(errors)

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.starts, self.ends, self.duration_months, self.reported_status)

    def phase(self, today: datetime.date | None = None) -> Phase:
        return self.timeline.phase(today or timezone.localdate())

    @property
    def phase_today(self) -> Phase:
        return self.phase()

    @property
    def phase_from_report(self) -> bool:
        """Whether today's phase comes from a source's report rather than from the dates."""
        return bool(self.reported_status) and (
            self.timeline.from_dates(timezone.localdate()) == Phase.UNKNOWN
        )

    @property
    def summary(self) -> str:
        """One line for search results: what kind of record this is, and its ecosystem."""
        parts = [self.acronym, str(_("Erasmus+ Blueprint alliance"))]
        return " · ".join([*parts, self.ecosystem.name] if self.ecosystem_id else parts)

    def consortium(self) -> list[Member]:
        """The members as the checker sees them (uses the prefetched members)."""
        return [
            Member(
                name=m.organisation.name,
                country=m.organisation.country_id,
                type=m.organisation.type,
                eche=m.organisation.eche_holder,
                role=m.role,
            )
            for m in self.members.all()
        ]

    def assessment(self) -> Assessment:
        """Whether a verdict can be given, and if not, why (uses the prefetched members).

        Only the rules on record for the alliance's own call are ever applied, and only to a
        consortium recorded whole: with roles a source left unstated, or fewer partners named
        than reported, a verdict would judge the gaps of the record, not the alliance.
        """
        members = list(self.members.all())
        if not members:
            return Assessment.NO_CONSORTIUM
        if self.call_id is None:
            return Assessment.NO_CALL
        if not self.call.has_rules:
            return Assessment.NO_RULES
        counted = [m for m in members if m.role in Role.COUNTED]
        if any(m.role == Role.PARTNER for m in members) or (
            self.reported_partners and len(counted) < self.reported_partners
        ):
            return Assessment.PARTIAL
        return Assessment.CHECKED

    def eligibility(self, programme_countries: frozenset[str]) -> Report | None:
        """The report against the rules of its own call, or None where no verdict is due."""
        if self.assessment() != Assessment.CHECKED:
            return None
        return check_consortium(self.call.call_rules, self.consortium(), programme_countries)


class AllianceMember(TimeStampedModel):
    """An organisation's place in an alliance's consortium."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="members", verbose_name=_("alliance")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.RECORDED_CHOICES)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    named_on_precision = models.CharField(
        _("named on precision"), max_length=5, choices=DatePrecision, blank=True
    )
    named = PartialDateAttribute("named_on")
    source_url = models.URLField(
        _("source"), blank=True, max_length=500, help_text=_("The page that names the member.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["alliance_id", "role", "organisation__name", "pk"]
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message=_("This organisation is already in the consortium."),
            ),
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(role="coordinator"),
                name="%(app_label)s_%(class)s_one_coordinator",
                violation_error_message=_("An alliance has one coordinator."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=[value for value, _label in Role.RECORDED_CHOICES]),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            *PartialDateAttribute.constraints("named_on"),
        ]

    def clean(self):
        super().clean()
        if errors := AllianceMember.named.errors(self):
            raise ValidationError(errors)

    def __str__(self):
        return _("%(organisation)s — %(role)s of %(alliance)s") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
            "alliance": self.alliance.acronym,
        }
