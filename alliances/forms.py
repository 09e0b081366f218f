"""The consortium checker's form: members typed in, added from the directory, or from a CSV."""

import csv
import io
import itertools
import re

from django import forms
from django.forms.formsets import TOTAL_FORM_COUNT
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import SharedChoices, SharedSelect
from ecosystems.models import Ecosystem
from partnerships.models import (
    PIC_PATTERN,
    Country,
    NutsRegion,
    Organisation,
    OrganisationType,
)
from partnerships.models.nuts import NUTS2_PATTERN
from partnerships.selectors import country_choices

from .eligibility import Member, Role
from .matching import Matches, match
from .selectors import ecosystems, funding_calls

MAX_MEMBERS = 200
CSV_COLUMNS = ("name", "country", "type", "eche", "role")
TRUE, FALSE = {"1", "yes", "y", "true", "x"}, {"0", "no", "n", "false", ""}


class OfferedChoiceField(forms.ChoiceField):
    """One of the records it is offered (``offer()``), chosen by ``key`` and cleaned to the
    record itself, or None where nothing is chosen.

    The records are given, not queried: the form reads them once, where a model choice field
    would read them again to validate and again to draw its options.
    """

    by_key: dict = {}

    def __init__(self, *, key: str = "pk", empty_label=None, **kwargs):
        super().__init__(**kwargs)
        self.key, self.empty_label = key, empty_label

    def offer(self, records) -> None:
        self.by_key = {str(getattr(record, self.key)): record for record in records}
        blank = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = blank + [
            (key, self.label_from_instance(record)) for key, record in self.by_key.items()
        ]

    def label_from_instance(self, obj) -> str:
        return str(obj)

    def clean(self, value):
        # The choices checked the key: the record it names.
        return self.by_key.get(super().clean(value))


class CallChoiceField(OfferedChoiceField):
    """A call named with its state today and its deadline, so a closed call is never offered
    as if open, and with a word where its rules are not on record."""

    def label_from_instance(self, obj):
        parts = [str(obj), str(obj.state().label)]
        if obj.deadline:
            parts.append(_("deadline %(day)s") % {"day": date_format(obj.deadline, "j F Y")})
        if not obj.has_rules:
            parts.append(_("rules not on record"))
        return " — ".join(parts)


# A rule's page of suggestions, sent by its "More" button: "require_vet_provider:2".
MORE_PATTERN = r"^[a-z_]{1,60}:[0-9]{1,4}$"


class CheckerForm(forms.Form):
    # Every call on record, the latest first; one whose rules are not on record is offered
    # too, and choosing it says it cannot be checked rather than guessing its rules.
    call = CallChoiceField(label=gettext_lazy("Funding call"))
    ecosystem = OfferedChoiceField(
        key="slug",
        required=False,
        label=gettext_lazy("Ecosystem of the alliance (optional)"),
        empty_label=gettext_lazy("Not chosen"),
        help_text=gettext_lazy(
            "Suggested partners already active in it (in its large-scale partnership or its "
            "alliances) come first."
        ),
    )
    q = forms.CharField(
        label=gettext_lazy("Find an organisation in the directory"),
        required=False,
        max_length=100,
    )
    csv_file = forms.FileField(
        label=gettext_lazy("Or upload a CSV file"),
        required=False,
        help_text=gettext_lazy("Columns: name, country, type, eche, role; one member a row."),
    )
    # Sent by the "Add" button of a directory result or a suggestion: the organisation's slug.
    add = forms.SlugField(required=False, max_length=255)
    more = forms.RegexField(regex=MORE_PATTERN, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].offer(funding_calls())
        self.fields["ecosystem"].offer(ecosystems())

    def clean_call(self):
        call = self.cleaned_data["call"]
        if not call.has_rules:
            raise forms.ValidationError(
                _(
                    "The composition rules of this call are not on record, so no consortium "
                    "can be checked against it. Choose another call."
                )
            )
        return call

    def pages(self) -> dict[str, int]:
        """The page of suggestions asked for, by rule."""
        more = getattr(self, "cleaned_data", {}).get("more")
        if not more:
            return {}
        rule, page = more.split(":")
        return {rule: int(page)}


# Selects open on an empty choice, so a row left untouched is recognised as blank.
BLANK = [("", "—")]


def member_choices(countries) -> dict[str, SharedChoices]:
    """The member rows' select choices (``MemberForm``'s ``choices``), in the active language."""
    return {
        "country": SharedChoices(BLANK + list(countries)),
        "type": SharedChoices(BLANK + OrganisationType.choices),
        "role": SharedChoices(BLANK + Role.CHOICES),
    }


class MemberForm(forms.Form):
    # The selects' choices come with each row (``member_choices()``), shared by all the rows:
    # none here, which each row's copy of its fields would copy again.
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    country = forms.ChoiceField(label=gettext_lazy("Country"), widget=SharedSelect)
    type = forms.ChoiceField(label=gettext_lazy("Type"), widget=SharedSelect)
    eche = forms.BooleanField(label=gettext_lazy("Holds an ECHE"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), widget=SharedSelect)
    # The directory's slug of a member added from it: not suggested again, and its region
    # ranks the suggestions.
    organisation = forms.SlugField(required=False, max_length=160, widget=forms.HiddenInput)

    def __init__(self, *args, choices: dict[str, SharedChoices], **kwargs):
        super().__init__(*args, **kwargs)
        for name, shared in choices.items():
            self.fields[name].choices = shared

    def member(self) -> Member:
        data = self.cleaned_data
        return Member(data["name"], data["country"], data["type"], data["eche"], data["role"])


class BaseMemberFormSet(forms.BaseFormSet):
    """The member rows. A submission claiming more rows than the page ever shows is refused
    whole, before any row is built: the counts come from the client and cost a form each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        too_many = _("A consortium can have at most %(n)s members.") % {"n": MAX_MEMBERS}
        self.error_messages = {**self.error_messages, "too_many_forms": too_many}

    @cached_property
    def refused(self) -> bool:
        """More rows sent than the page ever shows (the members and two blank rows)."""
        if not self.is_bound or not self.management_form.is_valid():
            return False
        return self.management_form.cleaned_data[TOTAL_FORM_COUNT] > self.absolute_max

    def total_form_count(self):
        if self.is_bound:
            return 0 if self.refused else max(super().total_form_count(), 0)
        return super().total_form_count()

    def initial_form_count(self):
        if self.is_bound:
            # Rows counted as initial must be rows that were sent.
            return min(max(super().initial_form_count(), 0), self.total_form_count())
        return super().initial_form_count()


# Two blank rows under the members for typing in organisations that are not in the directory.
MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_MEMBERS + 2,
    absolute_max=MAX_MEMBERS + 2,
    validate_max=True,
)


class CountryCodeField(forms.ChoiceField):
    """A country by its ISO code, in any case, as the API's lists take it."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class MatchForm(forms.Form):
    """The matcher's question: an organisation by its PIC, or described by where it is, what
    it is and the ecosystems it works in. Read from the address; nothing is stored."""

    pic = forms.RegexField(
        regex=PIC_PATTERN,
        required=False,
        max_length=9,
        label=gettext_lazy("PIC"),
        help_text=gettext_lazy(
            "The nine-digit Participant Identification Code, for an organisation in the directory."
        ),
        error_messages={"invalid": gettext_lazy("A PIC is exactly nine digits.")},
    )
    country = CountryCodeField(
        required=False,
        label=gettext_lazy("Country"),
        help_text=gettext_lazy("Used where no region is given."),
    )
    region = forms.CharField(
        required=False,
        max_length=4,
        label=gettext_lazy("NUTS region"),
        help_text=gettext_lazy("Its NUTS level-2 code, such as DE71 for Darmstadt."),
    )
    type = forms.ChoiceField(
        required=False, label=gettext_lazy("Type"), choices=BLANK + OrganisationType.choices
    )
    ecosystem = forms.ModelMultipleChoiceField(
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        label=gettext_lazy("Ecosystems it works in"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, require_one=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = BLANK + country_choices()
        # The page asks for something to match; the API answers an empty question with
        # nothing, as its lists answer a filter left empty.
        self.require_one = require_one

    def clean_pic(self):
        pic = self.cleaned_data["pic"]
        if not pic:
            return None
        found = (
            Organisation.objects.published()
            .select_related("country", "region")
            .filter(pic=pic)
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                _("No organisation of the directory has this PIC."), code="unknown"
            )
        return found

    def clean_country(self):
        code = self.cleaned_data["country"]
        return Country.objects.get(pk=code) if code else None

    def clean_region(self):
        code = self.cleaned_data["region"].strip().upper()
        if not code:
            return None
        region = (
            NutsRegion.objects.filter(code=code).first() if re.match(NUTS2_PATTERN, code) else None
        )
        if region is None:
            raise forms.ValidationError(
                _("“%(code)s” is not a NUTS level-2 region.") % {"code": code}
            )
        return region

    def clean(self):
        data = super().clean()
        given = any(data.get(name) for name in self.fields)
        if self.require_one and not self.errors and not given:
            raise forms.ValidationError(
                _("Give a PIC, or the organisation’s region, country, type or ecosystems.")
            )
        if data.get("region"):
            # The region says the country: a country given too is read only without one.
            data["country"] = data["region"].country
        return data

    def matches(self) -> Matches:
        """What fits the valid question (the page and the API ask the same)."""
        data = self.cleaned_data
        return match(
            organisation=data["pic"],
            country=data["country"],
            region=data["region"],
            type=data["type"],
            ecosystems=data["ecosystem"],
        )


def members_from_csv(upload, countries: set[str]) -> tuple[list[dict], list[str]]:
    """Rows of a CSV as member values, or the list of what is wrong with it (all or nothing)."""
    limit = MAX_MEMBERS * 1024
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        return [], [
            _("The file is too large for a consortium of at most %(n)s members.")
            % {"n": MAX_MEMBERS}
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")]
    # newline="": the csv module finds the line ends itself, LF, CRLF or the bare CR of Excel
    # for Mac's "CSV (Macintosh)", and keeps those inside quoted cells.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fieldnames, records = None, []
    try:
        fieldnames = reader.fieldnames
        for record in itertools.islice(reader, MAX_MEMBERS + 1):
            records.append(record)
    except csv.Error:
        # A cell longer than the csv module reads (csv.field_size_limit()), which is also what
        # a quotation mark that is never closed makes of the rest of the file.
        return [], [
            _(
                "Row %(n)s could not be read: a cell is longer than %(limit)s characters, or a "
                "quotation mark is never closed."
            )
            % {
                "n": 1 if fieldnames is None else len(records) + 2,
                "limit": number_format(csv.field_size_limit(), force_grouping=True),
            }
        ]
    header = tuple(name.strip().lower() for name in fieldnames or ())
    if sorted(header) != sorted(CSV_COLUMNS):
        return [], [
            _("The first row must name the columns %(wanted)s; it has %(found)s.")
            % {"wanted": ", ".join(CSV_COLUMNS), "found": ", ".join(header) or _("nothing")}
        ]
    rows, errors = [], []
    types = set(OrganisationType.values)
    roles = {value: value for value, _label in Role.CHOICES} | {
        label.lower(): value for value, label in Role.CHOICES
    }
    for number, row in enumerate(records, start=2):
        if number - 1 > MAX_MEMBERS:
            return [], [_("A consortium can have at most %(n)s members.") % {"n": MAX_MEMBERS}]
        values = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        problems = []
        if not values["name"]:
            problems.append(_("the name is empty"))
        if values["country"].upper() not in countries:
            problems.append(_("unknown country “%(v)s”") % {"v": values["country"][:10]})
        if values["type"] not in types:
            problems.append(_("unknown type “%(v)s”") % {"v": values["type"][:40]})
        if values["eche"].lower() not in TRUE | FALSE:
            problems.append(_("eche must be yes or no"))
        if values["role"].lower() not in roles:
            problems.append(_("unknown role “%(v)s”") % {"v": values["role"][:40]})
        if problems:
            errors.append(
                _("Row %(n)s: %(problems)s.") % {"n": number, "problems": "; ".join(problems)}
            )
            continue
        rows.append(
            {
                "name": values["name"][:255],
                "country": values["country"].upper(),
                "type": values["type"],
                "eche": values["eche"].lower() in TRUE,
                "role": roles[values["role"].lower()],
            }
        )
    if not rows and not errors:
        errors.append(_("The file has no members."))
    return ([], errors) if errors else (rows, [])
