"""Which partnerships fit an organisation: those it is in, and those it could join.

Pure query logic, shared by the matcher page and the API; published records only, nothing
stored. Could join: the regional partnerships covering its NUTS region (or, without one,
those working in its country), the large-scale partnership of each of its ecosystems and
the alliances of those ecosystems, the first ``SHOWN`` of each kind, with where to find the
rest. Five queries at most, whatever the sizes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosystems.models import Ecosystem
from partnerships.models import (
    Country,
    NutsRegion,
    Organisation,
    OrganisationCategory,
    Partnership,
    category_of,
)

from .models import Alliance

# Of each kind the organisation could join, this many are listed; the lists give the rest.
SHOWN = 20


class FitKind(models.TextChoices):
    REGIONAL = "regional", gettext_lazy("Regional partnership")
    LARGE_SCALE = "large-scale", gettext_lazy("Large-scale partnership")
    ALLIANCE = "alliance", gettext_lazy("Erasmus+ Blueprint alliance")


@dataclass(frozen=True)
class Fit:
    kind: str
    record: Partnership | Alliance
    reason: str

    @property
    def kind_label(self) -> str:
        return FitKind(self.kind).label


@dataclass(frozen=True)
class Matches:
    organisation: Organisation | None
    country: Country | None
    region: NutsRegion | None
    type: str
    ecosystems: Sequence[Ecosystem]
    member_of: list[Fit] = field(default_factory=list)
    could_join: list[Fit] = field(default_factory=list)
    # Where the rest of each kind cut at ``SHOWN`` is listed: (kind label, link) pairs.
    more: list[tuple[str, str]] = field(default_factory=list)


def kind_of(partnership: Partnership) -> str:
    if partnership.kind == Partnership.Kind.LARGE_SCALE:
        return FitKind.LARGE_SCALE
    return FitKind.REGIONAL


def match(
    *,
    organisation: Organisation | None = None,
    country: Country | None = None,
    region: NutsRegion | None = None,
    type: str = "",
    ecosystems: Sequence[Ecosystem] = (),
) -> Matches:
    """What fits: ``organisation`` (a published one, found by its PIC) gives its own country,
    region, type and, where none are given, the ecosystems of what it is in."""
    partnerships = Partnership.objects.published().select_related("ecosystem")
    alliances = Alliance.objects.published().select_related("ecosystem")
    member_of, known = [], set()
    ecosystems = list(ecosystems)
    if organisation is not None:
        country = country or organisation.country
        region = region or organisation.region
        type = type or organisation.type
        for partnership in partnerships.filter(memberships__organisation=organisation):
            member_of.append(Fit(kind_of(partnership), partnership, _("A member")))
            known.add(("partnership", partnership.pk))
        for alliance in alliances.filter(members__organisation=organisation).distinct():
            member_of.append(Fit(FitKind.ALLIANCE, alliance, _("In its consortium")))
            known.add(("alliance", alliance.pk))
        if not ecosystems:
            found = {fit.record.ecosystem for fit in member_of if fit.record.ecosystem_id}
            ecosystems = sorted(found, key=lambda ecosystem: ecosystem.pk)

    could_join, more = [], []
    regional = partnerships.regional()
    if region is not None:
        regional = regional.covering([region.code])
        reason = _("Covers %(region)s, where the organisation is") % {"region": region}
        rest = {"kind": Partnership.Kind.REGIONAL, "region": region.code}
    elif country is not None:
        regional = regional.in_country(country)
        reason = _("Works in %(country)s") % {"country": country}
        rest = {"kind": Partnership.Kind.REGIONAL, "country": country.code}
    else:
        regional = regional.none()
    fits = [
        Fit(FitKind.REGIONAL, partnership, reason)
        for partnership in regional[: SHOWN + len(known) + 1]
        if ("partnership", partnership.pk) not in known
    ]
    could_join += fits[:SHOWN]
    if len(fits) > SHOWN:
        more.append((FitKind.REGIONAL.label, f"{reverse('partnerships:list')}?{urlencode(rest)}"))
    if ecosystems:
        fits = [
            Fit(
                FitKind.LARGE_SCALE,
                partnership,
                _("The large-scale partnership of %(ecosystem)s")
                % {"ecosystem": partnership.ecosystem.name},
            )
            for partnership in partnerships.large_scale().filter(ecosystem__in=ecosystems)[
                : SHOWN + len(known) + 1
            ]
            if ("partnership", partnership.pk) not in known
        ]
        could_join += fits[:SHOWN]
        cut = len(fits) > SHOWN
        counts_as = {
            OrganisationCategory.LABOUR_MARKET: _(
                "; its consortium counts the organisation as a labour-market actor"
            ),
            OrganisationCategory.EDUCATION_TRAINING: _(
                "; its consortium counts the organisation as an education and training provider"
            ),
        }.get(category_of(type), "")
        fits = [
            Fit(
                FitKind.ALLIANCE,
                alliance,
                _("An alliance of %(ecosystem)s") % {"ecosystem": alliance.ecosystem.name}
                + counts_as,
            )
            for alliance in alliances.filter(ecosystem__in=ecosystems)[: SHOWN + len(known) + 1]
            if ("alliance", alliance.pk) not in known
        ]
        could_join += fits[:SHOWN]
        if cut or len(fits) > SHOWN:
            # Each ecosystem's page lists its partnerships and alliances.
            more += [(str(e), e.get_absolute_url()) for e in ecosystems]
    return Matches(organisation, country, region, type, ecosystems, member_of, could_join, more)
