"""The portal's form renderer: Django's own, with select boxes and input fields written in
Python.

Django draws each ``<option>`` through a template include of its own, about a tenth of a
millisecond each. The consortium checker's member rows hold dozens of select boxes of dozens
of options, and the filters a select of 289 regions: most of such a page's time went on
drawing options. Each input field costs three templates (its type's, ``input.html`` and
``attrs.html``), about half a millisecond: the checker draws about forty. ``select_html()``
and ``input_html()`` write the same HTML, byte for byte, as Django's templates
(``tests/pactportal/test_forms.py`` compares them over Django's widgets and the portal's
forms).
"""

import html

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's widget templates that are ``input.html`` and nothing else.
INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number",
        "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


def escaped(value) -> str:
    """Django's ``conditional_escape()``, the same text, without the scan of its arguments
    for lazy text that its ``escape()`` makes on every call (``keep_lazy``): a checked
    consortium's page escapes some six hundred values here, and the scan was about 5 % of its
    instructions."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def attributes(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"`` each, the bare name for True, nothing for
    False."""
    return "".join(
        ""
        if value is False
        else f" {escaped(name)}"
        if value is True
        else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
    )


def select_html(widget: dict) -> str:
    """A select widget's HTML from its template context (``Widget.get_context()["widget"]``)."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
        for option in options:
            start, end = option_html(option["value"], option["label"])
            parts += (start, attributes(option["attrs"]), end)
        if group_name:
            parts.append("\n  </optgroup>")
    return select_tag(widget["name"], widget["attrs"], parts)


def select_tag(name: str, attrs: dict, options: list[str]) -> str:
    """Django's ``select.html`` around options already drawn."""
    opening = f'<select name="{escaped(name)}"{attributes(attrs)}>'
    return f"{opening}{''.join(options)}\n</select>"


def option_html(value, label) -> tuple[str, str]:
    """Django's ``select_option.html``, before and after where the option's attributes go."""
    return (
        f'\n  <option value="{escaped(value)}"',
        f">{escaped(label)}</option>\n",
    )


def input_html(widget: dict) -> str:
    """An input widget's HTML from its template context (Django's ``input.html``)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escaped(value)}"'
    return (
        f'<input type="{escaped(widget["type"])}"'
        f' name="{escaped(widget["name"])}"{shown}{attributes(widget["attrs"])}>'
    )


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer, but for input fields and select boxes of Django's own
    options."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUTS and widget is not None:
            return input_html(widget)
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


class SharedChoices(BaseChoiceIterator):
    """A select's flat choices, labels translated, shared by every row of a request that
    repeats a form (the checker's member rows), with their options drawn once for all of them
    (``SharedSelect``).

    Given as a list, a field normalises its choices again for each row, and each option's
    label is translated and escaped again each time a row is drawn: eight rows of 280 options
    each on a checked consortium, a fifth of the checker's time.
    """

    def __init__(self, choices):
        self.choices = [(value, str(label)) for value, label in choices]
        # Filled in place on first use: a widget's deep copy copies its choices shallowly.
        self.drawn: dict = {}

    def __iter__(self):
        return iter(self.choices)

    def options_html(self, chosen) -> str:
        """Every option's HTML, `` selected`` on the first whose value is in ``chosen``."""
        if not self.drawn:
            # All the options written once, and where `` selected`` goes in each: a row's
            # select is then two slices of one string, not a few hundred options joined again.
            parts, positions, length = [], {}, 0
            for value, label in self.choices:
                start, end = option_html(value, label)
                positions.setdefault(str(value), length + len(start))
                parts += (start, end)
                length += len(start) + len(end)
            self.drawn.update(html="".join(parts), positions=positions)
        options, positions = self.drawn["html"], self.drawn["positions"]
        found = [positions[value] for value in chosen if value in positions]
        if not found:
            return options
        at = min(found)
        return f"{options[:at]} selected{options[at:]}"


class SharedSelect(forms.Select):
    """Django's select box, drawn from ``SharedChoices``' options when given them
    (``tests/pactportal/test_forms.py`` compares it with Django's own)."""

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(self.choices, SharedChoices):
            return super().render(name, value, attrs, renderer)
        # Widget's context: Select's own would build every option again.
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = context["value"] or []
        return mark_safe(select_tag(name, context["attrs"], [self.choices.options_html(chosen)]))
