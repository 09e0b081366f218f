from collections import Counter

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.maps import country_map, members_label
from core.views import FilteredListView, PublicDetailView
from partnerships.models import Organisation
from partnerships.selectors import country_choices

from .eligibility import Member, Role, check_consortium
from .filters import AllianceFilter
from .forms import (
    MAX_MEMBERS,
    CheckerForm,
    MatchForm,
    MemberFormSet,
    member_choices,
    members_from_csv,
)
from .matching import SHOWN
from .models import Alliance
from .selectors import funding_calls, programme_countries
from .suggestions import suggest

DIRECTORY_RESULTS = 15


class AllianceListView(FilteredListView):
    template_name = "alliances/alliance_list.html"
    filterset_class = AllianceFilter
    api_list = "api:alliance-list"

    def get_base_queryset(self):
        return Alliance.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Drawn like the other lists' selects ("All" first, no "---------").
        fields = self.filterset.form.fields
        context["options"] = {
            name: [(str(value), label, None) for value, label in fields[name].choices if value]
            for name in ("ecosystem", "call", "phase", "ordering")
        }
        return context


class AllianceDetailView(PublicDetailView):
    model = Alliance
    template_name = "alliances/alliance_detail.html"

    def get_context_data(self, **kwargs):
        alliance = self.object
        members = alliance.members.all()
        groups, counts = {}, {}
        for member in members:
            groups.setdefault(member.get_role_display(), []).append(member)
            if code := member.organisation.country_id:
                counts[code] = counts.get(code, 0) + 1
        return super().get_context_data(
            member_groups=groups.items(),
            composition=composition(members),
            assessment=alliance.assessment(),
            today=timezone.localdate(),
            country_map=country_map(
                counts,
                caption=_("Countries of the consortium’s members"),
                count_heading=_("Members listed"),
                label=members_label,
                others_label=_("no member listed"),
            ),
            report=alliance.eligibility(programme_countries()),
            **kwargs,
        )


def composition(members) -> dict[str, list[tuple[str, int]]]:
    """How many of the recorded members are in each country and of each type, most first."""
    by_country, by_type = Counter(), Counter()
    for member in members:
        organisation = member.organisation
        by_country[str(organisation.country) if organisation.country_id else _("Not stated")] += 1
        by_type[organisation.get_type_display()] += 1
    return {
        "countries": sorted(by_country.items(), key=lambda item: (-item[1], item[0])),
        "types": sorted(by_type.items(), key=lambda item: (-item[1], item[0])),
    }


@never_cache
def consortium_check(request):
    """Check any consortium against a call; nothing is stored.

    A plain form: members are typed in, added from the directory (each result is a submit
    button) or uploaded as CSV, and every submission shows the report for what is there, with
    the directory's organisations that would make each failed rule pass (each a submit button
    too). A check may also be a link: a GET carrying the form's fields (no file) is read as
    a submission.
    """
    countries = country_choices()
    choices = member_choices(countries)
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET if "members-TOTAL_FORMS" in request.GET else None
    # Every call, the latest first: offered by the form and listed by the page.
    calls = funding_calls()
    latest = next((call for call in calls if call.has_rules), None)
    form = CheckerForm(data, request.FILES or None, initial={"call": latest and latest.pk})
    formset = MemberFormSet(data, prefix="members", form_kwargs={"choices": choices})
    rows, messages, results = [], [], None

    if data is not None:
        if formset.is_valid():
            rows = [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
        else:
            messages.extend(formset.non_form_errors())
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        if request.POST.get("add"):
            slug = cleaned.get("add")  # None when what was sent is not a slug
            organisation = (
                Organisation.objects.published().filter(slug=slug).first() if slug else None
            )
            if organisation is None:
                messages.append(_("That organisation is not in the directory."))
            elif organisation.country_id is None:
                messages.append(
                    _("“%(name)s” has no country in the directory; add it by hand.")
                    % {"name": organisation.name}
                )
            else:
                rows.append(
                    {
                        "name": organisation.name,
                        "country": organisation.country_id,
                        "type": organisation.type,
                        "eche": organisation.eche_holder,
                        "role": Role.FULL_PARTNER,
                        "organisation": organisation.slug,
                    }
                )
        if cleaned.get("csv_file"):
            added, errors = members_from_csv(
                cleaned["csv_file"], {code for code, _name in countries}
            )
            messages.extend(errors)
            rows.extend(added)
        if cleaned.get("q"):
            results = (
                Organisation.objects.published()
                .search(cleaned["q"])
                .select_related("country")[:DIRECTORY_RESULTS]
            )
        if len(rows) > MAX_MEMBERS:
            messages.append(_("A consortium can have at most %(n)s members.") % {"n": MAX_MEMBERS})
            rows = rows[:MAX_MEMBERS]
        # A refused formset built no rows: the page starts again from what was added.
        if formset.is_valid() or formset.refused:
            formset = MemberFormSet(
                initial=rows, prefix="members", form_kwargs={"choices": choices}
            )

    # The call shown (and checked against): the one chosen, else the latest.
    call = form.cleaned_data.get("call") if form.is_bound else latest
    report, suggestions = None, []
    if call and rows:
        members = [Member(r["name"], r["country"], r["type"], r["eche"], r["role"]) for r in rows]
        programme = programme_countries()
        report = check_consortium(call.call_rules, members, programme)
        suggestions = suggest(
            report=report,
            rules=call.call_rules,
            members=members,
            programme=programme,
            directory_members={r["organisation"] for r in rows if r.get("organisation")},
            ecosystem=form.cleaned_data.get("ecosystem"),
            pages=form.pages(),
        )
    return render(
        request,
        "alliances/consortium_check.html",
        {
            "form": form,
            "formset": formset,
            "problems": problems(form, formset, messages),
            "results": results,
            "report": report,
            "suggestions": suggestions,
            "call": call,
            "calls": calls,
            "member_count": filled_rows(formset) if formset.is_bound else len(rows),
            "countries": countries,
        },
    )


def filled_rows(formset) -> int:
    """The rows of a refused submission that hold something (and are not being removed)."""
    return sum(
        1
        for member in formset.forms
        if member.has_changed() and member.data.get(member.add_prefix("DELETE")) is None
    )


def problems(form, formset, messages) -> list[tuple[str, str]]:
    """What the page could not use, for its error summary (GOV.UK's pattern): ``(anchor,
    message)``, the anchor the field concerned (empty for a message about no one field)."""
    found = []
    if form.is_bound:
        for name, errors in form.errors.items():
            # "add" and "more" are buttons' values; the view says what was wrong with "add"
            # in messages, and a "more" it cannot read shows the first suggestions.
            if name in ("add", "more"):
                continue
            if name in form.fields:
                field = form[name]
                found += [(f"#{field.auto_id}", f"{field.label}: {error}") for error in errors]
            else:
                found += [("", str(error)) for error in errors]
    bound_rows = formset.forms if formset is not None and formset.is_bound else []
    for row, member in enumerate(bound_rows, start=1):
        for name, errors in member.errors.items():
            field = member[name] if name in member.fields else member[next(iter(member.fields))]
            label = _("%(field)s (row %(row)s)") % {"field": field.label, "row": row}
            found += [(f"#{field.auto_id}", f"{label}: {error}") for error in errors]
    return found + [("", str(message)) for message in messages]


def matcher(request):
    """Which partnerships fit an organisation, from its PIC or a description (a GET form:
    nothing is stored, no account is needed)."""
    form = MatchForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = form.matches()
    return render(
        request,
        "alliances/match.html",
        {"form": form, "matches": matches, "shown": SHOWN, "problems": problems(form, None, [])},
    )


# What the page cache keys the matcher on (core.cache.pages).
matcher.query_parameters = tuple(MatchForm.base_fields)
