"""The overview pages, which span the apps: the home page, the ecosystems' pages and the
Pact in figures."""

import csv

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from alliances.models import Alliance
from core.maps import country_map
from ecosystems.models import Ecosystem
from partnerships.models import Document, Partnership

from . import selectors
from .charts import CHARTS, ECOSYSTEM_CHARTS

ECOSYSTEM_DOCUMENTS = 10
# An ecosystem can hold hundreds of partnerships: its page shows the first of each kind and
# links to the full, paginated and filterable list.
ECOSYSTEM_PARTNERSHIPS = 12


def partnership_map(name: str, partnerships, *, caption: str, filters=None):
    """The map of where ``partnerships`` are, shaded by how many each country has."""
    return country_map(
        selectors.partnership_counts(name, partnerships),
        caption=caption,
        count_heading=_("Partnerships"),
        filters=filters,
    )


def home(request):
    """The 14 ecosystems, the Pact's headline figures and the latest documents."""
    published = Partnership.objects.published()
    return render(
        request,
        "ecosystems/home.html",
        {
            "ecosystems": selectors.ecosystems_with_counts(),
            "figures": selectors.figures_of("all", published),
            "latest_documents": selectors.latest_documents(),
            "country_map": partnership_map(
                "all", published, caption=_("Where the Pact’s partnerships are")
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
    return render(
        request,
        "ecosystems/ecosystem_detail.html",
        {
            "ecosystem": ecosystem,
            "figures": selectors.figures_of(ecosystem.slug, partnerships),
            "large_scale": partnerships.large_scale().for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "regional": partnerships.regional().for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "alliances": Alliance.objects.published()
            .filter(ecosystem=ecosystem)
            .for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "documents": documents.for_list()[:ECOSYSTEM_DOCUMENTS],
            "document_count": documents.count(),
            "country_map": partnership_map(
                ecosystem.slug,
                partnerships,
                caption=_("Where the partnerships of %(ecosystem)s are")
                % {"ecosystem": ecosystem.name},
                filters={"ecosystem": ecosystem.slug},
            ),
            "charts": [CHARTS[slug].shown(ecosystem) for slug in ECOSYSTEM_CHARTS],
        },
    )


def figures(request):
    """Every chart of the Pact, each with its table and CSV download."""
    return render(
        request,
        "figures/figures.html",
        {"charts": [chart.shown() for chart in CHARTS.values()]},
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
    filename = f"{slug}-{ecosystem.slug}.csv" if ecosystem else f"{slug}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([chart.key_heading, chart.label_heading, chart.value_heading])
    for row in chart.rows(ecosystem):
        writer.writerow([row.key, row.label, row.value])
    return response


# What the page cache keys these pages on (core/cache/pages.py).
chart_csv.query_parameters = ("ecosystem",)
for page in (home, ecosystem_list, ecosystem_detail, figures):
    page.query_parameters = ()
