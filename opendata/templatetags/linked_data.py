"""``{% json_ld record %}`` and ``{% figures_json_ld charts %}``: a page's schema.org description
(``opendata.jsonld``), in the page's ``head`` block."""

from django import template

from opendata import jsonld

register = template.Library()


@register.simple_tag(takes_context=True)
def json_ld(context, record):
    return jsonld.json_ld(context["request"], record)


@register.simple_tag(takes_context=True)
def figures_json_ld(context, charts):
    return jsonld.figures_json_ld(context["request"], charts)
