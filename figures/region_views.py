"""The regions' pages: the coverage map, the white spots of an ecosystem, each region's page,
and their CSV."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.maps import partnerships_label
from core.region_maps import region_map
from core.views import csv_response
from ecosystems.models import Ecosystem
from partnerships.models import NutsRegion
from partnerships.selectors import ecosystem_options
from partnerships.views import without_counts

from . import selectors
from .regions import GapForm, RegionMapForm, region_content


def country_regions(country) -> dict[str, str]:
    """The names of the regions a map names: all, or a country's."""
    names = selectors.region_names()
    if country is None:
        return names
    codes = set(country.nuts_regions.values_list("code", flat=True))
    return {code: name for code, name in names.items() if code in codes}


def region_link(code: str) -> str:
    return reverse("regions:detail", args=[code])


def coverage_map(request):
    """Every NUTS level-2 region, shaded by how many partnerships cover it; ``?country=``
    zooms to one country's."""
    form = RegionMapForm(request.GET)
    country = form.cleaned_data["country"] if form.is_valid() else None
    names = country_regions(country)
    coverage = {code: n for code, n in selectors.region_coverage().items() if code in names}
    return render(
        request,
        "figures/regions.html",
        {
            "form": form,
            "country": country,
            "countries": without_counts(selectors.region_countries()),
            "map": region_map(
                coverage,
                names,
                href=region_link,
                label=partnerships_label,
                caption=_("Regions covered by partnerships, %(country)s") % {"country": country}
                if country
                else _("Regions covered by partnerships"),
                count_heading=_("Partnerships"),
                others_label=partnerships_label(0),
                focus=names if country else (),
            ),
        },
    )


def presence_label(count: int) -> str:
    return ngettext(
        "%(count)s partnership or member", "%(count)s partnerships or members", count
    ) % {"count": count}


def gap_map(request):
    """The white spots of an ecosystem: regions with neither a regional partnership linked
    to it nor a member of its large-scale partnerships."""
    form = GapForm(request.GET or None)
    context = {
        "form": form,
        "countries": without_counts(selectors.region_countries()),
        "ecosystems": without_counts(ecosystem_options()),
    }
    if form.is_valid():
        ecosystem, country = form.cleaned_data["ecosystem"], form.cleaned_data["country"]
        names = country_regions(country)
        presence = selectors.region_presence(ecosystem)
        counts = {code: sum(presence[code]) for code in presence if code in names}
        context.update(
            ecosystem=ecosystem,
            country=country,
            gaps=[
                (code, names[code]) for code in sorted(names, key=names.get) if code not in counts
            ],
            map=region_map(
                counts,
                names,
                href=region_link,
                label=presence_label,
                caption=_("Where %(ecosystem)s has a regional partnership or a member")
                % {"ecosystem": ecosystem.name},
                count_heading=_("Partnerships and members"),
                others_label=_("white spot: no partnership and no member"),
                focus=names if country else (),
            ),
        )
    return render(request, "figures/region_gaps.html", context)


def coverage_csv(request):
    """One row per region: its code, names, country and how many partnerships cover it."""
    coverage = selectors.region_coverage()
    return csv_response(
        "regions.csv",
        ["code", "name", "name_en", "country", "partnerships"],
        (
            [r.code, r.name, r.name_en, r.country_id or "", coverage.get(r.code, 0)]
            for r in NutsRegion.objects.all()
        ),
    )


def gaps_csv(request, slug: str):
    """One row per region for an ecosystem: its regional partnerships, its members there and
    their sum (0: a white spot)."""
    ecosystem = get_object_or_404(Ecosystem.objects.all(), slug=slug)
    presence = selectors.region_presence(ecosystem)
    return csv_response(
        f"regions-{ecosystem.slug}.csv",
        ["code", "name", "country", "regional_partnerships", "members", "total"],
        (
            [
                r.code,
                r.name,
                r.country_id or "",
                *presence.get(r.code, (0, 0)),
                sum(presence.get(r.code, (0, 0))),
            ]
            for r in NutsRegion.objects.all()
        ),
    )


def region_detail(request, code: str):
    """A region: the partnerships covering it, those and the alliances with members there,
    the members, their documents and the covered neighbours."""
    if code != code.upper():
        return redirect("regions:detail", code=code.upper(), permanent=True)
    region = get_object_or_404(NutsRegion.objects.select_related("country"), code=code)
    content = region_content(region, selectors.region_coverage(), selectors.region_names())
    return render(request, "figures/region_detail.html", {"content": content, "region": region})


# What the page cache keys these pages on (core/cache/pages.py).
coverage_map.query_parameters = ("country",)
gap_map.query_parameters = ("ecosystem", "country")
gaps_csv.query_parameters = ()
coverage_csv.query_parameters = ()
region_detail.query_parameters = ()
