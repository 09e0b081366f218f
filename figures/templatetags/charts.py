"""Charts as a template tag that draws each chart once per content change."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.cache import until_content_changes

register = template.Library()


@register.simple_tag
def drawn_chart(shown: dict, level: int) -> str:
    """``figures/includes/chart.html`` for ``shown`` (``Chart.shown()``), with its heading at
    ``level``, remembered until content changes.

    Every bar's coordinates and figures go through the template's number formatting, which
    costs more than the page around them; a chart is the same for every visitor of a language.
    """
    chart, ecosystem = shown["chart"], shown["ecosystem"]
    name = f"chart-html.{chart.slug}.{ecosystem.slug if ecosystem else ''}.{level}"
    html = until_content_changes(
        name, lambda: render_to_string("figures/includes/chart.html", {**shown, "level": level})
    )
    # Rendered from our own template, which escaped everything it drew.
    return mark_safe(html)
