"""The consortium eligibility checker: pure functions, no database, no I/O.

A funding call's composition rules are data (``CallRules``), so a later call with other
numbers needs no code change. ``check_consortium()`` takes the rules, the members and the set
of programme countries, and says for every rule what is required, what the consortium has,
whether it passes, and which members caused a failure. Where the call leaves a case open, the
rule carries the portal's decision, shown to the user next to the result.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships.models import OrganisationCategory, OrganisationType, category_of


class Role:
    COORDINATOR = "coordinator"
    FULL_PARTNER = "full_partner"
    AFFILIATED_ENTITY = "affiliated_entity"
    ASSOCIATED_PARTNER = "associated_partner"
    # A source names the organisation as a partner without saying which kind.
    PARTNER = "partner"

    CHOICES = [
        (COORDINATOR, gettext_lazy("Coordinator")),
        (FULL_PARTNER, gettext_lazy("Full partner")),
        (AFFILIATED_ENTITY, gettext_lazy("Affiliated entity")),
        (ASSOCIATED_PARTNER, gettext_lazy("Associated partner")),
    ]
    # A recorded consortium may hold partners of unstated kind; a consortium being checked
    # may not, since each rule depends on the kind.
    RECORDED_CHOICES = [*CHOICES, (PARTNER, gettext_lazy("Partner (kind not stated)"))]
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
            raise ValueError(_("The rules must be an object of named values."))
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(_("Unknown rules: %(names)s.") % {"names": ", ".join(unknown)})
        for name, value in data.items():
            wanted = bool if known[name] in (bool, "bool") else int
            if type(value) is not wanted or (wanted is int and value < 0):
                message = (
                    _("The rule “%(name)s” must be true or false.")
                    if wanted is bool
                    else _("The rule “%(name)s” must be a whole number, 0 or more.")
                )
                raise ValueError(message % {"name": name})
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


LABOUR_MARKET_DECISION = gettext_lazy(
    "Counted as labour-market actors: enterprises of any size (social enterprises included), "
    "chambers, social partners, sectoral associations and sector skills councils, which "
    "employers lead."
)
EDUCATION_DECISION = gettext_lazy(
    "Counted as education and training providers: higher education institutions, VET "
    "providers and networks of VET providers."
)
VET_DECISION = gettext_lazy(
    "Only a VET provider itself meets this rule; a network of VET providers counts as an "
    "education and training provider but not as the required VET provider."
)
ECHE_DECISION = gettext_lazy(
    "Applies to higher education institutions established in a programme country that are "
    "coordinator, full partner or affiliated entity; associated partners receive no funding "
    "and are not bound by it; institutions in other countries need no charter."
)
COUNTRY_DECISION = gettext_lazy(
    "Only the coordinator's and full partners' countries count, and only programme countries; "
    "a full partner elsewhere counts as a partner but adds no country."
)


def at_least(minimum: int) -> str:
    return _("at least %(n)s") % {"n": minimum}


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
            title=_("One coordinator"),
            required=_("exactly 1"),
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
            title=_("Programme countries"),
            required=at_least(rules.min_programme_countries),
            actual=f"{len(countries)}" + (f" ({', '.join(countries)})" if countries else ""),
            passed=len(countries) >= rules.min_programme_countries,
            culprits=tuple(
                _(
                    "%(member)s is not in a programme country: counted as a partner, not as a "
                    "country"
                )
                % {"member": m.label}
                for m in sorted(outside, key=lambda m: m.label)
            ),
            decision=str(COUNTRY_DECISION),
        )
    )

    results.append(
        RuleResult(
            rule="min_full_partners",
            title=_("Full partners (the coordinator included)"),
            required=at_least(rules.min_full_partners),
            actual=str(len(counted)),
            passed=len(counted) >= rules.min_full_partners,
            decision=_("Affiliated entities and associated partners are listed but not counted."),
        )
    )

    for rule, title, category, minimum, decision in [
        (
            "min_labour_market_actors",
            gettext_lazy("Labour-market actors among the full partners"),
            OrganisationCategory.LABOUR_MARKET,
            rules.min_labour_market_actors,
            LABOUR_MARKET_DECISION,
        ),
        (
            "min_education_training_providers",
            gettext_lazy("Education and training providers among the full partners"),
            OrganisationCategory.EDUCATION_TRAINING,
            rules.min_education_training_providers,
            EDUCATION_DECISION,
        ),
    ]:
        found = [m for m in counted if category_of(m.type) == category]
        results.append(
            RuleResult(
                rule=rule,
                title=str(title),
                required=at_least(minimum),
                actual=str(len(found)),
                passed=len(found) >= minimum,
                decision=str(decision),
            )
        )

    if rules.require_hei:
        heis = [m for m in counted if m.type == OrganisationType.HEI]
        results.append(
            RuleResult(
                rule="require_hei",
                title=_("A higher education institution as full partner"),
                required=at_least(1),
                actual=str(len(heis)),
                passed=bool(heis),
            )
        )
    if rules.require_vet_provider:
        vets = [m for m in counted if m.type == OrganisationType.VET_PROVIDER]
        results.append(
            RuleResult(
                rule="require_vet_provider",
                title=_("A VET provider as full partner"),
                required=at_least(1),
                actual=str(len(vets)),
                passed=bool(vets),
                decision=str(VET_DECISION),
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
                title=_("Erasmus Charter for Higher Education (ECHE)"),
                required=_("every higher education institution in a programme country holds one"),
                actual=_("%(n)s without") % {"n": len(missing)} if missing else _("all hold one"),
                passed=not missing,
                culprits=tuple(
                    _("%(member)s is a higher education institution without an ECHE")
                    % {"member": m.label}
                    for m in sorted(missing, key=lambda m: m.label)
                ),
                decision=str(ECHE_DECISION),
            )
        )
    return Report(results=tuple(results), counted=_names(counted), not_counted=_names(not_counted))
