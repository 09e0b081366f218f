"""Loading the official figures of the portal's data file.

Same rules as the rest of the file (``partnerships.services``): matched by slug, validated,
saved only where something differs, all or nothing with the rest of the load.
"""

from typing import Any

from partnerships.services import LoadReport, PactDataLoader, load_sections, partial_date

from .models import OfficialFigure


def figure_data_load(*, data: dict[str, Any], report: LoadReport) -> LoadReport:
    load_sections(data, [("official_figures", FigureDataLoader(report).official_figure)])
    return report


class FigureDataLoader(PactDataLoader):
    def official_figure(self, record: dict) -> None:
        stated = partial_date(record["date"])
        if stated is None:
            raise ValueError("date: an official figure needs the date it was stated")
        self.upsert(
            OfficialFigure,
            {"slug": record["slug"]},
            {
                "metric": record["metric"],
                "value": record["value"],
                "unit": record.get("unit") or "",
                "qualifier": record.get("qualifier") or "",
                "statement": record.get("statement") or "",
                "stated_on": stated.date,
                "stated_on_precision": stated.precision,
                "period_start": record.get("period_start"),
                "period_end": record.get("period_end"),
                "publisher": record["publisher"],
                "source_url": record["source_url"],
                "source_title": record.get("source_title") or "",
                "note": record.get("note") or "",
                "confidence": record.get("confidence") or "confirmed",
                "confidence_note": record.get("confidence_note") or "",
            },
        )
