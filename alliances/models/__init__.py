"""The alliances app's models, one module per concept."""

from .alliances import Alliance, AllianceMember, AllianceQuerySet, Assessment
from .calls import CallState, FundingCall, FundingCallQuerySet, ProgrammeCountry
from .counts import MemberCount, MemberCountQualifier, MemberCountUnit
from .involvement import Involvement

__all__ = [
    "Alliance",
    "AllianceMember",
    "AllianceQuerySet",
    "Assessment",
    "CallState",
    "FundingCall",
    "FundingCallQuerySet",
    "Involvement",
    "MemberCount",
    "MemberCountQualifier",
    "MemberCountUnit",
    "ProgrammeCountry",
]
