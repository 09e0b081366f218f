"""The commitment tracker: pledges against reports, per partnership, on the day shown."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import PublicationStatus
from partnerships.commitments import RULE, Status, add_months, standing
from partnerships.models import Commitment, ProgressReport
from tests.factories import PartnershipFactory


def pledge(partnership, slug, **values):
    defaults = {
        "amount": Decimal(100000),
        "unit": Commitment.Unit.PEOPLE,
        "basis": Commitment.Basis.TOTAL,
        "baseline_year": 2021,
        "target_year": 2030,
        "statement_en": "Upskill 100,000 workers of the sector by 2030.",
        "source_url": "https://example.eu/pledge",
    }
    return Commitment.objects.create(partnership=partnership, slug=slug, **{**defaults, **values})


def report(commitment, year, value, reported_on):
    return ProgressReport.objects.create(
        commitment=commitment,
        year=year,
        value=Decimal(value),
        kind=ProgressReport.Kind.CUMULATIVE,
        source_url=f"https://example.eu/report-{year}",
        reported_on=reported_on,
    )


def series_of(reports) -> list[tuple[int, int]]:
    return [(r["year"], r["value"]) for r in reports]


def test_a_pledge_on_track_reads_the_same_on_the_page_in_the_chart_csv_and_api(
    db, client, no_page_cache
):
    today = timezone.localdate()
    partnership = PartnershipFactory(slug="maritime-skills", name="Maritime Skills")
    commitment = pledge(partnership, "maritime-100k")
    report(commitment, 2023, 20000, today - datetime.timedelta(days=400))
    last = report(commitment, 2024, 45000, today - datetime.timedelta(days=30))

    # The status, its reason and the rule, as the partnership's page states them.
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "On track" in page and str(RULE) in page
    assert "45,000 people reported up to 2024 are at or above the 33,333 people" in page
    # The chart's dots and the table's "reported" column hold the same figures.
    svg, rest = page.split('id="progress-title"')[1].split("</svg>", 1)
    table = rest.split("</table>")[0]
    dots = re.findall(r'<text class="chart__value"[^>]*>([\d.]+)</text>', svg)
    cells = re.findall(r'rel="external">([\d,]+)</a> <span class="facts__note">', table)
    assert dots == ["20000", "45000"]
    assert [c.replace(",", "") for c in cells] == dots
    assert "<polyline" in svg  # the pledged path from 2021 to 2030

    # The API and its CSV, the tracker's own and the partnership's, give the same series.
    api = client.get(reverse("api:commitment-list")).json()["results"]
    assert [(c["slug"], c["status"]) for c in api] == [("maritime-100k", "on-track")]
    assert series_of(api[0]["reports"]) == [(2023, 20000), (2024, 45000)]
    own = client.get(reverse("api:partnership-commitments", args=[partnership.slug])).json()
    assert own == api
    rows = list(csv.DictReader(io.StringIO(client.get(page_csv(client)).content.decode())))
    assert [row["slug"] for row in rows] == ["maritime-100k"]
    assert [
        (int(year), int(value.split()[0]))
        for year, value in (cell.split("=") for cell in rows[0]["reports"].split(";"))
    ] == series_of(api[0]["reports"])

    # Twelve months after the last report it turns amber, after 24 red: the day moves on.
    commitment = Commitment.objects.prefetch_related("reports").get()
    later = add_months(last.reported_on, 12)
    assert standing(commitment, later - datetime.timedelta(days=1)).status == Status.ON_TRACK
    amber = standing(commitment, later)
    assert amber.status == Status.OVERDUE_AMBER and "more than 12 months" in amber.reason
    assert standing(commitment, add_months(last.reported_on, 24)).status == Status.OVERDUE_RED

    # The tracker and its API read a fixed number of queries, however many commitments.
    def tracker_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("partnerships:commitments"), {"ordering": "status"})
            client.get(reverse("api:commitment-list"), {"status": "on-track"})
        return len(queries)

    few = tracker_queries()
    for n in range(3):
        more = pledge(PartnershipFactory(), f"more-{n}")
        report(more, 2024, 100 + n, today)
    assert tracker_queries() == few


def page_csv(client) -> str:
    """The tracker page's own CSV link."""
    page = client.get(reverse("partnerships:commitments")).content.decode()
    return re.search(r'<a href="([^"]+)" download>', page).group(1).replace("&amp;", "&")


def test_the_tracker_lists_every_loaded_commitment_with_its_source(pact_data, client):
    page = client.get(reverse("partnerships:commitments")).content.decode()
    loaded = Commitment.objects.select_related("partnership")
    assert loaded.count() >= 10
    for commitment in loaded:
        assert escape(commitment.partnership.name) in page
        assert escape(commitment.source_url) in page
    # None has a report in the data: "no report yet", never a zero.
    assert page.count("No report yet") >= loaded.count()
    assert not ProgressReport.objects.exists()
    # A yearly share is not a total, and the units stay apart.
    share = loaded.get(slug="tclf-workforce-share")
    assert (share.unit, share.basis, share.target_year) == ("workforce-percent", "each-year", 2030)

    # The Pact's own series on the figures page: each official figure as stated, none summed.
    figures = client.get(reverse("figures:index")).content.decode()
    trained = figures.split('id="series-people-trained-heading"')[1].split("</section>")[0]
    assert [v.replace(",", "") for v in re.findall(r"([\d,]{9})</t", trained)] == [
        "2000000",
        "3500000",
        "6100000",
    ] * 2  # the chart's columns, then the table's cells
    assert "11,600,000" not in figures


def test_a_drafts_commitments_reach_no_public_face(db, client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    shown = PartnershipFactory(slug="shown")
    draft = PartnershipFactory(slug="draft-lsp", status=PublicationStatus.DRAFT)
    pledge(shown, "shown-pledge")
    pledge(draft, "draft-pledge", statement_en="A draft’s secret pledge.")
    page = client.get(reverse("partnerships:commitments")).content.decode()
    api = client.get(reverse("api:commitment-list")).json()
    csv_text = client.get(reverse("api:commitment-list"), {"format": "csv"}).content.decode()
    for text in (page, str(api), csv_text):
        assert "shown-pledge" in text or "Upskill 100,000" in text
        assert "draft-" not in text and "secret" not in text
    assert client.get(reverse("api:partnership-commitments", args=["draft-lsp"])).status_code == 404


def test_bad_filters_are_a_form_error_on_the_page_and_a_400_in_the_api(db, client):
    page = client.get(reverse("partnerships:commitments"), {"status": "sunny", "ecosystem": "x"})
    assert page.status_code == 200
    assert "Some filters could not be used" in page.content.decode()
    api = client.get(reverse("api:commitment-list"), {"status": "sunny"})
    assert api.status_code == 400 and "status" in api.json()["errors"]


def test_an_import_with_one_bad_row_writes_nothing(db, admin_client):
    commitment = pledge(PartnershipFactory(), "import-target")
    content = (
        "commitment,year,value,kind,source_url,reported_on\n"
        "import-target,2023,20000,cumulative,https://example.eu/r,2024-03-01\n"
        "import-target,2024,-5,cumulative,https://example.eu/r,2023-03-01\n"
    )
    response = admin_client.post(
        reverse("admin:partnerships_progressreport_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("reports.csv", content.encode(), "text/csv"),
        },
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context  # nothing to confirm
    assert "A report is a value of 0 or more" in response.content.decode()
    assert not ProgressReport.objects.filter(commitment=commitment).exists()


@pytest.mark.parametrize(
    "values",
    [
        {"amount": Decimal("0.5"), "unit": "people"},
        {"amount": Decimal(120), "unit": "workforce-percent"},
        {"baseline_year": 2030, "target_year": 2021},
    ],
)
def test_the_database_refuses_a_pledge_that_breaks_its_rules(db, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        pledge(PartnershipFactory(), "broken", **values)
