"""The portal's form renderer writes select boxes and input fields in Python (``core.forms``):
every one a reader or curator meets must be the very HTML Django's own templates draw."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from alliances.forms import CheckerForm, MatchForm, MemberFormSet, member_choices
from core.forms import PortalFormRenderer, SharedChoices, SharedSelect
from figures.regions import GapForm
from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
from partnerships.models import Document, Organisation, Partnership
from partnerships.selectors import country_choices

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "—"),
    ("a", "A & b"),
    ("Group <1>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]),
    (3, 'Th"ree'),
    ("lazy", gettext_lazy("Country")),
]
ATTRIBUTES = {"class": "c", "required": True, "disabled": False, "data-x": '"q"', "id": "id_n"}


def both(widget, name, value) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=ATTRIBUTES, renderer=DjangoTemplates()),
        widget.render(name, value, attrs=ATTRIBUTES),
    )


@pytest.mark.parametrize("value", ["a", "x", 3, None, "", "unknown"])
@pytest.mark.parametrize(
    "widget",
    [
        forms.Select(choices=CHOICES),
        forms.NullBooleanSelect(),
        forms.SelectMultiple(choices=CHOICES),
        forms.Select(choices=CHOICES, attrs={"aria-describedby": "hint"}),
    ],
    ids=["select", "null-boolean", "multiple", "own-attributes"],
)
def test_each_select_is_djangos_own_html(widget, value):
    assert isinstance(get_default_renderer(), PortalFormRenderer)
    with translation.override("de"):
        django, portal = both(widget, "n<1>", [value] if widget.allow_multiple_selected else value)
    assert portal == django
    assert "Land" in portal or widget.__class__ is forms.NullBooleanSelect


@pytest.mark.parametrize("value", ["a & b", mark_safe("<b>x</b>"), 3, 0, None, "", True])
@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.HiddenInput(),
        forms.CheckboxInput(),
        forms.NumberInput(attrs={"min": 0, "step": "any"}),
        forms.EmailInput(),
        forms.SearchInput(),
        forms.DateInput(),
        forms.URLInput(attrs={"aria-describedby": "hint"}),
    ],
    ids=lambda widget: type(widget).__name__,
)
def test_each_input_field_is_djangos_own_html(widget, value):
    django, portal = both(widget, 'n<1>"', value)
    assert portal == django
    assert portal.startswith("<input ")


@pytest.mark.parametrize("value", ["a", "3", 3, "", None, "unknown", "lazy"])
def test_a_select_of_shared_choices_is_djangos_own_html(value):
    flat = [choice for choice in CHOICES if not isinstance(choice[1], list)]
    with translation.override("de"):
        shared = SharedChoices(flat)
        django = forms.Select(choices=flat).render(
            "n<1>", value, attrs=ATTRIBUTES, renderer=DjangoTemplates()
        )
        shared_widget = SharedSelect(choices=shared)
        drawn = [shared_widget.render("n<1>", value, attrs=ATTRIBUTES) for _row in range(2)]
    assert drawn == [django, django]
    assert "Land" in django


def test_the_checkers_member_rows_draw_their_options_once(pact_data):
    choices = member_choices(country_choices())
    # A country chosen, one the list does not have (nothing selected), and a blank row (the
    # blank option selected).
    countries = ["DE", "FR", "IT", "XX", ""]
    data = {"members-TOTAL_FORMS": str(len(countries)), "members-INITIAL_FORMS": "0"}
    for row, country in enumerate(countries):
        data |= {f"members-{row}-name": f"P{row}", f"members-{row}-country": country}
    formset = MemberFormSet(data, prefix="members", form_kwargs={"choices": choices})
    portal = [str(row["country"]) for row in formset]
    # Drawn once for all the rows: every option, the blank one too, in one string.
    assert choices["country"].drawn["html"].count("<option ") == len(country_choices()) + 1
    for row in formset:
        row.fields["country"].widget = forms.Select(choices=row.fields["country"].choices)
        row.renderer = DjangoTemplates()
    assert portal == [str(row["country"]) for row in formset]
    for html, country in zip(portal, countries, strict=True):
        assert html.count(" selected") == (0 if country == "XX" else 1)
        assert country == "XX" or f'value="{country}" selected' in html


def fields_drawn(form) -> dict[str, str]:
    return {name: str(form[name]) for name in form.fields}


def test_the_portals_own_forms_draw_the_same_selects(pact_data):
    request = RequestFactory().get("/")
    request.user = User(is_staff=True, is_superuser=True)
    forms_shown = [
        CheckerForm(),
        MatchForm({"country": "DE", "type": "hei", "ecosystem": ["digital"]}),
        GapForm({"ecosystem": "digital"}),
        PartnershipFilter({"country": "IT"}, queryset=Partnership.objects.all()).form,
        OrganisationFilter({}, queryset=Organisation.objects.all()).form,
        DocumentFilter({}, queryset=Document.objects.all(), request=request).form,
        *MemberFormSet(
            prefix="members", form_kwargs={"choices": member_choices(country_choices())}
        ),
        admin.site._registry[Partnership].get_form(request)(),
    ]
    compared = 0
    for form in forms_shown:
        portal = fields_drawn(form)
        form.renderer = DjangoTemplates()
        django = fields_drawn(form)
        assert portal == django, type(form).__name__
        compared += sum("<select" in html for html in portal.values())
    assert compared >= 15
