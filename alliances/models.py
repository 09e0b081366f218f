from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    TimeStampedModel,
)
from core.partial_dates import DatePrecision, PartialDateAttribute
from ecosystems.models import Ecosystem
from partnerships.models import Country, Organisation, Partnership, not_empty

from .eligibility import CallRules, Member, Report, Role, check_consortium


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


class FundingCall(TimeStampedModel):
    """A call for proposals, with its composition rules stored as data."""

    programme = models.CharField(_("programme"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    identifier = models.CharField(_("call identifier"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    opens_on = models.DateField(_("opening date"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), help_text=_("Brussels time."))
    max_grant_eur = models.PositiveBigIntegerField(_("maximum EU grant per project (EUR)"))
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    activities = models.TextField(
        _("required activities"), blank=True, help_text=_("One activity group per line.")
    )
    rules = models.JSONField(
        _("composition rules"),
        default=dict,
        help_text=_(
            "Named values: min_programme_countries, min_full_partners, "
            "min_labour_market_actors, min_education_training_providers (whole numbers), "
            "require_hei, require_vet_provider, eche_required_in_programme_countries "
            "(true or false)."
        ),
    )
    source_url = models.URLField(_("source"), blank=True, max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline", "pk"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")

    def __str__(self):
        return f"{self.title} ({self.identifier})"

    def clean(self):
        try:
            CallRules.from_dict(self.rules)
        except ValueError as exc:
            raise ValidationError({"rules": str(exc)}) from exc

    @property
    def call_rules(self) -> CallRules:
        return CallRules.from_dict(self.rules)

    @property
    def activity_list(self) -> list[str]:
        return [line.strip() for line in self.activities.splitlines() if line.strip()]


class AllianceQuerySet(PublishableQuerySet):
    search_fields = (("acronym", "A"), ("name", "A"), ("description", "B"))

    def for_list(self):
        return self.select_related("ecosystem", "call")

    def for_detail(self):
        """The alliance with its published members and supported partnerships.

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
            models.Prefetch("supported_partnerships", queryset=Partnership.objects.published()),
        )


class Alliance(TimeStampedModel, Publishable):
    """An Erasmus+ alliance for sectoral cooperation on skills (a "Blueprint" project)."""

    class Status(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        FUNDED = "funded", _("Funded")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    # Statuses that mean the call selected the alliance for funding.
    SELECTED = [Status.FUNDED, Status.ONGOING, Status.COMPLETED]

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
        help_text=_("Empty for alliances of earlier programmes not recorded as calls here."),
    )
    programme_strand = models.CharField(_("programme strand"), max_length=200, blank=True)
    project_number = models.CharField(_("project number"), max_length=80, blank=True)
    project_status = models.CharField(
        _("project status"), max_length=10, choices=Status, default=Status.PROPOSAL
    )
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
                condition=Q(project_status__in=["proposal", "funded", "ongoing", "completed"]),
                name="%(app_label)s_%(class)s_project_status_valid",
                violation_error_message=_("Unknown project status."),
            ),
            models.UniqueConstraint(
                fields=["call", "ecosystem"],
                condition=Q(project_status__in=["funded", "ongoing", "completed"]),
                name="%(app_label)s_%(class)s_one_funded_per_ecosystem_and_call",
                violation_error_message=_(
                    "A call funds only one alliance per ecosystem, and this one has one already."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.acronym} — {self.name}"

    def get_absolute_url(self):
        return reverse("alliances:detail", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {**Alliance.starts.errors(self), **Alliance.ends.errors(self)}
        if self.call_id and self.eu_grant_eur and self.eu_grant_eur > self.call.max_grant_eur:
            errors["eu_grant_eur"] = _("The call grants at most EUR %(max)s per project.") % {
                "max": number_format(self.call.max_grant_eur, force_grouping=True)
            }
        if errors:
            raise ValidationError(errors)

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

    def eligibility(self, call: FundingCall, programme_countries: frozenset[str]) -> Report:
        return check_consortium(call.call_rules, self.consortium(), programme_countries)


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
    role = models.CharField(_("role"), max_length=20, choices=Role.CHOICES)

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
                condition=Q(role__in=[value for value, _label in Role.CHOICES]),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
        ]

    def __str__(self):
        return _("%(organisation)s — %(role)s of %(alliance)s") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
            "alliance": self.alliance.acronym,
        }
