"""The consortium eligibility checker: pure functions, no database, no I/O.

A funding call's composition rules are data (``CallRules``), so a later call with other
numbers needs no code change. ``check_consortium()`` takes the rules, the members and the set
of programme countries, and says for every rule what is required, what the consortium has,
whether it passes, and which members caused a failure. Where the call leaves a case open, the
rule carries the portal's decision, shown to the user next to the result.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

from partnerships.models import OrganisationCategory, OrganisationType, category_of


class Role:
    COORDINATOR = "coordinator"
    FULL_PARTNER = "full_partner"
    AFFILIATED_ENTITY = "affiliated_entity"
    ASSOCIATED_PARTNER = "associated_partner"

    CHOICES = [
        (COORDINATOR, "Coordinator"),
        (FULL_PARTNER, "Full partner"),
        (AFFILIATED_ENTITY, "Affiliated entity"),
        (ASSOCIATED_PARTNER, "Associated partner"),
    ]
    # The coordinator is a full partner too; only these count toward the minimums.
    COUNTED = frozenset({COORDINATOR, FULL_PARTNER})
    # Associated partners receive no funding and are not beneficiaries, so the charter
    # condition, which is about participating institutions, does not reach them.
    BOUND_BY_ECHE = frozenset({COORDINATOR, FULL_PARTNER, AFFILIATED_ENTITY})


@dataclass(frozen=True)
class CallRules:
    """The composition rules of one call, as stored on it."""

    min_programme_countries: int = 0
    min_full_partners: int = 0
    min_labour_market_actors: int = 0
    min_education_training_providers: int = 0
    require_hei: bool = False
    require_vet_provider: bool = False
    eche_required_in_programme_countries: bool = False

    @classmethod
    def from_dict(cls, data: dict) -> "CallRules":
        """Rules from stored data; unknown keys or wrong types raise ``ValueError``."""
        if not isinstance(data, dict):
            raise ValueError("The rules must be an object of named values.")
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"Unknown rules: {', '.join(unknown)}.")
        for name, value in data.items():
            wanted = bool if known[name] in (bool, "bool") else int
            if type(value) is not wanted or (wanted is int and value < 0):
                kind = "true or false" if wanted is bool else "a whole number, 0 or more"
                raise ValueError(f"The rule “{name}” must be {kind}.")
        return cls(**data)


@dataclass(frozen=True)
class Member:
    name: str
    country: str | None
    type: str
    eche: bool
    role: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str
    required: str
    actual: str
    passed: bool
    culprits: tuple[str, ...] = ()
    decision: str = ""


@dataclass(frozen=True)
class Report:
    results: tuple[RuleResult, ...]
    counted: tuple[str, ...] = field(default=())
    not_counted: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if not result.passed)


def _names(members: Iterable[Member]) -> tuple[str, ...]:
    return tuple(sorted(member.label for member in members))


LABOUR_MARKET_DECISION = (
    "Counted as labour-market actors: enterprises of any size (social enterprises included), "
    "chambers, social partners, sectoral associations and sector skills councils, which "
    "employers lead."
)
EDUCATION_DECISION = (
    "Counted as education and training providers: higher education institutions, VET "
    "providers and networks of VET providers."
)
VET_DECISION = (
    "Only a VET provider itself meets this rule; a network of VET providers counts as an "
    "education and training provider but not as the required VET provider."
)
ECHE_DECISION = (
    "Applies to higher education institutions established in a programme country that are "
    "coordinator, full partner or affiliated entity; associated partners receive no funding "
    "and are not bound by it; institutions in other countries need no charter."
)
COUNTRY_DECISION = (
    "Only the coordinator's and full partners' countries count, and only programme countries; "
    "a full partner elsewhere counts as a partner but adds no country."
)


def check_consortium(
    rules: CallRules, members: Sequence[Member], programme_countries: Iterable[str]
) -> Report:
    """Check a consortium against a call's rules; the same input always gives the same report."""
    programme = frozenset(programme_countries)
    ordered = sorted(members, key=lambda m: (m.role, m.name, m.country or "", m.type))
    counted = [m for m in ordered if m.role in Role.COUNTED]
    not_counted = [m for m in ordered if m.role not in Role.COUNTED]
    results = []

    coordinators = [m for m in ordered if m.role == Role.COORDINATOR]
    results.append(
        RuleResult(
            rule="one_coordinator",
            title="One coordinator",
            required="exactly 1",
            actual=str(len(coordinators)),
            passed=len(coordinators) == 1,
            culprits=_names(coordinators) if len(coordinators) > 1 else (),
        )
    )

    countries = sorted({m.country for m in counted if m.country in programme})
    outside = [m for m in counted if m.country not in programme]
    results.append(
        RuleResult(
            rule="min_programme_countries",
            title="Programme countries",
            required=f"at least {rules.min_programme_countries}",
            actual=f"{len(countries)}" + (f" ({', '.join(countries)})" if countries else ""),
            passed=len(countries) >= rules.min_programme_countries,
            culprits=tuple(
                f"{m.label} is not in a programme country: counted as a partner, not as a country"
                for m in sorted(outside, key=lambda m: m.label)
            ),
            decision=COUNTRY_DECISION,
        )
    )

    results.append(
        RuleResult(
            rule="min_full_partners",
            title="Full partners (the coordinator included)",
            required=f"at least {rules.min_full_partners}",
            actual=str(len(counted)),
            passed=len(counted) >= rules.min_full_partners,
            decision="Affiliated entities and associated partners are listed but not counted.",
        )
    )

    for rule, title, category, minimum, decision in [
        (
            "min_labour_market_actors",
            "Labour-market actors among the full partners",
            OrganisationCategory.LABOUR_MARKET,
            rules.min_labour_market_actors,
            LABOUR_MARKET_DECISION,
        ),
        (
            "min_education_training_providers",
            "Education and training providers among the full partners",
            OrganisationCategory.EDUCATION_TRAINING,
            rules.min_education_training_providers,
            EDUCATION_DECISION,
        ),
    ]:
        found = [m for m in counted if category_of(m.type) == category]
        results.append(
            RuleResult(
                rule=rule,
                title=title,
                required=f"at least {minimum}",
                actual=str(len(found)),
                passed=len(found) >= minimum,
                decision=decision,
            )
        )

    if rules.require_hei:
        heis = [m for m in counted if m.type == OrganisationType.HEI]
        results.append(
            RuleResult(
                rule="require_hei",
                title="A higher education institution as full partner",
                required="at least 1",
                actual=str(len(heis)),
                passed=bool(heis),
            )
        )
    if rules.require_vet_provider:
        vets = [m for m in counted if m.type == OrganisationType.VET_PROVIDER]
        results.append(
            RuleResult(
                rule="require_vet_provider",
                title="A VET provider as full partner",
                required="at least 1",
                actual=str(len(vets)),
                passed=bool(vets),
                decision=VET_DECISION,
            )
        )
    if rules.eche_required_in_programme_countries:
        missing = [
            m
            for m in ordered
            if m.type == OrganisationType.HEI
            and m.role in Role.BOUND_BY_ECHE
            and m.country in programme
            and not m.eche
        ]
        results.append(
            RuleResult(
                rule="eche_required_in_programme_countries",
                title="Erasmus Charter for Higher Education (ECHE)",
                required="every higher education institution in a programme country holds one",
                actual=f"{len(missing)} without" if missing else "all hold one",
                passed=not missing,
                culprits=tuple(
                    f"{m.label} is a higher education institution without an ECHE"
                    for m in sorted(missing, key=lambda m: m.label)
                ),
                decision=ECHE_DECISION,
            )
        )
    return Report(results=tuple(results), counted=_names(counted), not_counted=_names(not_counted))
