"""Loading the alliance sections of the portal's data files: programme countries, calls,
alliances, and the members public sources name (``members.json``).

Same rules as the rest of the file (``partnerships.services``): matched by slug or code,
validated, saved only where something differs, all or nothing with the rest of the load.
"""

import datetime
from typing import Any

from core.models import PublicationStatus
from partnerships.models import Membership, Organisation, Partnership
from partnerships.services import (
    LoadReport,
    PactDataError,
    PactDataLoader,
    load_sections,
    partial_date,
)

from .models import Alliance, AllianceMember, FundingCall, MemberCount, ProgrammeCountry

MEMBERS_FORMAT_VERSION = 1


def alliance_data_load(*, data: dict[str, Any], report: LoadReport) -> LoadReport:
    loader = AllianceDataLoader(report)
    load_sections(
        data,
        [
            ("programme_countries", loader.programme_country),
            ("funding_calls", loader.funding_call),
            ("alliances", loader.alliance),
        ],
    )
    return report


def members_data_load(*, data: dict[str, Any], report: LoadReport) -> LoadReport:
    """Load the members public sources name, after the main file (whose records it names)."""
    if not isinstance(data, dict) or data.get("format_version") != MEMBERS_FORMAT_VERSION:
        raise PactDataError(
            f"The members file must be an object with format_version {MEMBERS_FORMAT_VERSION}."
        )
    loader = AllianceDataLoader(report)
    load_sections(
        data,
        [
            ("organisations", loader.organisation),
            ("memberships", loader.membership),
            ("alliance_members", loader.alliance_member),
            ("member_counts", loader.member_count),
        ],
    )
    return report


def partial_date_fields(name: str, value: str | None) -> dict[str, Any]:
    date = partial_date(value)
    return {name: date.date if date else None, f"{name}_precision": date.precision if date else ""}


class AllianceDataLoader(PactDataLoader):
    def programme_country(self, record: dict) -> None:
        self.upsert(
            ProgrammeCountry,
            {"country_id": self.country_code(record["code"])},
            {"status": record["status"], "source_url": record["source_url"]},
        )

    def funding_call(self, record: dict) -> None:
        # The file gives the deadline as Brussels wall-clock time, or the day alone.
        deadline = record["deadline"]
        moment = datetime.datetime.fromisoformat(deadline) if deadline else None
        self.upsert(
            FundingCall,
            {"slug": record["slug"]},
            {
                "year": record["year"],
                "identifier": record["identifier"],
                "programme": record["programme"],
                "title": record["title"],
                "lot": record["lot"],
                "summary": record["summary"],
                "opens_on": datetime.date.fromisoformat(record["opens_on"])
                if record["opens_on"]
                else None,
                "deadline": moment.date() if moment else None,
                "deadline_time": moment.time() if moment and "T" in deadline else None,
                "budget_eur": record["budget_eur"],
                "expected_projects": record["expected_projects"],
                "max_grant_eur": record["max_grant_eur"],
                "duration_months": record["duration_months"],
                "activities": "\n".join(record["activities"]),
                "rules": record["rules"],
                "one_alliance_per_ecosystem": record["one_alliance_per_ecosystem"],
                "source_url": record["source_url"],
            },
        )

    def alliance(self, record: dict) -> None:
        call = self.lookup(FundingCall, record["call"]).pk if record["call"] else None
        alliance = self.upsert(
            Alliance,
            {"slug": record["slug"]},
            {
                "acronym": record["acronym"],
                "name": record["name"],
                "ecosystem_id": self.ecosystem_id(record["ecosystem"])
                if record["ecosystem"]
                else None,
                "call_id": call,
                "programme_strand": record["programme_strand"],
                "project_number": record["project_number"],
                **partial_date_fields("starts_on", record["starts"]),
                **partial_date_fields("ends_on", record["ends"]),
                "duration_months": record["duration_months"],
                "reported_status": record["reported_status"],
                "reported_status_source_url": record["reported_status_source_url"],
                "eu_grant_eur": record["eu_grant_eur"],
                "reported_partners": record["reported_partners"],
                "reported_countries": record["reported_countries"],
                "coordinator_name": record["coordinator_name"],
                "source_url": record["source_url"],
                "status": PublicationStatus.PUBLISHED,
            },
        )
        self.sync_links(
            alliance,
            "supported_partnerships",
            {self.lookup(Partnership, slug).pk for slug in record["supports"]},
        )

    def membership(self, record: dict) -> None:
        self.upsert(
            Membership,
            {
                "partnership": self.lookup(Partnership, record["partnership"]),
                "organisation": self.lookup(Organisation, record["organisation"]),
            },
            {
                "role": record["role"],
                **partial_date_fields("named_on", record["named"]),
                "source_url": record["source_url"],
            },
        )

    def alliance_member(self, record: dict) -> None:
        self.upsert(
            AllianceMember,
            {
                "alliance": self.lookup(Alliance, record["alliance"]),
                "organisation": self.lookup(Organisation, record["organisation"]),
            },
            {
                "role": record["role"],
                **partial_date_fields("named_on", record["named"]),
                "source_url": record["source_url"],
            },
        )

    def member_count(self, record: dict) -> None:
        partnership, alliance = record.get("partnership"), record.get("alliance")
        self.upsert(
            MemberCount,
            {
                "partnership": self.lookup(Partnership, partnership) if partnership else None,
                "alliance": self.lookup(Alliance, alliance) if alliance else None,
                "source_url": record["source_url"],
                "count": record["count"],
                "unit": record["unit"],
            },
            {
                "qualifier": record["qualifier"],
                "countries": record["countries"],
                **partial_date_fields("as_of", record["as_of"]),
            },
        )
