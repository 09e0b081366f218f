"""Member organisations, their types, and their memberships of partnerships."""

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    TimeStampedModel,
    count_of,
)
from core.partial_dates import DatePrecision, PartialDateAttribute

from .nuts import NutsRegion
from .places import PIC_PATTERN, Country, not_empty


class OrganisationCategory(models.TextChoices):
    """The broad groups the Erasmus+ composition rules count."""

    LABOUR_MARKET = "labour_market", _("Labour-market actor")
    EDUCATION_TRAINING = "education_training", _("Education and training provider")
    OTHER = "other", _("Other organisation")


class OrganisationType(models.TextChoices):
    """Participant types of the Erasmus+ Alliances for Sectoral Cooperation on Skills call."""

    HEI = "hei", _("Higher education institution")
    VET_PROVIDER = "vet_provider", _("VET provider")
    VET_NETWORK = "vet_network", _("Network of VET providers")
    SME = "sme", _("Small or medium-sized enterprise")
    LARGE_ENTERPRISE = "large_enterprise", _("Large enterprise")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    CHAMBER = "chamber", _("Chamber of commerce, industry, labour or crafts")
    SOCIAL_PARTNER = "social_partner", _("Social partner (trade union or employers’ body)")
    SECTORAL_ASSOCIATION = "sectoral_association", _("Sectoral or professional association")
    SECTOR_SKILLS_COUNCIL = "sector_skills_council", _("Sector skills council")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    NGO = "ngo", _("Non-governmental organisation")
    PUBLIC_BODY = "public_body", _("Public body (local, regional or national)")
    EDUCATION_AUTHORITY = (
        "education_authority",
        _("Authority for education, training or employment"),
    )
    EMPLOYMENT_SERVICE = "employment_service", _("Employment service")
    GUIDANCE_BODY = "guidance_body", _("Career guidance or counselling body")
    QUALIFICATION_BODY = (
        "qualification_body",
        _("Accreditation, certification or qualification body"),
    )
    CARE_INSTITUTION = "care_institution", _("Hospital or care institution")
    DEVELOPMENT_AGENCY = "development_agency", _("Economic development agency")
    STATISTICS_OFFICE = "statistics_office", _("National statistics office")
    NETWORK = "network", _("European or national network")
    OTHER = "other", _("Other")


# The call counts as labour-market actors "enterprises or companies, or representative
# intermediary organisations such as chambers, trade unions or trade associations"; sector
# skills councils are led by those same actors, so they count with them. It counts as
# education and training providers "VET providers and/or higher education institutions";
# a network of VET providers speaks for providers, so it counts with them.
CATEGORY_BY_TYPE = {
    OrganisationType.HEI: OrganisationCategory.EDUCATION_TRAINING,
    OrganisationType.VET_PROVIDER: OrganisationCategory.EDUCATION_TRAINING,
    OrganisationType.VET_NETWORK: OrganisationCategory.EDUCATION_TRAINING,
    OrganisationType.SME: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.LARGE_ENTERPRISE: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.SOCIAL_ENTERPRISE: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.CHAMBER: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.SOCIAL_PARTNER: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.SECTORAL_ASSOCIATION: OrganisationCategory.LABOUR_MARKET,
    OrganisationType.SECTOR_SKILLS_COUNCIL: OrganisationCategory.LABOUR_MARKET,
}


def category_of(organisation_type: str) -> OrganisationCategory:
    return CATEGORY_BY_TYPE.get(organisation_type, OrganisationCategory.OTHER)


class OrganisationQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("acronym", "A"))
    stored_vector = True

    def for_list(self):
        """What a directory row shows: the country and how many published partnerships."""
        return self.select_related("country", "region").annotate(
            partnership_count=count_of(
                Membership.objects.filter(partnership__status=PublicationStatus.PUBLISHED),
                "organisation",
            )
        )

    def for_detail(self):
        """The organisation with its published partnerships and its role in each."""
        return (
            self.for_list()
            .with_curated_at()
            .prefetch_related(
                models.Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(
                        partnership__status=PublicationStatus.PUBLISHED
                    ).select_related("partnership__ecosystem"),
                    to_attr="published_memberships",
                )
            )
        )

    def members_of(self, partnerships: models.QuerySet):
        return self.filter(pk__in=partnerships.values("memberships__organisation"))

    def of_category(self, category: str):
        return self.filter(
            type__in=[t for t in OrganisationType.values if category_of(t) == category]
        )


class Organisation(TimeStampedModel, Publishable):
    """A company, training provider, public body or association taking part in partnerships."""

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Where the organisation is established; empty if no source states it."),
    )
    region = models.ForeignKey(
        NutsRegion,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("The NUTS level-2 region it is established in, where known."),
    )
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType, db_index=True)
    pic = models.CharField(
        _("PIC"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(PIC_PATTERN, _("A PIC is exactly nine digits."))],
        help_text=_("The nine-digit Participant Identification Code used in EU funding."),
    )
    eche_holder = models.BooleanField(
        _("holds an ECHE"),
        default=False,
        help_text=_(
            "Higher education institutions only: holds a valid Erasmus Charter for "
            "Higher Education."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # The directory's order, so a page of it is read from the index, not sorted.
            models.Index(
                "name", "id", name="organisation_listing_idx", condition=Q(status="published")
            ),
            # The directory filtered by country and type is counted from the index alone.
            models.Index(
                "country",
                "type",
                name="organisation_country_type_idx",
                condition=Q(status="published"),
            ),
            # The charts count members by type or country: the published organisations' ids with
            # those columns, read from the index alone rather than from every organisation's
            # row (an ecosystem's members by type at factor 100: 36 → 22 ms).
            models.Index(
                "id",
                include=["type", "country"],
                name="organisation_counted_idx",
                condition=Q(status="published"),
            ),
            # "Did you mean …?" looks names and acronyms up by trigrams (``<%``, see
            # ``core.models.closest_words()``): among 10,000s of organisations, from these
            # rather than by comparing every name (PostgreSQL only: migration 0020).
            GinIndex(
                fields=["name"],
                opclasses=["gin_trgm_ops"],
                name="organisation_name_trgm_idx",
                condition=Q(status="published"),
            ),
            GinIndex(
                fields=["acronym"],
                opclasses=["gin_trgm_ops"],
                name="organisation_acronym_trgm_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=not_empty("name", "slug"),
                name="%(app_label)s_%(class)s_name_slug_not_empty",
                violation_error_message=_("An organisation needs a name and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(type__in=OrganisationType.values),
                name="%(app_label)s_%(class)s_type_valid",
                violation_error_message=_("Unknown organisation type."),
            ),
            models.CheckConstraint(
                condition=Q(pic="") | Q(pic__regex=PIC_PATTERN),
                name="%(app_label)s_%(class)s_pic_format",
                violation_error_message=_("A PIC is exactly nine digits."),
            ),
            models.UniqueConstraint(
                fields=["pic"],
                condition=~Q(pic=""),
                name="%(app_label)s_%(class)s_unique_pic",
                violation_error_message=_("Another organisation already has this PIC."),
            ),
            models.CheckConstraint(
                condition=Q(eche_holder=False) | Q(type=OrganisationType.HEI),
                name="%(app_label)s_%(class)s_eche_only_for_hei",
                violation_error_message=_("Only a higher education institution can hold an ECHE."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnerships:organisation_detail", args=[self.slug])

    def draft_memberships(self):
        """Its places in partnerships still in draft: its page shows them to curators, marked
        "Draft", and to the public once they are published."""
        return self.memberships.filter(partnership__status=PublicationStatus.DRAFT).select_related(
            "partnership__ecosystem"
        )

    def drafts_shown(self) -> list:
        """The draft partnerships its page shows once published, to publish with it."""
        return [membership.partnership for membership in self.draft_memberships()]

    @property
    def category(self) -> OrganisationCategory:
        return category_of(self.type)


class Membership(TimeStampedModel):
    """An organisation's place in a partnership."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        FOUNDER = "founder", _("Founder")
        STEERING_COMMITTEE = "steering-committee", _("Steering committee")
        MEMBER = "member", _("Member")
        SIGNATORY = "signatory", _("Signatory")
        SUPPORTING_PARTNER = "supporting-partner", _("Supporting partner")

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
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
        # Role values sort coordinator, founder, member, signatory, steering-committee,
        # supporting-partner: the order pages show.
        ordering = ["partnership_id", "role", "organisation_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message=_("This organisation is already a member."),
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "coordinator",
                        "founder",
                        "steering-committee",
                        "member",
                        "signatory",
                        "supporting-partner",
                    ]
                ),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            *PartialDateAttribute.constraints("named_on"),
        ]

    def clean(self):
        super().clean()
        if errors := Membership.named.errors(self):
            raise ValidationError(errors)

    def __str__(self):
        return _("%(organisation)s — %(role)s of %(partnership)s") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
            "partnership": self.partnership,
        }
