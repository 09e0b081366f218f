"""The portal's form renderer: Django's own, with select boxes written in Python.

Django draws each ``<option>`` through a template include of its own, about a tenth of a
millisecond each. The consortium checker's member rows hold dozens of select boxes of dozens
of options, and the filters a select of 289 regions: most of such a page's time went on
drawing options. ``select_html()`` writes the same HTML, byte for byte, as Django's
``select.html`` and ``select_option.html`` (``tests/pactportal/test_forms.py`` compares them
over Django's select widgets).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def attributes(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"`` each, the bare name for True, nothing for
    False."""
    return "".join(
        ""
        if value is False
        else f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
    )


def select_html(widget: dict) -> str:
    """A select widget's HTML from its template context (``Widget.get_context()["widget"]``)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer, but for select boxes of Django's own options."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if (
            template_name == SELECT
            and widget is not None
            and all(
                option["template_name"] == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            )
        ):
            return select_html(widget)
        return super().render(template_name, context, request)
