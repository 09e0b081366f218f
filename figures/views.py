import csv

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ecosystems.models import Ecosystem

from .charts import CHARTS


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
