"""The overview pages, which span the apps: the home page, the ecosystems' pages and the
Pact in figures."""

import csv

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.cache import (
    RecordIds,
    record_html_until_content_changes,
    until_content_changes,
)
from core.maps import country_map
from ecosystems.models import Ecosystem
from partnerships.models import Country, Document, Organisation, Partnership

from .charts import CHARTS, ECOSYSTEM_CHARTS

LATEST_DOCUMENTS = 6
ECOSYSTEM_DOCUMENTS = 10
# An ecosystem can hold hundreds of partnerships: its page shows the first of each kind and
# links to the full, paginated and filterable list.
ECOSYSTEM_PARTNERSHIPS = 12


def figures_of(partnerships) -> dict[str, int]:
    """Headline figures of a set of published partnerships, in three queries."""
    return {
        **partnerships.figures(),
        "organisations": Organisation.objects.published().members_of(partnerships).count(),
        "countries": Country.objects.covered_by(partnerships).count(),
    }


def ecosystems_with_counts() -> list[Ecosystem]:
    """The 14 ecosystems with their published counts, counted once per content change."""
    return until_content_changes(
        "ecosystems-with-counts", lambda: list(Ecosystem.objects.with_published_counts())
    )


def partnership_map(partnerships, name: str, *, caption: str, filters=None):
    """The map of where ``partnerships`` are, shaded by how many each country has."""
    counts = until_content_changes(name, lambda: Country.objects.partnership_counts(partnerships))
    return country_map(
        counts,
        caption=caption,
        count_heading=_("Partnerships"),
        filters=filters,
        remember_as=name,
    )


def latest_documents():
    """The newest published documents: with the page cache on, their ids, read once per
    content change, each shown as its remembered fragment."""
    published = Document.objects.published()
    if not settings.PAGE_CACHE_SECONDS:
        return published.for_list()[:LATEST_DOCUMENTS]
    ids = until_content_changes(
        "latest-documents",
        lambda: list(published.values_list("pk", flat=True)[:LATEST_DOCUMENTS]),
    )
    return RecordIds(Document, ids)


def home(request):
    """The 14 ecosystems, the Pact's headline figures and the latest documents."""
    return render(
        request,
        "ecosystems/home.html",
        {
            "ecosystems": ecosystems_with_counts(),
            "figures": until_content_changes(
                "figures", lambda: figures_of(Partnership.objects.published())
            ),
            "latest_documents": latest_documents(),
            "country_map": partnership_map(
                Partnership.objects.published(),
                "map.countries",
                caption=_("Where the Pact’s partnerships are"),
            ),
        },
    )


def ecosystem_list(request):
    return render(
        request,
        "ecosystems/ecosystem_list.html",
        {"ecosystems": ecosystems_with_counts()},
    )


def ecosystem_detail(request, slug: str):
    """An ecosystem with its large-scale and linked regional partnerships and its documents."""
    # Ecosystems have no drafts: every reader finds the same one, once per content change.
    ecosystem = until_content_changes(
        f"record.ecosystem.{slug}", lambda: get_object_or_404(Ecosystem.objects.all(), slug=slug)
    )
    return render(
        request,
        "ecosystems/ecosystem_detail.html",
        {
            "ecosystem": ecosystem,
            "body": record_html_until_content_changes(
                "ecosystem-body", ecosystem.pk, lambda: ecosystem_body(ecosystem)
            ),
        },
    )


def ecosystem_body(ecosystem) -> str:
    """The ecosystem page's record: figures, map, charts, partnerships and documents."""
    partnerships = Partnership.objects.published().in_ecosystem(ecosystem)
    documents = Document.objects.published().in_ecosystem(ecosystem)
    return render_to_string(
        "ecosystems/includes/ecosystem_body.html",
        {
            "ecosystem": ecosystem,
            "figures": until_content_changes(
                f"figures.{ecosystem.slug}", lambda: figures_of(partnerships)
            ),
            "large_scale": partnerships.large_scale().for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "regional": partnerships.regional().for_list()[:ECOSYSTEM_PARTNERSHIPS],
            "documents": documents.for_list()[:ECOSYSTEM_DOCUMENTS],
            "document_count": documents.count(),
            "country_map": partnership_map(
                partnerships,
                f"map.countries.{ecosystem.slug}",
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
