"""The map of Europe as a template tag that draws each distinct map once per content change."""

import hashlib

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from pactportal.cache import until_content_changes

register = template.Library()


@register.simple_tag
def drawn_map(country_map, map_id: str) -> str:
    """``figures/includes/map.html`` for ``country_map``, remembered until content changes.

    Drawing a map escapes some 40 kB of country outlines; the overview maps are the same for
    every visitor of a language, so they are drawn once. The key holds everything the drawing
    shows, so two maps with different numbers or links never share one.
    """
    shown = (
        map_id,
        country_map.caption,
        country_map.count_heading,
        [(c.code, c.count, c.shade, c.href, c.label) for c in country_map.highlighted],
        [(c.code, c.label) for c in country_map.others],
        country_map.legend,
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    html = until_content_changes(
        f"map-html.{digest}",
        lambda: render_to_string(
            "figures/includes/map.html", {"map": country_map, "map_id": map_id}
        ),
    )
    # Rendered from our own template, which escaped everything it drew.
    return mark_safe(html)
