"""Records drawn once per content change: ``{% rendered_each %}``."""

from django import template

from core.cache import rendered_until_content_changes

register = template.Library()


@register.simple_tag
def rendered_each(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items``, as a list of fragments.

    ``{% rendered_each "includes/document_item.html" documents "document" as fragments %}``
    then ``{% for fragment in fragments %}{{ fragment }}{% empty %}…{% endfor %}``. The
    fragment template sees only its record (as ``name``) and ``extra``.
    """
    return rendered_until_content_changes(template_name, items, name, **extra)
