import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.models import HistoricalRecords

from ecosystems.models import Ecosystem
from pactportal.cache import until_content_changes
from pactportal.models import (
    IdSet,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    TimeStampedModel,
    count_of,
)
from pactportal.partial_dates import DatePrecision, PartialDateAttribute

from .pdf import inspect_pdf

PIC_PATTERN = r"^[0-9]{9}$"
NUTS_PATTERN = r"^[A-Z]{2}[0-9A-Z]{1,3}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

# NUTS codes use the EU's own country prefixes where they differ from ISO 3166-1.
NUTS_PREFIX_BY_COUNTRY = {"GR": "EL"}


def not_empty(*fields: str) -> Q:
    return Q(*[~Q(**{field: ""}) for field in fields])


def alphabetical(text: str) -> str:
    """A sort key that files “Österreich” under O and “Élysée” under E, as readers expect."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class CountryQuerySet(models.QuerySet):
    def options(self) -> list[tuple[str, str]]:
        """``(code, name)`` of each country, named and sorted in the reader's language.

        The names come from django-countries' translations; the table keeps English ones.
        """
        named = [(code, str(countries.name(code))) for code in self.values_list("code", flat=True)]
        return sorted(named, key=lambda option: alphabetical(option[1]))

    def covered_by(self, partnerships: models.QuerySet):
        """Countries a set of partnerships names as covered, or where one of its members is.

        Only published members count: a draft organisation must not show where it is.
        """
        # Two semi-joins rather than two joins: joining both paths would multiply each
        # country's partnership links by its memberships before DISTINCT could remove them.
        # DISTINCT keeps each subquery to a few dozen codes, small enough for PostgreSQL to
        # hash; one row per membership (300,000 at scale) made it re-run per country.
        return self.filter(
            Q(code__in=partnerships.values("countries").distinct())
            | Q(
                code__in=partnerships.filter(
                    memberships__organisation__status=PublicationStatus.PUBLISHED
                )
                .values("memberships__organisation__country")
                .distinct()
            )
        )

    def partnership_counts(self, partnerships: models.QuerySet) -> dict[str, int]:
        """How many of ``partnerships`` each country has, in one query.

        A partnership counts in a country as ``Partnership.objects.in_country()`` finds it
        there: it covers the country or one of its published members is established there,
        once either way, so each count is the length of the partnership list filtered by that
        country.
        """
        ids = partnerships.order_by().values("pk")
        covered = (
            Partnership.countries.through.objects.filter(partnership__in=ids)
            .order_by()
            .values(code=F("country_id"), pid=F("partnership_id"))
        )
        hosting = (
            Membership.objects.filter(
                partnership__in=ids,
                organisation__status=PublicationStatus.PUBLISHED,
                organisation__country__isnull=False,
            )
            .order_by()
            .values(code=F("organisation__country_id"), pid=F("partnership_id"))
        )
        # UNION (not UNION ALL) keeps each (country, partnership) pair once; Django cannot
        # group the rows of a union, so the count wraps its SQL.
        sql, params = covered.union(hosting).query.sql_with_params()
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT pairs.code, COUNT(*) FROM ({sql}) pairs GROUP BY pairs.code",
                params,
            )
            return dict(cursor.fetchall())


class Country(models.Model):
    """A country of ISO 3166-1, keyed by its alpha-2 code.

    The rows are copied from django-countries by a migration. Keeping them in a table lets the
    database itself refuse an unknown code (a foreign key) wherever a country is stored.
    """

    code = models.CharField(
        _("ISO code"),
        primary_key=True,
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166-1 code."))],
    )
    name = models.CharField(_("name"), max_length=100)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="%(app_label)s_%(class)s_code_format",
                violation_error_message=_("A country code is two capital letters."),
            ),
        ]

    def __str__(self):
        # django-countries carries the translated names.
        return str(countries.name(self.code)) or self.name


class Region(TimeStampedModel):
    """A region, city or area a regional partnership covers, with its NUTS code if it has one."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regions",
        help_text=_("Leave empty for an area that spans several countries."),
    )
    nuts_code = models.CharField(
        _("NUTS code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(NUTS_PATTERN, _("A NUTS code is like ITC4 or EL61."))],
        help_text=_("The Eurostat NUTS 1, 2 or 3 code, where the area is a NUTS region."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=not_empty("name", "slug"),
                name="%(app_label)s_%(class)s_name_slug_not_empty",
                violation_error_message=_("A region needs a name and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(nuts_code="") | Q(nuts_code__regex=NUTS_PATTERN),
                name="%(app_label)s_%(class)s_nuts_code_format",
                violation_error_message=_("A NUTS code is like ITC4 or EL61."),
            ),
            models.UniqueConstraint(
                fields=["nuts_code"],
                condition=~Q(nuts_code=""),
                name="%(app_label)s_%(class)s_unique_nuts_code",
                violation_error_message=_("Another region already has this NUTS code."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country_id})" if self.country_id else self.name

    def clean(self):
        if self.nuts_code and self.country_id:
            prefix = NUTS_PREFIX_BY_COUNTRY.get(self.country_id, self.country_id)
            if not self.nuts_code.startswith(prefix):
                raise ValidationError(
                    {
                        "nuts_code": _("A NUTS code for %(country)s starts with %(prefix)s.")
                        % {"country": self.country_id, "prefix": prefix}
                    }
                )


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
        return self.select_related("country").annotate(
            partnership_count=count_of(
                Membership.objects.filter(partnership__status=PublicationStatus.PUBLISHED),
                "organisation",
            )
        )

    def for_detail(self):
        """The organisation with its published partnerships and its role in each."""
        return self.for_list().prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    partnership__status=PublicationStatus.PUBLISHED
                ).select_related("partnership__ecosystem"),
                to_attr="published_memberships",
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
    source_url = models.URLField(_("source"), blank=True)

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

    @property
    def category(self) -> OrganisationCategory:
        return category_of(self.type)


class PartnershipQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("acronym", "A"), ("summary", "B"), ("description", "C"))
    translated_search_fields = frozenset({"summary", "description"})
    stored_vector = True

    def with_counts(self):
        """Published members and documents of each partnership, counted in the same query."""
        return self.annotate(
            member_count=count_of(
                Membership.objects.filter(organisation__status=PublicationStatus.PUBLISHED),
                "partnership",
            ),
            document_count=count_of(Document.objects.published(), "partnership"),
        )

    def for_list(self):
        """What a list row shows: ecosystems, countries and published member/document counts."""
        return (
            self.with_counts()
            .select_related("ecosystem")
            .prefetch_related("linked_ecosystems", "countries")
        )

    def for_detail(self):
        """Everything the partnership page shows, published parts only, in a fixed few queries."""
        return (
            self.with_counts()
            .select_related("ecosystem")
            .prefetch_related(
                "linked_ecosystems",
                "countries",
                models.Prefetch("regions", queryset=Region.objects.select_related("country")),
                models.Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(
                        organisation__status=PublicationStatus.PUBLISHED
                    ).select_related("organisation__country"),
                    to_attr="published_memberships",
                ),
                models.Prefetch(
                    "documents",
                    queryset=Document.objects.published().prefetch_related("files"),
                    to_attr="published_documents",
                ),
            )
        )

    def in_ecosystem(self, ecosystem):
        """Large-scale partnerships of the ecosystem and regional ones linked to it."""
        linked = Partnership.linked_ecosystems.through.objects.filter(ecosystem=ecosystem)
        return self.filter(Q(ecosystem=ecosystem) | Q(pk__in=linked.values("partnership")))

    def in_country(self, country):
        """Partnerships that cover the country or have a published member established there."""
        covered = Partnership.countries.through.objects.filter(country=country)
        return self.filter(Q(pk__in=covered.values("partnership")) | hosting(country))

    def figures(self) -> dict[str, int]:
        """Totals in one query: partnerships of each kind and the people they pledge to train."""
        return self.aggregate(
            partnerships=Count("pk"),
            large_scale=Count("pk", filter=Q(kind=Partnership.Kind.LARGE_SCALE)),
            regional=Count("pk", filter=Q(kind=Partnership.Kind.REGIONAL)),
            people_pledged=Coalesce(Sum("commitment_people"), 0),
        )

    def large_scale(self):
        return self.filter(kind=Partnership.Kind.LARGE_SCALE)

    def regional(self):
        return self.filter(kind=Partnership.Kind.REGIONAL)


def hosting(country) -> Q:
    """Partnerships with a published member organisation established in ``country``.

    With the page cache on, their ids are remembered until content changes: at scale the
    answer joins every membership (300,000 at factor 100), and a list filtered by country asks
    for it once per facet. Without it, a subquery.
    """

    def members():
        return Membership.objects.filter(
            organisation__country=country, organisation__status=PublicationStatus.PUBLISHED
        ).values("partnership")

    if not settings.PAGE_CACHE_SECONDS:
        return Q(pk__in=members())
    # The subquery is built only when the ids are not remembered.
    ids = until_content_changes(
        f"hosting.{country.pk}",
        lambda: IdSet(members().order_by().distinct().values_list("partnership", flat=True)),
    )
    return Q(pk__any=ids)


class Partnership(TimeStampedModel, Publishable):
    """A skills partnership under the Pact: large-scale (EU level) or regional."""

    class Kind(models.TextChoices):
        LARGE_SCALE = "large-scale", _("Large-scale partnership")
        REGIONAL = "regional", _("Regional partnership")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regional (one region of one Member State)")
        MACRO_REGIONAL = "macro-regional", _("Macro-regional (regions of several Member States)")
        LOCAL = "local", _("Local (a city or group of municipalities)")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, db_index=True)
    scope = models.CharField(
        _("scope"),
        max_length=15,
        choices=Scope,
        blank=True,
        help_text=_("Regional partnerships only."),
    )
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    ecosystem = models.ForeignKey(
        Ecosystem,
        verbose_name=_("ecosystem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="large_scale_partnerships",
        help_text=_("Large-scale partnerships only: the one ecosystem it belongs to."),
    )
    linked_ecosystems = models.ManyToManyField(
        Ecosystem,
        verbose_name=_("linked ecosystems"),
        blank=True,
        related_name="regional_partnerships",
        help_text=_("Regional partnerships only: the ecosystems it works on, if any."),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries covered"), blank=True, related_name="partnerships"
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions covered"), blank=True, related_name="partnerships"
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    launched_on = models.DateField(_("launch date"), null=True, blank=True)
    launched_on_precision = models.CharField(
        _("launch date precision"),
        max_length=5,
        choices=DatePrecision,
        blank=True,
    )
    launched = PartialDateAttribute("launched_on")
    launch_note = models.CharField(_("about the launch date"), max_length=300, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed"), null=True, blank=True)
    agreement_signed_on_precision = models.CharField(
        _("agreement date precision"),
        max_length=5,
        choices=DatePrecision,
        blank=True,
    )
    agreement_signed = PartialDateAttribute("agreement_signed_on")

    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    commitment_people = models.PositiveIntegerField(
        _("people to upskill or reskill"), null=True, blank=True
    )
    commitment_target_year = models.PositiveSmallIntegerField(
        _("target year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2020), MaxValueValidator(2100)],
    )
    commitment_pledge = models.TextField(
        _("what is pledged"), blank=True, help_text=_("One commitment per line.")
    )
    commitment_source_url = models.URLField(_("source of the commitment"), blank=True)
    reported_membership = models.CharField(
        _("reported membership"),
        max_length=255,
        blank=True,
        help_text=_(
            "Membership as the partnership reports it, e.g. “118 organisations "
            "(as of December 2021)”."
        ),
    )
    members = models.ManyToManyField(
        Organisation,
        through="Membership",
        related_name="partnerships",
        verbose_name=_("members"),
    )
    source_url = models.URLField(_("source"), blank=True)

    objects = PartnershipQuerySet.as_manager()
    # The change history is registered in translation.py, with the translated columns.

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        indexes = [
            # The launch-year filters and the scope filter.
            models.Index("launched_on", name="partnership_launched_idx"),
            models.Index("scope", name="partnership_scope_idx"),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            *PartialDateAttribute.constraints("launched_on"),
            *PartialDateAttribute.constraints("agreement_signed_on"),
            models.CheckConstraint(
                condition=not_empty("name", "slug"),
                name="%(app_label)s_%(class)s_name_slug_not_empty",
                violation_error_message=_("A partnership needs a name and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(kind="large-scale", scope="")
                | Q(kind="regional", scope__in=["regional", "macro-regional", "local"]),
                name="%(app_label)s_%(class)s_scope_matches_kind",
                violation_error_message=_(
                    "A regional partnership needs a scope; a large-scale one has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="large-scale", ecosystem__isnull=False)
                | Q(kind="regional", ecosystem__isnull=True),
                name="%(app_label)s_%(class)s_ecosystem_matches_kind",
                violation_error_message=_(
                    "A large-scale partnership belongs to exactly one ecosystem; a regional "
                    "one is linked to ecosystems instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(commitment_people__isnull=True) | Q(commitment_people__gt=0),
                name="%(app_label)s_%(class)s_commitment_people_positive",
                violation_error_message=_("The number of people pledged must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(commitment_target_year__isnull=True)
                | Q(commitment_target_year__gte=2020, commitment_target_year__lte=2100),
                name="%(app_label)s_%(class)s_commitment_target_year_range",
                violation_error_message=_("The target year must be between 2020 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {
            **Partnership.launched.errors(self),
            **Partnership.agreement_signed.errors(self),
        }
        if self.kind == self.Kind.LARGE_SCALE:
            if self.scope:
                errors["scope"] = _("A large-scale partnership has no scope.")
            if self.ecosystem_id is None:
                errors["ecosystem"] = _("A large-scale partnership belongs to one ecosystem.")
        elif self.kind == self.Kind.REGIONAL:
            if not self.scope:
                errors["scope"] = _("Choose regional, macro-regional or local.")
            if self.ecosystem_id is not None:
                errors["ecosystem"] = _(
                    "A regional partnership is not owned by one ecosystem: use “linked ecosystems”."
                )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("partnerships:detail", args=[self.slug])

    @classmethod
    def linked_ecosystems_error(cls, kind: str, linked) -> str | None:
        """The rule on linked ecosystems, which ``clean()`` cannot see (a many-to-many).

        Forms and serializers call it with the links they are about to save; PostgreSQL
        triggers enforce it on every other write path.
        """
        if kind == cls.Kind.LARGE_SCALE and linked:
            return _("A large-scale partnership belongs to its one ecosystem; clear these links.")
        return None

    @property
    def ecosystems(self) -> list[Ecosystem]:
        """Its one ecosystem (large-scale) or the ecosystems it is linked to (regional)."""
        return [self.ecosystem] if self.ecosystem_id else list(self.linked_ecosystems.all())

    @property
    def pledged_items(self) -> list[str]:
        return [line.strip() for line in self.commitment_pledge.splitlines() if line.strip()]


class Membership(TimeStampedModel):
    """An organisation's place in a partnership."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MEMBER = "member", _("Member")
        SUPPORTING_PARTNER = "supporting-partner", _("Supporting partner")

    partnership = models.ForeignKey(
        Partnership,
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

    history = HistoricalRecords()

    class Meta:
        # Role values sort coordinator, member, supporting-partner: the order pages show.
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
                condition=Q(role__in=["coordinator", "member", "supporting-partner"]),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
        ]

    def __str__(self):
        return _("%(organisation)s — %(role)s of %(partnership)s") % {
            "organisation": self.organisation,
            "role": self.get_role_display(),
            "partnership": self.partnership,
        }


class DocumentQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("description", "B"))
    translated_search_fields = frozenset({"title", "description"})
    stored_vector = True

    def in_language(self, language: str):
        """Documents with a version in the language."""
        return self.filter(pk__in=DocumentFile.objects.filter(language=language).values("document"))

    def in_ecosystem(self, ecosystem):
        """Documents of the ecosystem, directly or through their partnership."""
        partnerships = Partnership.objects.in_ecosystem(ecosystem)
        return self.filter(Q(ecosystem=ecosystem) | Q(partnership__in=partnerships))

    def for_list(self):
        """Everything a list of documents shows: partnership, ecosystem and language versions.

        Templates show the partnership only when it is published (``is_published``).
        """
        return self.select_related("partnership", "ecosystem").prefetch_related("files")

    def for_detail(self):
        return self.for_list()


class Document(TimeStampedModel, Publishable):
    """A published agreement or publication; its files are its language versions."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        COMMITMENT = "commitment", _("Commitment")
        PUBLICATION = "publication", _("Flyer or general publication")
        REPORT = "report", _("Report")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, db_index=True)
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    issued_on_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, blank=True
    )
    issued = PartialDateAttribute("issued_on")
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    ecosystem = models.ForeignKey(
        Ecosystem,
        verbose_name=_("ecosystem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)

    objects = DocumentQuerySet.as_manager()
    # The change history is registered in translation.py, with the translated columns.

    class Meta:
        # Newest first; documents whose date is unknown come last, not first.
        ordering = [F("issued_on").desc(nulls_last=True), "title", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            # The library's order (newest first), for its pages and the home page's latest.
            models.Index(
                F("issued_on").desc(nulls_last=True),
                "title",
                "id",
                name="document_listing_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            *Publishable.Meta.constraints,
            *PartialDateAttribute.constraints("issued_on"),
            models.CheckConstraint(
                condition=not_empty("title", "slug"),
                name="%(app_label)s_%(class)s_title_slug_not_empty",
                violation_error_message=_("A document needs a title and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["agreement", "commitment", "publication", "report"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown document kind."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnerships:document_detail", args=[self.slug])

    @property
    def versions(self) -> list["DocumentFile"]:
        """Its language versions, the reader's language first, then the rest in their order.

        Sorted from the prefetched ``files`` (``for_list()``), so no query per document.
        """
        reader = get_language()
        return sorted(self.files.all(), key=lambda version: version.language != reader)

    def clean(self):
        super().clean()
        errors = Document.issued.errors(self)
        if errors:
            raise ValidationError(errors)


class Language(models.TextChoices):
    """The 24 official languages of the European Union."""

    BG = "bg", _("Bulgarian")
    CS = "cs", _("Czech")
    DA = "da", _("Danish")
    DE = "de", _("German")
    EL = "el", _("Greek")
    EN = "en", _("English")
    ES = "es", _("Spanish")
    ET = "et", _("Estonian")
    FI = "fi", _("Finnish")
    FR = "fr", _("French")
    GA = "ga", _("Irish")
    HR = "hr", _("Croatian")
    HU = "hu", _("Hungarian")
    IT = "it", _("Italian")
    LT = "lt", _("Lithuanian")
    LV = "lv", _("Latvian")
    MT = "mt", _("Maltese")
    NL = "nl", _("Dutch")
    PL = "pl", _("Polish")
    PT = "pt", _("Portuguese")
    RO = "ro", _("Romanian")
    SK = "sk", _("Slovak")
    SL = "sl", _("Slovenian")
    SV = "sv", _("Swedish")


def document_upload_path(instance, filename: str) -> str:
    """A path nobody can guess, dated for housekeeping, with a cleaned-up readable name."""
    stem = slugify(filename.rsplit(".", 1)[0])[:80] or "document"
    return timezone.now().strftime(
        f"documents/%Y/%m/{uuid.uuid4().hex}/{get_valid_filename(stem)}.pdf"
    )


class DocumentFile(TimeStampedModel):
    """One language version of a document: an uploaded PDF or a link to where it is published."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        HTML = "html", _("Web page")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="files", verbose_name=_("document")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language)
    file = models.FileField(
        _("PDF file"),
        upload_to=document_upload_path,
        max_length=255,
        blank=True,
    )
    external_url = models.URLField(
        _("external link"),
        max_length=500,
        blank=True,
        help_text=_("Where the file is published, when it is not uploaded here."),
    )
    file_format = models.CharField(
        _("format"),
        max_length=4,
        choices=Format,
        blank=True,
        help_text=_("Uploaded files are always PDF; say what an external link leads to."),
    )
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document_id", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        # The language filter starts from the language; (document, language) is unique already.
        indexes = [models.Index("language", "document", name="documentfile_language_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language"],
                name="%(app_label)s_%(class)s_one_file_per_language",
                violation_error_message=_("This document already has a file in this language."),
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="%(app_label)s_%(class)s_language_valid",
                violation_error_message=_("Not an official EU language."),
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="%(app_label)s_%(class)s_file_or_link",
                violation_error_message=_("Upload a PDF or give an external link (not both)."),
            ),
            models.CheckConstraint(
                condition=Q(file="")
                | Q(
                    file_format="pdf",
                    size_bytes__gt=0,
                    page_count__gt=0,
                    sha256__regex=SHA256_PATTERN,
                ),
                name="%(app_label)s_%(class)s_upload_is_measured_pdf",
                violation_error_message=_("An uploaded file must be a measured PDF."),
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=SHA256_PATTERN),
                name="%(app_label)s_%(class)s_sha256_format",
                violation_error_message=_("SHA-256 is 64 lower-case hexadecimal digits."),
            ),
        ]

    def __str__(self):
        return f"{self.document} ({self.get_language_display()})"

    def get_absolute_url(self):
        """Where the version is read: our download view for an upload, else the link."""
        if self.file:
            return reverse(
                "partnerships:document_download", args=[self.document.slug, self.language]
            )
        return self.external_url

    @property
    def size_label(self) -> str:
        """The size as EU sites print it: kilobytes or megabytes with two decimals."""
        if not self.size_bytes:
            return ""
        if self.size_bytes < 1024 * 1024:
            return _("%(size)s KB") % {"size": number_format(self.size_bytes / 1024, 2)}
        return _("%(size)s MB") % {"size": number_format(self.size_bytes / (1024 * 1024), 2)}

    @property
    def label(self) -> str:
        """“English (327.08 KB - PDF)”, or as much of it as is known."""
        details = " - ".join(
            part for part in (self.size_label, self.get_file_format_display()) if part
        )
        language = self.get_language_display()
        return f"{language} ({details})" if details else str(language)

    def save(self, *args, **kwargs):
        self.measure_upload()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if bool(self.file) == bool(self.external_url):
            raise ValidationError(_("Upload a PDF or give an external link (not both)."))
        try:
            self.measure_upload()
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc

    def measure_upload(self) -> None:
        """Check and measure a newly attached file before it is stored.

        The facts describe the bytes the portal serves, so every write path (admin, API,
        import, shell) measures here; a file that is not a readable PDF raises ValidationError.
        """
        if not self.file or self.file._committed:
            return
        if getattr(self, "_measured", None) is self.file.file:
            return
        facts = inspect_pdf(self.file)
        self.size_bytes = facts.size_bytes
        self.page_count = facts.page_count
        self.sha256 = facts.sha256
        self.file_format = self.Format.PDF
        self._measured = self.file.file
