"""The one filter definition per browsable model.

Each FilterSet serves both the public list pages and the API (``filterset_class``), so the two
accept the same parameters and can never drift apart. FilterSets receive a queryset that is
already limited to what the reader may see; they never decide visibility themselves.
"""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.filters import OrderingFilter, TextSearchFilter
from ecosystems.models import Ecosystem

from .commitments import Status
from .models import (
    Commitment,
    Country,
    Document,
    Language,
    NutsRegion,
    Organisation,
    OrganisationType,
    Partnership,
)

FIRST_YEAR, LAST_YEAR = 1990, 2100


class CountryCodeField(forms.ModelChoiceField):
    """A country by its ISO code, whatever the case it is typed in."""

    def to_python(self, value):
        code = value.strip().upper() if isinstance(value, str) else value
        return super().to_python(code)


@extend_schema_field({"type": "string", "pattern": "^([A-Za-z]{2})?$", "example": "IT"})
class CountryFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Country.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Country"))
        super().__init__(*args, **kwargs)


class NutsCodeField(forms.ModelMultipleChoiceField):
    """NUTS level-2 regions by code, whatever the case they are typed in."""

    def clean(self, value):
        # An empty value is the form's "All" (and an API client's empty parameter): no region.
        if isinstance(value, list | tuple):
            value = [code.strip().upper() for code in value if isinstance(code, str)]
            value = [code for code in value if code]
        return super().clean(value)


# One code; drf-spectacular makes the parameter a repeatable array of them.
@extend_schema_field(
    {"type": "string", "pattern": "^[A-Za-z]{2}[0-9A-Za-z]{2}$", "example": "ITC4"}
)
class RegionFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more NUTS level-2 regions (``region=ITC4&region=ITH4``): a row in any of them."""

    field_class = NutsCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", NutsRegion.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """A four-digit year; anything else is a clear form error, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators", [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
        )
        super().__init__(*args, **kwargs)


class PartnershipFilter(django_filters.FilterSet):
    q = TextSearchFilter()
    kind = django_filters.ChoiceFilter(choices=Partnership.Kind.choices, label=_("Kind"))
    scope = django_filters.ChoiceFilter(choices=Partnership.Scope.choices, label=_("Scope"))
    ecosystem = django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
        label=_("Ecosystem"),
    )
    country = CountryFilter(method="filter_country")
    region = RegionFilter(method="filter_region")
    year = YearFilter(field_name="launched_on", lookup_expr="year", label=_("Launch year"))
    year_from = YearFilter(
        field_name="launched_on", lookup_expr="year__gte", label=_("Launched from (year)")
    )
    year_to = YearFilter(
        field_name="launched_on", lookup_expr="year__lte", label=_("Launched until (year)")
    )
    ordering = OrderingFilter(
        fields=(("name", "name"), ("launched_on", "launched")),
        field_labels={"name": _("Name"), "launched_on": _("Launch date")},
        label=_("Sort by"),
    )

    class Meta:
        model = Partnership
        fields = [
            "q",
            "kind",
            "scope",
            "ecosystem",
            "country",
            "region",
            "year",
            "year_from",
            "year_to",
        ]

    def filter_ecosystem(self, queryset, name, ecosystem):
        return queryset.in_ecosystem(ecosystem)

    def filter_country(self, queryset, name, country):
        return queryset.in_country(country)

    def filter_region(self, queryset, name, regions):
        if not regions:
            return queryset
        return queryset.covering([region.code for region in regions])


class OrganisationFilter(django_filters.FilterSet):
    q = TextSearchFilter()
    country = CountryFilter(field_name="country")
    region = RegionFilter(field_name="region")
    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, label=_("Type"))
    ordering = OrderingFilter(
        fields=(("name", "name"),), field_labels={"name": _("Name")}, label=_("Sort by")
    )

    class Meta:
        model = Organisation
        fields = ["q", "country", "region", "type"]


class DocumentFilter(django_filters.FilterSet):
    q = TextSearchFilter()
    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices, label=_("Kind"))
    language = django_filters.ChoiceFilter(
        choices=Language.choices, method="filter_language", label=_("Language")
    )
    year = YearFilter(field_name="issued_on", lookup_expr="year", label=_("Year"))
    year_from = YearFilter(field_name="issued_on", lookup_expr="year__gte", label=_("From (year)"))
    year_to = YearFilter(field_name="issued_on", lookup_expr="year__lte", label=_("Until (year)"))
    ecosystem = django_filters.ModelChoiceFilter(
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        method="filter_ecosystem",
        label=_("Ecosystem"),
    )
    # Only published partnerships are offered, so a draft's name never reaches the form.
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.published(),
        to_field_name="slug",
        label=_("Partnership"),
    )
    ordering = OrderingFilter(
        fields=(("issued_on", "date"), ("title", "title")),
        field_labels={"issued_on": _("Date"), "title": _("Title")},
        label=_("Sort by"),
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "language", "year", "year_from", "year_to", "ecosystem"]

    def filter_language(self, queryset, name, language):
        return queryset.in_language(language)

    def filter_ecosystem(self, queryset, name, ecosystem):
        return queryset.in_ecosystem(ecosystem)


class NutsRegionFilter(django_filters.FilterSet):
    """The NUTS regions of a country (``country=IT``)."""

    country = CountryFilter(field_name="country")

    class Meta:
        model = NutsRegion
        fields = ["country"]


@extend_schema_field({"type": "string", "example": "digital"})
class EcosystemSlugFilter(django_filters.ModelChoiceFilter):
    """An ecosystem by its slug, for a model that has no ecosystem of its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Ecosystem.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", _("Ecosystem"))
        super().__init__(*args, **kwargs)


class CommitmentFilter(django_filters.FilterSet):
    """The commitment tracker's filters: a partnership's ecosystem, the status on the day the
    page is drawn, and the order (by status too, which is computed, not stored)."""

    ecosystem = EcosystemSlugFilter(method="filter_ecosystem")
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", label=_("Status")
    )
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("partnership", _("Partnership")),
            ("-partnership", _("Partnership (descending)")),
            ("target_year", _("Target year")),
            ("-target_year", _("Target year (descending)")),
            ("status", _("Status")),
            ("-status", _("Status (descending)")),
        ],
        method="filter_ordering",
        label=_("Sort by"),
    )

    class Meta:
        model = Commitment
        fields = ["ecosystem", "status"]

    def filter_ecosystem(self, queryset, name, ecosystem):
        return queryset.filter(
            partnership__in=Partnership.objects.in_ecosystem(ecosystem).values("pk")
        )

    def filter_status(self, queryset, name, status):
        return queryset.in_status(status, timezone.localdate())

    def filter_ordering(self, queryset, name, value):
        descending, key = value.startswith("-"), value.lstrip("-")
        if key == "status":
            return queryset.by_status(timezone.localdate(), descending)
        field = "partnership__name" if key == "partnership" else key
        order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return queryset.order_by(order, "partnership__name", "pk")
