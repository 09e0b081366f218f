"""Who could fill a consortium's gaps: for each rule a checked consortium fails, published
organisations of the directory that would make it pass.

Pure query logic, shared by the checker page and the API. Every rule's page of suggestions
comes from one query at any size of the directory (a ``UNION ALL`` of one ranked, sliced
part per failed rule), their totals from another (one filtered count per rule), and a third
loads the organisations shown. Candidates are from programme countries only (only those count toward
the country rule, and the call's other rules are read for them), never already in the
consortium, and never an institution that would break the charter rule by joining. Those
already active in the alliance's ecosystem come first (members of its published large-scale
partnerships or of its published alliances), then those established in a region where a
member of the consortium is, then by name.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils.translation import gettext as _

from core.models import PublicationStatus
from partnerships.models import (
    Membership,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    Partnership,
    category_of,
)

from .eligibility import CallRules, Member, Report, Role
from .models import AllianceMember

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# The ranking: in the ecosystem, then in a consortium's region, then the directory's order.
RANKING = ("-in_ecosystem", "-in_region", "name", "pk")


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    reason: str
    in_ecosystem: bool
    in_region: bool


@dataclass(frozen=True)
class RuleSuggestions:
    """One failed rule's page of suggestions; ``total`` is how many the directory has."""

    rule: str
    title: str
    reason: str
    suggestions: tuple[Suggestion, ...]
    total: int
    page: int
    page_size: int

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page * self.page_size < self.total else None


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
    partnerships or of its published alliances."""
    partnership_members = Membership.objects.filter(
        partnership__status=PublicationStatus.PUBLISHED,
        partnership__kind=Partnership.Kind.LARGE_SCALE,
        partnership__ecosystem=ecosystem,
    ).values("organisation")
    alliance_members = AllianceMember.objects.filter(
        alliance__status=PublicationStatus.PUBLISHED, alliance__ecosystem=ecosystem
    ).values("organisation")
    return Q(pk__in=partnership_members) | Q(pk__in=alliance_members)


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
    number (1 when not given). Three queries whatever the number of rules and organisations
    (the pages, their totals, the organisations shown); none when every rule passes.
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
    ranked = base.annotate(
        in_ecosystem=flag(active_in(ecosystem) if ecosystem is not None else None),
        in_region=flag(Q(region__in=regions) if directory_members else None),
    )
    wanted_rules, parts, counts = [], [], {}
    for index, result in enumerate(report.failures):
        found = wanted(result.rule, rules, members, programme)
        if found is None:
            continue
        condition, reason = found
        page = max(pages.get(result.rule, 1), 1)
        offset = (page - 1) * page_size
        wanted_rules.append((index, result, reason, page))
        counts[f"rule_{index}"] = Count("pk", filter=condition or None)
        # Ordered and sliced alone, so PostgreSQL keeps only the best rows of each part
        # (a top-N sort), never sorting every candidate.
        parts.append(
            ranked.filter(condition)
            .annotate(part=Value(index))
            .order_by(*RANKING)
            .values_list("pk", "part", "in_ecosystem", "in_region", "name")[
                offset : offset + page_size
            ]
        )
    if not parts:
        return []
    if len(parts) > 1:
        # Each part's order is its own: the union is ordered again (a few dozen rows).
        rows = list(parts[0].union(*parts[1:], all=True).order_by("part", *RANKING))
    else:
        rows = list(parts[0])
    totals = base.aggregate(**counts)
    organisations = Organisation.objects.select_related("country", "region").in_bulk(
        [row[0] for row in rows]
    )
    by_part: dict[int, list] = {}
    for row in rows:
        by_part.setdefault(row[1], []).append(row)
    answer = []
    for index, result, reason, page in wanted_rules:
        found = by_part.get(index, [])
        answer.append(
            RuleSuggestions(
                rule=result.rule,
                title=result.title,
                reason=reason,
                suggestions=tuple(
                    Suggestion(organisations[pk], reason, bool(ecosystem_flag), bool(region_flag))
                    for pk, _part, ecosystem_flag, region_flag, _name in found
                ),
                total=totals[f"rule_{index}"],
                page=page,
                page_size=page_size,
            )
        )
    return answer
