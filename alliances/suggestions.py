"""Who could fill a consortium's gaps: for each rule a checked consortium fails, published
organisations of the directory that would make it pass.

Pure query logic, shared by the checker page and the API. Every rule's page of suggestions
comes from at most two queries at any size of the directory (each a ``UNION ALL`` of ranked,
sliced parts, one for each failed rule's first group of the ranking, then one for each later
group that is needed), and another loads the organisations shown when something needs
them. Candidates are from
programme countries only (only those count toward the country rule, and the call's other
rules are read for them), never already in the consortium, and never an institution that
would break the charter rule by joining. Those already active in the alliance's ecosystem
come first (members of its published large-scale partnerships or of its published
alliances), then those established in a region where a member of the consortium is, then by
name.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from core.cache import RecordIds, loaded_together
from core.queries import sliced_union
from partnerships.models import (
    Organisation,
    OrganisationCategory,
    OrganisationType,
    category_of,
)

from .eligibility import CallRules, Member, Report, Role
from .models import Involvement

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# Suggestions of one rule are ranked up to here; pages past it are empty.
MAX_RANK = 500


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


def wanted(
    rule: str, rules: CallRules, members: Sequence[Member], programme: frozenset[str]
) -> tuple[Q, str] | None:
    """Which organisations would make ``rule`` pass, and why, or None where adding one
    cannot (a consortium with two coordinators needs one fewer)."""
    counted = [m for m in members if m.role in Role.COUNTED]
    if rule == "min_programme_countries":
        missing = programme - {m.country for m in counted}
        return Q(country__in=sorted(missing)), _(
            "Established in a programme country the consortium does not have yet"
        )
    if rule == "min_full_partners":
        return Q(), _("One more full partner from a programme country")
    if rule == "min_labour_market_actors":
        return of_category(OrganisationCategory.LABOUR_MARKET), _("A labour-market actor")
    if rule == "min_education_training_providers":
        return of_category(OrganisationCategory.EDUCATION_TRAINING), _(
            "An education and training provider"
        )
    if rule == "require_hei":
        if rules.eche_required_in_programme_countries:
            return Q(type=OrganisationType.HEI, eche_holder=True), _(
                "A higher education institution holding an ECHE"
            )
        return Q(type=OrganisationType.HEI), _("A higher education institution")
    if rule == "require_vet_provider":
        return Q(type=OrganisationType.VET_PROVIDER), _("A VET provider")
    if rule == "eche_required_in_programme_countries":
        # The rule passes once each institution without a charter gives its place to one with
        # it: from the same countries, so the country rule is not broken by the exchange.
        countries = sorted(
            {m.country for m in members if m.type == OrganisationType.HEI and not m.eche}
        )
        return Q(type=OrganisationType.HEI, eche_holder=True, country__in=countries), _(
            "A higher education institution holding an ECHE, to take the place of one without"
        )
    return None


def of_category(category: str) -> Q:
    return Q(type__in=[t for t in OrganisationType.values if category_of(t) == category])


def active_in(ecosystem) -> Q:
    """Organisations already active in ``ecosystem``: members of its published large-scale
    partnerships or of its published alliances (``Involvement``, kept by the database).

    One index probe for each candidate, read in the directory's order until a group is full:
    asked of the memberships themselves, each group hashed the ecosystem's 14,000 members
    again at factor 100, about 5 ms a failed rule.
    """
    return Q(Exists(Involvement.objects.filter(organisation=OuterRef("pk"), ecosystem=ecosystem)))


def flag(condition: Q | None):
    if condition is None:
        return Value(False)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


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
    organisations (each rule's first group of the ranking; the later groups of the rules whose
    first group came short, none when every first group is full; the organisations shown, the
    first time one is needed); none when every rule passes. SQLite (the quick start) reads
    each ranked part on its own, as it slices no part of a union.
    """
    programme = frozenset(programme)
    pages = pages or {}
    names = {m.name for m in members}
    base = (
        Organisation.objects.published()
        .filter(country__in=sorted(programme))
        .exclude(slug__in=sorted(directory_members))
        .exclude(name__in=sorted(names))
    )
    if rules.eche_required_in_programme_countries:
        # Joining without a charter would break that rule while fixing another.
        base = base.exclude(type=OrganisationType.HEI, eche_holder=False)
    regions = (
        Organisation.objects.published()
        .filter(slug__in=sorted(directory_members), region__isnull=False)
        .values("region")
    )
    near = Q(region__in=regions) if directory_members else None
    active = active_in(ecosystem) if ecosystem is not None else None

    ranking = ranking_groups(active, near)
    wanted_rules, candidates_of = [], {}
    for index, result in enumerate(report.failures):
        found = wanted(result.rule, rules, members, programme)
        if found is None:
            continue
        condition, reason = found
        page = max(pages.get(result.rule, 1), 1)
        offset = min((page - 1) * page_size, MAX_RANK)
        # One row past the page says whether there is a next one.
        need = min(offset + page_size, MAX_RANK) + 1
        wanted_rules.append((index, result, reason, page, offset))
        candidates_of[index] = (condition, need)
    if not candidates_of:
        return []
    # Each rule's first group of the ranking, then the later groups of the rules whose first
    # group came short: a full first group is all merged() reads, and with an ecosystem given
    # it is nearly always full at the directory's full size, so the later groups are seldom
    # even built (about a quarter of the suggestions' time at factor 100).
    by_part: dict[int, dict[int, list]] = {}
    collect(
        by_part,
        ranked_rows(
            [
                ranked_group(base, index, condition, 0, ranking[0], need)
                for index, (condition, need) in candidates_of.items()
            ]
        ),
    )
    short = [
        ranked_group(base, index, condition, number, group, need)
        for index, (condition, need) in candidates_of.items()
        if len(by_part.get(index, {}).get(0, ())) < need
        for number, group in enumerate(ranking[1:], start=1)
    ]
    collect(by_part, ranked_rows(short))
    shown = {}
    for index, _result, _reason, _page, offset in wanted_rules:
        ranked = merged(by_part.get(index, {}), offset + page_size + 1)
        shown[index] = (ranked[offset : offset + page_size], len(ranked) > offset + page_size)
    load = loaded_together(
        Organisation,
        [row[0] for found, _more in shown.values() for row in found],
        Organisation.objects.select_related("country", "region"),
    )
    answer = []
    for index, result, reason, page, offset in wanted_rules:
        found, more = shown[index]
        answer.append(
            RuleSuggestions(
                rule=result.rule,
                title=result.title,
                reason=reason,
                suggestions=tuple(
                    Suggestion(row[0], row[5], row[6], reason, row[3], row[4], load)
                    for row in found
                ),
                page=page,
                next_page=page + 1 if more and offset + page_size < MAX_RANK else None,
            )
        )
    return answer


def ranked_rows(parts: list) -> list:
    """The rows of ``parts`` (``ranked_group()``'s), by rule, group and the groups' order."""
    return sliced_union(parts, "part", "group", "-in_region", "name", "pk")


def collect(by_part: dict[int, dict[int, list]], rows) -> None:
    """File each row under its part (the rule) and its group."""
    for row in rows:
        by_part.setdefault(row[1], {}).setdefault(row[2], []).append(row)


def ranking_groups(active: Q | None, near: Q | None) -> list[tuple]:
    """The ranking's groups: those active in the ecosystem (those in a member's region first),
    then those in a member's region, then all in the directory's order. Each is ``(condition,
    in_ecosystem, in_region, rows)``, ``rows`` the rows it reads for each one needed.

    No group excludes the ones before it: an exclusion would be asked of every candidate.
    The later groups read more rows instead, for ``merged()`` to drop those already ranked
    and still fill what is needed: the directory's order is read from its index and stops
    there, so no group sorts every candidate.
    """
    groups = []
    if active is not None:
        groups.append((active, Value(True), flag(near), 1))
    if near is not None:
        groups.append((near, Value(False), Value(True), 2))
    groups.append((Q(), Value(False), Value(False), 3))
    return groups


COLUMNS = ("pk", "part", "group", "in_ecosystem", "in_region", "name", "slug")


def ranked_group(base, part: int, condition: Q, number: int, group: tuple, need: int):
    """Group ``number`` of the ranking (``ranking_groups()``) of the organisations of ``base``
    that meet ``condition`` (the rule at ``part``), ordered and sliced alone, as rows of
    ``COLUMNS``."""
    where, in_ecosystem, in_region, rows = group
    return (
        base.filter(condition, where)
        .annotate(
            part=Value(part), group=Value(number), in_ecosystem=in_ecosystem, in_region=in_region
        )
        .order_by("-in_region", "name", "pk")
        .values_list(*COLUMNS)[: rows * need]
    )


def merged(groups: dict[int, list], need: int) -> list:
    """The groups' rows in the ranking's order, each organisation once, up to ``need``.

    A group is read on only while those before it were taken whole (fewer rows than asked
    for); then every row of theirs is known, and the later group's duplicates are dropped.
    """
    ranked, seen = [], set()
    for number in sorted(groups):
        for row in groups[number]:
            if row[0] not in seen:
                seen.add(row[0])
                ranked.append(row)
        if len(ranked) >= need:
            break
    return ranked[:need]
