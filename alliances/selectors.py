"""The alliances app's remembered aggregates: what every check of a consortium reads (the
calls, the programme countries, the ecosystems) and the directory's organisations ranked for
a rule a checked consortium fails (``suggestions.suggest()`` reads them).

A ranking depends on the rule's condition, the call's programme countries and charter rule,
the alliance's ecosystem and the directory members in the consortium (their regions rank),
never on the rest of the consortium: the consortium's own members are dropped from it after
it is read (``suggest()``). So the VET provider one consortium lacks in an ecosystem is the
next consortium's too, read once until content changes. Two queries at most whatever the
number of rules and organisations: each ``UNION ALL`` of ranked, sliced parts, one for each
rule's first group of the ranking, then one for each later group that is needed.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from core.cache import digest, remembered, remembered_together
from core.queries import sliced_union
from ecosystems.models import Ecosystem
from partnerships.models import Organisation, OrganisationType

from .models import FundingCall, Involvement, ProgrammeCountry


def funding_calls() -> list[FundingCall]:
    """Every call on record, the latest first. A call's state is not remembered with it: each
    request reads it from the call's dates, as a call closes at its deadline's hour, which no
    change of content marks."""
    return remembered("funding-calls", lambda: list(FundingCall.objects.all()), translated=False)


def programme_countries() -> frozenset[str]:
    """The codes of the programme countries."""
    return remembered("programme-countries", ProgrammeCountry.codes, translated=False)


def ecosystems() -> list[Ecosystem]:
    """The 14 ecosystems, each named in the reader's language when read."""
    return remembered("ecosystems", lambda: list(Ecosystem.objects.all()), translated=False)


class Ranked(NamedTuple):
    """One organisation of a ranking, and why it ranks where it does."""

    pk: int
    name: str
    slug: str
    country: str
    in_ecosystem: bool
    in_region: bool


@dataclass(frozen=True)
class Candidates:
    """Who may be suggested at all, and how they rank: published organisations of the
    ``programme`` countries (only those count toward the country rule, and the call's other
    rules are read for them), never an institution without a charter where the call requires
    one (``charter_required``: joining would break that rule while fixing another); those
    active in ``ecosystem`` first, then those in a region of a directory member of the
    consortium (``near``, their slugs), then by name."""

    programme: tuple[str, ...]
    charter_required: bool
    ecosystem: Ecosystem | None
    near: tuple[str, ...]

    def key(self) -> tuple:
        """What the ranking depends on besides a rule's condition."""
        ecosystem = self.ecosystem.pk if self.ecosystem is not None else None
        return (self.programme, self.charter_required, ecosystem, self.near)

    def base(self):
        base = Organisation.objects.published().filter(country__in=self.programme)
        if self.charter_required:
            base = base.exclude(type=OrganisationType.HEI, eche_holder=False)
        return base

    def groups(self) -> list[tuple]:
        """The ranking's groups: those active in the ecosystem (those in a member's region
        first), then those in a member's region, then all in the directory's order. Each is
        ``(condition, in_ecosystem, in_region, rows)``, ``rows`` the rows it reads for each
        one needed.

        No group excludes the ones before it: an exclusion would be asked of every
        candidate. The later groups read more rows instead, for ``merged()`` to drop those
        already ranked and still fill what is needed: the directory's order is read from its
        index and stops there, so no group sorts every candidate.
        """
        near = None
        if self.near:
            regions = (
                Organisation.objects.published()
                .filter(slug__in=self.near, region__isnull=False)
                .values("region")
            )
            near = Q(region__in=regions)
        groups = []
        if self.ecosystem is not None:
            groups.append((active_in(self.ecosystem), Value(True), flag(near), 1))
        if near is not None:
            groups.append((near, Value(False), Value(True), 2))
        groups.append((Q(), Value(False), Value(False), 3))
        return groups


def ranked_candidates(
    candidates: Candidates, wanted: dict[int, tuple[Q, int]]
) -> dict[int, list[Ranked]]:
    """For each part of ``wanted`` (``(condition, depth)``: a failed rule), the first
    ``depth`` candidates meeting its condition, ranked; remembered until content changes.
    Parts asking the same share one ranking."""
    shared = candidates.key()
    names = {
        part: "checker-ranking." + digest((repr(condition), depth, shared))
        for part, (condition, depth) in wanted.items()
    }
    questions = {name: wanted[part] for part, name in names.items()}
    found = remembered_together(
        {name: name for name in questions},
        lambda todo: dict(
            zip(todo, rankings(candidates, [questions[name] for name in todo]), strict=True)
        ),
        translated=False,
    )
    return {part: found[name] for part, name in names.items()}


def rankings(candidates: Candidates, questions: list[tuple[Q, int]]) -> list[list[Ranked]]:
    """``ranked_candidates()`` of each ``(condition, depth)``, read from the database.

    Each question's first group of the ranking, then the later groups of those whose first
    group came short: a full first group is all ``merged()`` reads, and with an ecosystem
    given it is nearly always full at the directory's full size, so the later groups are
    seldom even built. SQLite (the quick start) reads each ranked part on its own, as it
    slices no part of a union.
    """
    base, groups = candidates.base(), candidates.groups()
    by_part: dict[int, dict[int, list]] = {}
    collect(
        by_part,
        ranked_rows(
            [
                ranked_group(base, part, condition, 0, groups[0], depth)
                for part, (condition, depth) in enumerate(questions)
            ]
        ),
    )
    short = [
        ranked_group(base, part, condition, number, group, depth)
        for part, (condition, depth) in enumerate(questions)
        if len(by_part.get(part, {}).get(0, ())) < depth
        for number, group in enumerate(groups[1:], start=1)
    ]
    collect(by_part, ranked_rows(short))
    return [
        [
            Ranked(pk, name, slug, country, in_ecosystem, in_region)
            for pk, _part, _group, in_ecosystem, in_region, name, slug, country in merged(
                by_part.get(part, {}), depth
            )
        ]
        for part, (_condition, depth) in enumerate(questions)
    ]


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


COLUMNS = ("pk", "part", "group", "in_ecosystem", "in_region", "name", "slug", "country")


def ranked_group(base, part: int, condition: Q, number: int, group: tuple, need: int):
    """Group ``number`` of the ranking (``Candidates.groups()``) of the organisations of
    ``base`` that meet ``condition`` (the rule at ``part``), ordered and sliced alone, as rows
    of ``COLUMNS``."""
    where, in_ecosystem, in_region, rows = group
    return (
        base.filter(condition, where)
        .annotate(
            part=Value(part), group=Value(number), in_ecosystem=in_ecosystem, in_region=in_region
        )
        .order_by("-in_region", "name", "pk")
        .values_list(*COLUMNS)[: rows * need]
    )


def ranked_rows(parts: list) -> list:
    """The rows of ``parts`` (``ranked_group()``'s), by rule, group and the groups' order."""
    return sliced_union(parts, "part", "group", "-in_region", "name", "pk")


def collect(by_part: dict[int, dict[int, list]], rows) -> None:
    """File each row under its part (the rule) and its group."""
    for row in rows:
        by_part.setdefault(row[1], {}).setdefault(row[2], []).append(row)


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
