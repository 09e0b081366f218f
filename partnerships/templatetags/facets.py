"""The lists' filter selects: ``{% facet_select %}``."""

from html import escape

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def facet_select(name: str, label: str, options, current, errors, empty=None) -> str:
    """A labelled select for the filter ``name``: ``empty`` ("All" unless given: a sort says
    what it falls back to), then each ``(value, label, count)``
    option (the count left out when it is ``None``), ``current`` selected, and the field's
    ``errors`` under it, tied to the select for screen readers.

    Drawn in Python rather than by a template loop: every list view shows several, one of
    them with some forty countries.
    """
    # Escaped with the standard library's html.escape, which gives the same entities as
    # Django's escape() without its lazy-text checks: a page draws some sixty options.
    choices = "".join(
        f'<option value="{escape(str(value))}"{" selected" if value == current else ""}>'
        f"{escape(str(option_label))}{'' if count is None else f' ({localize(count)})'}</option>"
        for value, option_label, count in options
    )
    invalid = (
        format_html(' aria-invalid="true" aria-describedby="id_{}_error"', name) if errors else ""
    )
    message = (
        format_html('<p class="field__error" id="id_{}_error">{}</p>', name, " ".join(errors))
        if errors
        else ""
    )
    return format_html(
        '<div class="field"><label for="id_{name}">{label}</label>'
        '<select id="id_{name}" name="{name}"{invalid}><option value="">{all}</option>{choices}'
        "</select>{message}</div>",
        name=name,
        label=label,
        invalid=invalid,
        all=empty or _("All"),
        choices=mark_safe(choices),  # each value and label escaped above
        message=message,
    )
