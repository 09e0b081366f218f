"""What a region's page and its JSON show, and the questions the region maps accept.

A region's page reaches into the partnerships and the alliances, so it lives here, above both.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance, AllianceMember
from core.region_maps import neighbours
from ecosystems.models import Ecosystem
from partnerships.filters import CountryCodeField
from partnerships.models import (
    Country,
    Document,
    Membership,
    NutsRegion,
    Organisation,
    Partnership,
)


class RegionMapForm(forms.Form):
    """``?country=IT``: the map zoomed to one country's regions."""

    country = CountryCodeField(
        queryset=Country.objects.filter(nuts_regions__isnull=False).distinct(),
        to_field_name="code",
        required=False,
        label=_("Country"),
    )


class GapForm(RegionMapForm):
    """``?ecosystem=digital``: the ecosystem whose white spots to show."""

    ecosystem = forms.ModelChoiceField(
        queryset=Ecosystem.objects.all(), to_field_name="slug", label=_("Ecosystem")
    )


@dataclass
class RegionContent:
    """Querysets not yet read: a page draws its partnerships and documents as remembered
    records (``{% rendered_each %}``), reading their ids alone."""

    region: NutsRegion
    partnerships: QuerySet
    alliances: QuerySet
    members: QuerySet
    documents: QuerySet
    neighbours: list[tuple[str, str]]

    def of_kind(self, kind: str) -> list[Partnership]:
        return [partnership for partnership in self.partnerships if partnership.kind == kind]


def region_content(
    region: NutsRegion, coverage: dict[str, int], names: dict[str, str]
) -> RegionContent:
    """Everything a region's page shows, published only, in a fixed number of queries.

    The regional partnerships covering it and the large-scale partnerships with a published
    member organisation established there (one list, each marked with its kind); the
    alliances with such a member; those members; the documents of those partnerships; the
    neighbouring regions that partnerships cover (``coverage``), with their ``names``.
    """
    published = Partnership.objects.published()
    located = Organisation.objects.published().filter(region=region)
    eu_level = published.large_scale().filter(
        pk__in=Membership.objects.filter(organisation__in=located).values("partnership")
    )
    partnerships = published.filter(
        Q(pk__in=published.covering([region.code]).values("pk")) | Q(pk__in=eu_level.values("pk"))
    )
    alliances = Alliance.objects.published().filter(
        pk__in=AllianceMember.objects.filter(organisation__in=located).values("alliance")
    )
    members = located.filter(
        Q(pk__in=Membership.objects.filter(partnership__in=eu_level).values("organisation"))
        | Q(pk__in=AllianceMember.objects.filter(alliance__in=alliances).values("organisation"))
    )
    return RegionContent(
        region=region,
        partnerships=partnerships.for_list(),
        alliances=alliances.for_list(),
        members=members.for_list(),
        documents=Document.objects.published().filter(partnership__in=partnerships).for_list(),
        neighbours=[(code, names[code]) for code in neighbours(region.code) if coverage.get(code)],
    )
