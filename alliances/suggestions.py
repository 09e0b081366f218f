"""Who could fill a consortium's gaps: for each rule a checked consortium fails, published
organisations of the directory that would make it pass.

Shared by the checker page and the API. Each failed rule asks for the organisations meeting
a condition (``wanted()``), ranked by ``selectors.ranked_candidates()``: from programme
countries only, those already active in the alliance's ecosystem first (members of its
published large-scale partnerships or of its published alliances), then those established in
a region where a member of the consortium is, then by name. The consortium's own members are
dropped from the ranking here, and a page of it is shown, with the reason each would help.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext as _

from core.cache import RecordIds, loaded_together
from partnerships.models import (
    Organisation,
    OrganisationCategory,
    OrganisationType,
    category_of,
)

from .eligibility import CallRules, Member, Report, Role
from .selectors import Candidates, Ranked, ranked_candidates

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# Suggestions of one rule are ranked up to here; pages past it are empty.
MAX_RANK = 500
# Rankings are read to a multiple of this many rows (``depth()``).
DEPTH_STEP = 20
# A rule asking for any candidate of some countries (the country rule, and the full
# partners' for all of them) is read from the ranking of every candidate, the same for every
# consortium and so remembered, this many times further, up to ``BROAD_ROWS`` rows: most of
# its first rows are of countries the consortium lacks. Where too few are, the rule's own.
BROAD, BROAD_ROWS = 5, 200


@dataclass(frozen=True)
class Suggestion:
    pk: int
    name: str
    slug: str
    reason: str
    in_ecosystem: bool
    in_region: bool
    # Loads the organisations shown on every rule's page together, the first time one is
    # needed (``core.cache.loaded_together()``). The page draws each suggested organisation
    # from its record's drawing, there whenever it was drawn since the last content change:
    # then nothing is loaded, one query fewer (about a sixth of the suggestions' time at
    # factor 100). The API's answer shows every one, so it loads them all, once.
    load: Callable[[list[int]], dict[int, Organisation]]

    @property
    def organisation(self) -> Organisation:
        return self.load([self.pk])[self.pk]


@dataclass(frozen=True)
class RuleSuggestions:
    """One failed rule's page of suggestions, and the next page's number if there is one."""

    rule: str
    title: str
    reason: str
    suggestions: tuple[Suggestion, ...]
    page: int
    next_page: int | None

    @property
    def organisations(self) -> RecordIds:
        """The suggested organisations to draw, loaded only where a drawing is missing."""
        ids = [suggestion.pk for suggestion in self.suggestions]
        return RecordIds(Organisation, ids, self.suggestions[0].load if ids else None)

    @property
    def by_organisation(self) -> dict[int, Suggestion]:
        return {suggestion.pk: suggestion for suggestion in self.suggestions}


class Wanted(NamedTuple):
    """Which organisations would make a rule pass (``condition``), and why. ``countries``,
    where given, is all the condition asks: any candidate of those countries."""

    condition: Q
    reason: str
    countries: frozenset[str] | None = None


def wanted(
    rule: str, rules: CallRules, members: Sequence[Member], programme: frozenset[str]
) -> Wanted | None:
    """Which organisations would make ``rule`` pass, and why, or None where adding one
    cannot (a consortium with two coordinators needs one fewer)."""
    counted = [m for m in members if m.role in Role.COUNTED]
    if rule == "min_programme_countries":
        missing = programme - {m.country for m in counted}
        return Wanted(
            Q(country__in=sorted(missing)),
            _("Established in a programme country the consortium does not have yet"),
            missing,
        )
    if rule == "min_full_partners":
        return Wanted(Q(), _("One more full partner from a programme country"), programme)
    if rule == "min_labour_market_actors":
        return Wanted(of_category(OrganisationCategory.LABOUR_MARKET), _("A labour-market actor"))
    if rule == "min_education_training_providers":
        return Wanted(
            of_category(OrganisationCategory.EDUCATION_TRAINING),
            _("An education and training provider"),
        )
    if rule == "require_hei":
        if rules.eche_required_in_programme_countries:
            return Wanted(
                Q(type=OrganisationType.HEI, eche_holder=True),
                _("A higher education institution holding an ECHE"),
            )
        return Wanted(Q(type=OrganisationType.HEI), _("A higher education institution"))
    if rule == "require_vet_provider":
        return Wanted(Q(type=OrganisationType.VET_PROVIDER), _("A VET provider"))
    if rule == "eche_required_in_programme_countries":
        # The rule passes once each institution without a charter gives its place to one with
        # it: from the same countries, so the country rule is not broken by the exchange.
        countries = sorted(
            {m.country for m in members if m.type == OrganisationType.HEI and not m.eche}
        )
        return Wanted(
            Q(type=OrganisationType.HEI, eche_holder=True, country__in=countries),
            _("A higher education institution holding an ECHE, to take the place of one without"),
        )
    return None


def of_category(category: str) -> Q:
    return Q(type__in=[t for t in OrganisationType.values if category_of(t) == category])


def suggest(
    *,
    report: Report,
    rules: CallRules,
    members: Sequence[Member],
    programme: Collection[str],
    directory_members: Collection[str] = (),
    ecosystem=None,
    pages: dict[str, int] | None = None,
    page_size: int = PAGE_SIZE,
) -> list[RuleSuggestions]:
    """A page of suggestions for each failed rule that an organisation can fix.

    ``directory_members`` are the slugs of the members taken from the directory: they are
    not suggested again, and their regions rank candidates. ``pages`` gives a rule's page
    number (1 when not given). Three queries at most whatever the number of rules and
    organisations (the rankings not remembered, ``selectors.ranked_candidates()``; the
    organisations shown, the first time one is needed); none when every rule passes.
    """
    programme = frozenset(programme)
    pages = pages or {}
    names = {m.name for m in members}
    taken = set(directory_members)
    candidates = Candidates(
        programme=tuple(sorted(programme)),
        charter_required=rules.eche_required_in_programme_countries,
        ecosystem=ecosystem,
        near=tuple(sorted(taken)),
    )
    # The consortium's own members are dropped from a ranking once it is read, so that it is
    # the same for every consortium failing the rule: it is read that much further.
    dropped = len(names) + len(taken)
    questions, asked, broad = [], {}, {}
    for index, result in enumerate(report.failures):
        fix = wanted(result.rule, rules, members, programme)
        if fix is None:
            continue
        page = max(pages.get(result.rule, 1), 1)
        offset = min((page - 1) * page_size, MAX_RANK)
        # One row past the page says whether there is a next one.
        need = min(offset + page_size, MAX_RANK) + 1
        questions.append((index, result, fix, page, offset, need))
        rows = need + dropped
        if fix.countries is not None and BROAD * rows <= BROAD_ROWS:
            asked[index], broad[index] = (Q(), depth(BROAD * rows)), fix.countries
        else:
            asked[index] = (fix.condition, depth(rows))
    if not asked:
        return []
    rankings = ranked_candidates(candidates, asked)

    def kept(index: int) -> list[Ranked]:
        countries = broad.get(index)
        return [
            row
            for row in rankings[index]
            if row.name not in names
            and row.slug not in taken
            and (countries is None or row.country in countries)
        ]

    # Where too few of the first candidates are of the countries asked for, and there are more
    # candidates, the rule's own ranking.
    own = {
        index: (fix.condition, depth(need + dropped))
        for index, _result, fix, _page, _offset, need in questions
        if index in broad and len(kept(index)) < need and len(rankings[index]) >= asked[index][1]
    }
    if own:
        rankings |= ranked_candidates(candidates, own)
        for index in own:
            del broad[index]
    shown = {}
    for index, _result, _fix, _page, offset, _need in questions:
        ranked = kept(index)
        shown[index] = (ranked[offset : offset + page_size], len(ranked) > offset + page_size)
    load = loaded_together(
        Organisation,
        [row.pk for found, _more in shown.values() for row in found],
        Organisation.objects.select_related("country", "region"),
    )
    return [
        RuleSuggestions(
            rule=result.rule,
            title=result.title,
            reason=fix.reason,
            suggestions=tuple(
                Suggestion(
                    row.pk, row.name, row.slug, fix.reason, row.in_ecosystem, row.in_region, load
                )
                for row in shown[index][0]
            ),
            page=page,
            next_page=page + 1 if shown[index][1] and offset + page_size < MAX_RANK else None,
        )
        for index, result, fix, page, offset, _need in questions
    ]


def depth(rows: int) -> int:
    """How far a ranking is read for ``rows``: rounded up, so that consortia of about the same
    size share it."""
    return -(-rows // DEPTH_STEP) * DEPTH_STEP
