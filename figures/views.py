"""The overview pages, which span the apps: the home page, the ecosystems' pages and the
Pact in figures."""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliances.models import Alliance
from core.maps import country_map
from core.views import csv_response
from ecosystems.models import Ecosystem
from partnerships.models import Document, Engagement, Partnership

from . import selectors
from .charts import CHARTS, ECOSYSTEM_CHARTS, official_series
from .models import OfficialFigure, latest_of_each

ECOSYSTEM_DOCUMENTS = 10
# An ecosystem can hold hundreds of partnerships: its page shows the first of each kind and
# links to the full, paginated and filterable list.
ECOSYSTEM_PARTNERSHIPS = 12


def partnership_map(name: str, partnerships, figures: dict, *, caption: str, filters=None):
    """The map of where ``partnerships`` work, shaded by how many each country has.

    Only confirmed and reported partnerships working in places are drawn by country; those
    working EU-wide, and those not confirmed, are counted in the legend instead.
    """
    notes = []
    if figures["eu_wide"]:
        notes.append(
            ngettext(
                "EU-wide: %(count)s partnership works across the EU, shown in no one country",
                "EU-wide: %(count)s partnerships work across the EU, shown in no one country",
                figures["eu_wide"],
            )
            % {"count": figures["eu_wide"]}
        )
    if figures["unconfirmed"]:
        notes.append(
            ngettext(
                "%(count)s partnership reported but not confirmed is not mapped",
                "%(count)s partnerships reported but not confirmed are not mapped",
                figures["unconfirmed"],
            )
            % {"count": figures["unconfirmed"]}
        )
    return country_map(
        selectors.partnership_counts(name, partnerships.counted()),
        caption=caption,
        count_heading=_("Partnerships"),
        filters=filters,
        notes=notes,
    )


def home(request):
    """The latest official figures, what this portal lists, the 14 ecosystems and the latest
    documents."""
    published = Partnership.objects.published()
    # The published members of every published partnership, one row each: kept by the
    # database as they change.
    members = Engagement.objects.all()
    figures = selectors.figures_of("all", published, members=members)
    return render(
        request,
        "ecosystems/home.html",
        {
            "official": selectors.official_headline(),
            "ecosystems": selectors.ecosystems_with_counts(),
            "figures": figures,
            "latest_documents": selectors.latest_documents(),
            "country_map": partnership_map(
                "all", published, figures, caption=_("Where the Pact’s partnerships work")
            ),
        },
    )


def ecosystem_list(request):
    return render(
        request,
        "ecosystems/ecosystem_list.html",
        {"ecosystems": selectors.ecosystems_with_counts()},
    )


def ecosystem_detail(request, slug: str):
    """An ecosystem with its large-scale and linked regional partnerships and its documents."""
    ecosystem = get_object_or_404(Ecosystem.objects.all(), slug=slug)
    partnerships = Partnership.objects.published().in_ecosystem(ecosystem)
    documents = Document.objects.published().in_ecosystem(ecosystem)
    charts = {slug: CHARTS[slug].shown(ecosystem) for slug in ECOSYSTEM_CHARTS}
    # Each organisation has one type: the chart's bars add up to the member organisations,
    # so the figure is their sum, the two always agree, and the members are read once.
    by_type = charts["members-by-type"]["rows"]
    figures = selectors.figures_of(
        ecosystem.slug, partnerships, documents, members=sum(row.value for row in by_type)
    )
    return render(
        request,
        "ecosystems/ecosystem_detail.html",
        {
            "ecosystem": ecosystem,
            "figures": figures,
            **selectors.first_of_each(
                large_scale=(partnerships.large_scale(), ECOSYSTEM_PARTNERSHIPS),
                regional=(partnerships.regional(), ECOSYSTEM_PARTNERSHIPS),
                documents=(documents, ECOSYSTEM_DOCUMENTS),
            ),
            "alliances": Alliance.objects.published()
            .filter(ecosystem=ecosystem)
            .for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "country_map": partnership_map(
                ecosystem.slug,
                partnerships,
                figures,
                caption=_("Where the partnerships of %(ecosystem)s work")
                % {"ecosystem": ecosystem.name},
                filters={"ecosystem": ecosystem.slug},
            ),
            "charts": list(charts.values()),
        },
    )


def figures(request):
    """The official figures first, latest of each then all of them dated, the partnerships'
    own pledges each on its basis, then every chart of what this portal lists."""
    official = selectors.official_figures()
    return render(
        request,
        "figures/figures.html",
        {
            "official": latest_of_each(official, OfficialFigure.HEADLINE),
            "official_all": official,
            "series": [
                {
                    "id": "people-trained",
                    "title": _("People trained, as reported"),
                    **official_series(official, OfficialFigure.Metric.PEOPLE_TRAINED),
                },
                {
                    "id": "people-pledged",
                    "title": _("People pledged, as reported"),
                    **official_series(official, OfficialFigure.Metric.PEOPLE_PLEDGED),
                },
            ],
            "pledges": selectors.pledges(),
            "charts": [chart.shown() for chart in CHARTS.values()],
        },
    )


def chart_csv(request, slug: str):
    """One chart's rows as CSV; ``?ecosystem=<slug>`` for an ecosystem's own chart."""
    chart = CHARTS.get(slug)
    if chart is None:
        raise Http404(_("There is no such chart."))
    ecosystem = None
    if "ecosystem" in request.GET:
        if not chart.scoped:
            return HttpResponseBadRequest(
                _("This chart covers the whole Pact; it cannot be narrowed to an ecosystem."),
                content_type="text/plain; charset=utf-8",
            )
        ecosystem = get_object_or_404(Ecosystem.objects.all(), slug=request.GET["ecosystem"])
    return csv_response(
        f"{slug}-{ecosystem.slug}.csv" if ecosystem else f"{slug}.csv",
        [chart.key_heading, chart.label_heading, chart.value_heading],
        ([row.key, row.label, row.value] for row in chart.rows(ecosystem)),
    )


# What the page cache keys these pages on (core/cache/pages.py).
chart_csv.query_parameters = ("ecosystem",)
for page in (home, ecosystem_list, ecosystem_detail, figures):
    page.query_parameters = ()
