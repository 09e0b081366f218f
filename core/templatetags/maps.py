"""The map of Europe as a template tag that draws each distinct map once per content change."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.cache import until_content_changes

register = template.Library()


@register.simple_tag
def drawn_map(country_map, map_id: str) -> str:
    """``figures/includes/map.html`` for ``country_map``, remembered until content changes.

    Drawing a map escapes some 40 kB of country outlines; the overview maps are the same for
    every visitor of a language, so those remembered under a name are drawn once.
    """

    def draw():
        return render_to_string("figures/includes/map.html", {"map": country_map, "map_id": map_id})

    if country_map.key is None:
        html = draw()
    else:
        html = until_content_changes(f"map-html.{map_id}.{country_map.key}", draw)
    # Rendered from our own template, which escaped everything it drew.
    return mark_safe(html)
