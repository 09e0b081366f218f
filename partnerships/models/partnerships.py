"""Skills partnerships: large-scale and regional."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import (
    Attested,
    Confidence,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    TimeStampedModel,
    count_of,
)
from core.partial_dates import DatePrecision, PartialDateAttribute
from ecosystems.models import Ecosystem

from .documents import Document
from .nuts import areas_covering
from .organisations import Membership, Organisation
from .places import Country, Region, not_empty
from .presence import Headcount, Presence


class PartnershipQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("acronym", "A"), ("summary", "B"), ("description", "C"))
    translated_search_fields = frozenset({"summary", "description"})
    stored_vector = True

    def with_counts(self):
        """Published members and documents of each partnership, counted in the same query."""
        return self.annotate(
            # Kept by the database (``Headcount``): one row, not a look at every member.
            member_count=Coalesce(
                Subquery(Headcount.objects.filter(partnership=OuterRef("pk")).values("members")),
                0,
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
            .with_curated_at()
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
                # Declared by the alliances app, above this one: reached by relation name.
                "member_counts",
                models.Prefetch(
                    "alliances",
                    queryset=self.model.alliances.field.model.objects.published(),
                    to_attr="published_alliances",
                ),
            )
        )

    def in_ecosystem(self, ecosystem):
        """Large-scale partnerships of the ecosystem and regional ones linked to it.

        One set of ids, the union of both: PostgreSQL estimates a union's rows well, where
        it took "of the ecosystem OR linked to it" for half of all partnerships and read
        every membership to count an ecosystem's members (44 against 24 ms at factor 100).
        """
        linked = Partnership.linked_ecosystems.through.objects.filter(ecosystem=ecosystem)
        # Neither part in the partnerships' order: SQLite orders no part of a union.
        own = Partnership.objects.filter(ecosystem=ecosystem).order_by().values("pk")
        return self.filter(pk__in=own.union(linked.order_by().values("partnership")))

    def in_country(self, country):
        """Partnerships that cover the country, or work in places (not EU-wide) and have a
        published member established there.

        An EU-wide partnership is in no one country: its coordinator's seat says nothing of
        where it works.
        """
        covered = Partnership.countries.through.objects.filter(country=country)
        return self.filter(
            Q(pk__in=covered.values("partnership"))
            | (hosting(country) & ~Q(coverage=Partnership.Coverage.EU_WIDE))
        )

    def covering(self, codes):
        """Partnerships whose areas cover any of the NUTS level-2 regions ``codes``."""
        areas = Region.objects.filter(areas_covering(codes))
        covered = Partnership.regions.through.objects.filter(region__in=areas)
        return self.filter(pk__in=covered.values("partnership"))

    def figure_sets(self) -> dict[str, models.QuerySet]:
        """What the totals count (``core.queries.counts()`` asks them in one query):
        partnerships of each kind, those not confirmed counted apart.

        Pledges are not summed: each states its own number on its own basis and period (a
        year, by a target year, over some years), and a sum of them would mean nothing.
        """
        counted = self.counted()
        doubtful = self.filter(confidence=Confidence.UNCONFIRMED)
        return {
            "partnerships": counted,
            "large_scale": counted.large_scale(),
            "regional": counted.regional(),
            "eu_wide": counted.eu_wide(),
            "unconfirmed": doubtful,
            "unconfirmed_large_scale": doubtful.large_scale(),
            "unconfirmed_regional": doubtful.regional(),
        }

    def counted(self):
        """Confirmed and reported partnerships: those counted and mapped as the Pact's."""
        return self.exclude(confidence=Confidence.UNCONFIRMED)

    def eu_wide(self):
        return self.filter(coverage=Partnership.Coverage.EU_WIDE)

    def pledging(self):
        """Partnerships that state how many people they pledge to train, largest first."""
        return self.filter(commitment_people__isnull=False).order_by(
            "-commitment_people", "name", "pk"
        )

    def large_scale(self):
        return self.filter(kind=Partnership.Kind.LARGE_SCALE)

    def regional(self):
        return self.filter(kind=Partnership.Kind.REGIONAL)


def hosting(country) -> Q:
    """Partnerships with a published member organisation established in ``country``."""
    return Q(pk__in=Presence.objects.filter(country=country).values("partnership"))


class Partnership(TimeStampedModel, Publishable, Attested):
    """A skills partnership under the Pact: large-scale (EU level) or regional."""

    class Kind(models.TextChoices):
        LARGE_SCALE = "large-scale", _("Large-scale partnership")
        REGIONAL = "regional", _("Regional partnership")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regional (one region of one Member State)")
        MACRO_REGIONAL = "macro-regional", _("Macro-regional (regions of several Member States)")
        LOCAL = "local", _("Local (a city or group of municipalities)")

    class Coverage(models.TextChoices):
        EU_WIDE = "eu-wide", _("EU-wide")
        COUNTRIES = "countries", _("A set of countries")
        REGIONS = "regions", _("A set of regions")

    class PledgeBasis(models.TextChoices):
        EACH_YEAR = "each-year", _("Each year")
        TOTAL = "total", _("In total")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, db_index=True)
    coverage = models.CharField(
        _("where it works"),
        max_length=10,
        choices=Coverage,
        default=Coverage.COUNTRIES,
        db_index=True,
        help_text=_(
            "EU-wide, or the countries or regions listed below. Maps and country counts read "
            "this, never where the coordinator is established."
        ),
    )
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
    commitment_basis = models.CharField(
        _("basis of the number"),
        max_length=10,
        choices=PledgeBasis,
        blank=True,
        help_text=_(
            "Whether the number of people is a yearly figure or a total; empty when the "
            "sources do not say."
        ),
    )
    commitment_years = models.PositiveSmallIntegerField(
        _("over how many years"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("For a total over a stated number of years, with no target year."),
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
            *Attested.Meta.constraints,
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
                condition=Q(coverage__in=["eu-wide", "countries", "regions"]),
                name="%(app_label)s_%(class)s_coverage_valid",
                violation_error_message=_("Coverage must be EU-wide, countries or regions."),
            ),
            models.CheckConstraint(
                condition=Q(commitment_basis="")
                | Q(commitment_people__isnull=False, commitment_basis__in=["each-year", "total"]),
                name="%(app_label)s_%(class)s_pledge_basis_with_number",
                violation_error_message=_(
                    "The basis is each year or in total, and only with a number of people."
                ),
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

    def draft_memberships(self):
        """Its members whose organisation is still a draft: its page shows them to curators,
        marked "Draft", and to the public once they are published."""
        return self.memberships.filter(organisation__status=PublicationStatus.DRAFT).select_related(
            "organisation__country"
        )

    def draft_documents(self):
        """Its documents still in draft, shown like its draft members."""
        return (
            self.documents.filter(status=PublicationStatus.DRAFT)
            .select_related("partnership")
            .prefetch_related("files")
        )

    def drafts_shown(self) -> list:
        """The draft records its page shows once published, to publish with it."""
        return [m.organisation for m in self.draft_memberships()] + list(self.draft_documents())

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
