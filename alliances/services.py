"""Loading the alliance sections of the portal's data file: programme countries, calls, alliances.

Same rules as the rest of the file (``partnerships.services``): matched by slug or code,
validated, saved only where something differs, all or nothing with the rest of the load.
"""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.models import PublicationStatus
from partnerships.services import LoadReport, PactDataLoader, load_sections, partial_date

from .models import Alliance, FundingCall, ProgrammeCountry

BRUSSELS = ZoneInfo("Europe/Brussels")


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


class AllianceDataLoader(PactDataLoader):
    def programme_country(self, record: dict) -> None:
        self.upsert(
            ProgrammeCountry,
            {"country_id": self.country_code(record["code"])},
            {"status": record["status"], "source_url": record["source_url"]},
        )

    def funding_call(self, record: dict) -> None:
        # The file gives the deadline as Brussels wall-clock time.
        deadline = datetime.datetime.fromisoformat(record["deadline"]).replace(tzinfo=BRUSSELS)
        self.upsert(
            FundingCall,
            {"slug": record["slug"]},
            {
                "identifier": record["identifier"],
                "programme": record["programme"],
                "title": record["title"],
                "lot": record["lot"],
                "opens_on": datetime.date.fromisoformat(record["opens_on"]),
                "deadline": deadline,
                "max_grant_eur": record["max_grant_eur"],
                "duration_months": record["duration_months"],
                "activities": "\n".join(record["activities"]),
                "rules": record["rules"],
                "source_url": record["source_url"],
            },
        )

    def alliance(self, record: dict) -> None:
        starts, ends = partial_date(record["starts"]), partial_date(record["ends"])
        call = self.lookup(FundingCall, record["call"]).pk if record.get("call") else None
        self.upsert(
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
                "project_status": record["project_status"],
                "starts_on": starts.date if starts else None,
                "starts_on_precision": starts.precision if starts else "",
                "ends_on": ends.date if ends else None,
                "ends_on_precision": ends.precision if ends else "",
                "eu_grant_eur": record["eu_grant_eur"],
                "reported_partners": record["reported_partners"],
                "reported_countries": record["reported_countries"],
                "coordinator_name": record["coordinator_name"],
                "source_url": record["source_url"],
                "status": PublicationStatus.PUBLISHED,
            },
        )
