"""Records drawn once per content change: ``{% rendered_each %}``."""

from django import template

from core.cache import rendered_beside, rendered_records

register = template.Library()


@register.simple_tag
def rendered_each(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items``, as a list of fragments.

    ``{% rendered_each "includes/document_item.html" documents "document" as items %}``
    then ``{% for item in items %}{{ item }}{% empty %}…{% endfor %}``. The fragment template
    sees only its record (as ``name``) and ``extra``. ``items`` is a queryset (only its ids are
    read, and records whose fragment is missing are loaded), the records themselves, or
    ``RecordIds``. Only published records are ever listed, so no draft is remembered.
    """
    return rendered_records(template_name, items, name, **extra)


@register.simple_tag
def rendered_with(template_name: str, items, name: str, beside, **extra) -> list:
    """Like ``rendered_each``, each fragment paired with what ``beside`` holds for its record,
    or None: ``{% for item, match in rows %}``. ``beside`` is a dict by record id, or a callable
    making one from the ids (``do_not_call_in_templates``). What it holds depends on the
    request, such as a search's snippet, and is never remembered."""
    return rendered_beside(template_name, items, name, beside or {}, **extra)
