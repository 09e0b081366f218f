"""Countries and the regions partnerships cover."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.models import HistoricalRecords

from core.models import (
    TimeStampedModel,
)

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


def country_options(codes) -> list[tuple[str, str]]:
    """``(code, name)`` of each country code, named and sorted in the reader's language.

    The names come from django-countries' translations; the table keeps English ones.
    """
    named = [(code, str(countries.name(code))) for code in codes]
    return sorted(named, key=lambda option: alphabetical(option[1]))


class CountryQuerySet(models.QuerySet):
    def options(self) -> list[tuple[str, str]]:
        """``country_options()`` of these countries."""
        return country_options(self.values_list("code", flat=True))

    def covered_by(self, partnerships: models.QuerySet):
        """Countries a set of partnerships names as covered: what they cover, not where their
        members or coordinators are established. EU-wide partnerships name none."""
        return self.filter(code__in=partnerships.values("countries").distinct())

    def finding(self, partnerships: models.QuerySet):
        """The countries where ``Partnership.objects.in_country()`` finds one of
        ``partnerships`` at least: the keys of ``partnership_counts()``, without counting.

        Each country asks whether one covers it, or one working in places (not EU-wide) has
        a published member there, and stops at the first: at factor 100, 14 ms where counting
        every pair took 40.
        """
        ids = partnerships.order_by().values("pk")
        partnership_model = partnerships.model
        presence_model = partnership_model._meta.get_field("presences").related_model
        covered = partnership_model.countries.through.objects.filter(
            country=OuterRef("pk"), partnership__in=ids
        )
        hosting = presence_model.objects.filter(
            country=OuterRef("pk"),
            partnership__in=ids,
            partnership__coverage__in=["countries", "regions"],
        )
        return self.filter(Exists(covered) | Exists(hosting))

    def partnership_counts(self, partnerships: models.QuerySet) -> dict[str, int]:
        """How many of ``partnerships`` each country has, in one query.

        A partnership counts in a country as ``Partnership.objects.in_country()`` finds it
        there: it covers the country, or it works in places (not EU-wide) and one of its
        published members is established there, once either way, so each count is the length
        of the partnership list filtered by that country. EU-wide partnerships are counted
        apart, by the map's caller, never at their coordinator's seat.
        """
        ids = partnerships.order_by().values("pk")
        # Through the partnerships' own relations: their models lie above this module.
        partnership_model = partnerships.model
        presence_model = partnership_model._meta.get_field("presences").related_model
        through = partnership_model.countries.through
        covered = (
            through.objects.filter(partnership__in=ids).order_by().values(code=F("country_id"))
        )
        # Members' countries the partnership does not also cover: the two sets are then
        # apart, and UNION ALL counts each pair once without hashing every pair to drop the
        # repeats (at factor 100, 27,000 pairs: 72 → 48 ms).
        hosting = (
            presence_model.objects.filter(
                partnership__in=ids, partnership__coverage__in=["countries", "regions"]
            )
            .exclude(
                Exists(
                    through.objects.filter(
                        partnership=OuterRef("partnership"), country=OuterRef("country")
                    )
                )
            )
            .order_by()
            .values(code=F("country_id"))
        )
        # Django cannot group the rows of a union, so the count wraps its SQL.
        sql, params = covered.union(hosting, all=True).query.sql_with_params()
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

    @property
    def level2_code(self) -> str:
        """The NUTS level-2 region the area is or lies in; empty for a level-1 area, which
        spans several, or an area with no code."""
        return self.nuts_code[:4] if len(self.nuts_code) >= 4 else ""

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
