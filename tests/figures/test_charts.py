"""The charts: each one's numbers against the database, its drawing, its table and its CSV."""

import csv
import io
import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from alliances.models import Alliance
from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from figures.charts import CHARTS, ECOSYSTEM_CHARTS
from partnerships.models import Organisation, OrganisationType, Partnership
from tests.factories import PartnershipFactory, ecosystem

from .conftest import build_pact

PUBLISHED = PublicationStatus.PUBLISHED


def published_partnerships(slug: str | None = None) -> list[Partnership]:
    """Published partnerships, counted in Python: the charts' SQL is not what checks them."""
    rows = Partnership.objects.filter(status=PUBLISHED).prefetch_related("linked_ecosystems")
    if slug is None:
        return list(rows)
    return [
        p
        for p in rows
        if (p.ecosystem and p.ecosystem.slug == slug)
        or slug in {e.slug for e in p.linked_ecosystems.all()}
    ]


def published_members(partnerships: list[Partnership]) -> set[Organisation]:
    return {
        membership.organisation
        for p in partnerships
        for membership in p.memberships.select_related("organisation")
        if membership.organisation.status == PUBLISHED
    }


def expected(slug: str, ecosystem_slug: str | None = None) -> dict[str, int]:
    """Each chart's numbers, by key, worked out independently from the rows."""
    partnerships = published_partnerships(ecosystem_slug)
    if slug == "partnerships-by-ecosystem":
        return {e.slug: len(published_partnerships(e.slug)) for e in Ecosystem.objects.all()}
    if slug == "people-pledged-by-ecosystem":
        return {
            e.slug: sum(p.commitment_people or 0 for p in published_partnerships(e.slug))
            for e in Ecosystem.objects.all()
        }
    if slug == "launches-by-year":
        years = Counter(p.launched_on.year for p in partnerships if p.launched_on)
        span = range(min(years), max(years) + 1) if years else []
        return {str(year): years.get(year, 0) for year in span}
    if slug == "members-by-type":
        return dict(Counter(o.type for o in published_members(partnerships)))
    if slug == "members-by-country":
        return dict(Counter(o.country_id or "" for o in published_members(partnerships)))
    if slug == "alliances-by-call":
        published = [a for a in Alliance.objects.all() if a.is_published]
        return dict(
            Counter(a.call.slug if a.call else slugify(a.programme_strand) for a in published)
        )
    raise AssertionError(slug)


def csv_rows(client, slug: str, **params) -> list[list[str]]:
    response = client.get(reverse("figures:csv", args=[slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def pact(db, call):
    build_pact(call=call)


@pytest.mark.parametrize("slug", list(CHARTS))
def test_each_chart_counts_what_the_database_holds_and_no_draft(client, pact, slug):
    rows = csv_rows(client, slug)
    assert rows[0] == [
        str(CHARTS[slug].key_heading),
        str(CHARTS[slug].label_heading),
        str(CHARTS[slug].value_heading),
    ]
    assert {key: int(value) for key, _label, value in rows[1:]} == expected(slug)


def test_the_drafts_would_have_changed_the_numbers(client, pact):
    # The fixture's drafts: a 2019 launch, 99,999 people, a Maltese university, a third alliance.
    assert "2019" not in expected("launches-by-year")
    assert expected("people-pledged-by-ecosystem")["digital"] == 3 * 1_000 + 3 * 250
    assert "MT" not in expected("members-by-country") and "PT" not in expected("members-by-country")
    assert "hei" not in expected("members-by-type")
    assert sum(expected("alliances-by-call").values()) == 2


@pytest.mark.parametrize("slug", ECOSYSTEM_CHARTS)
def test_an_ecosystem_chart_counts_that_ecosystem_only(client, pact, slug):
    rows = csv_rows(client, slug, ecosystem="tourism")
    assert {key: int(value) for key, _label, value in rows[1:]} == expected(slug, "tourism")
    assert {key: int(value) for key, _label, value in rows[1:]} != expected(slug)


def test_the_page_draws_each_chart_with_its_table_and_its_download(client, pact):
    response = client.get(reverse("figures:index"))
    html = response.content.decode()

    assert html.count('<svg class="chart__svg" role="img"') == len(CHARTS)
    for item in response.context["charts"]:
        chart, rows = item["chart"], item["rows"]
        ids = f'aria-labelledby="chart-{chart.slug}-title chart-{chart.slug}-desc"'
        assert ids in html
        assert f'<title id="chart-{chart.slug}-title">{chart.title}</title>' in html
        assert f'<desc id="chart-{chart.slug}-desc">' in html
        assert {row.key: row.value for row in rows} == expected(chart.slug)
        section = html.split(f'id="chart-{chart.slug}-heading"', 1)[1].split("</section>", 1)[0]
        # One bar or column per row, and the table gives the same numbers in the same order.
        assert section.count('class="chart__bar"') == len(rows)
        table = re.findall(r'<td class="number">([\d,]+)</td>', section)
        assert [int(n.replace(",", "")) for n in table] == [row.value for row in rows]
        assert reverse("figures:csv", args=[chart.slug]) in section
    # The one script element is the page's JSON-LD, a data block browsers never run.
    code = html.replace('<script type="application/ld+json">', "")
    assert "style=" not in html.split("<main", 1)[1] and "<script" not in code


def test_bars_are_as_long_as_their_values(client, pact):
    chart = CHARTS["members-by-type"]
    drawing = chart.drawing(chart.rows())
    longest = max(drawing["bars"], key=lambda bar: bar["row"].value)
    for bar in drawing["bars"]:
        share = bar["row"].value / longest["row"].value
        assert float(bar["width"]) == pytest.approx(float(longest["width"]) * share, abs=0.1)


def test_labels_are_in_the_reader_s_words(client, pact):
    rows = csv_rows(client, "members-by-type")
    labels = {key: label for key, label, _value in rows[1:]}
    assert labels["sme"] == str(OrganisationType.SME.label)
    countries = {key: label for key, label, _value in csv_rows(client, "members-by-country")[1:]}
    assert countries["LU"] == "Luxembourg" and countries[""] == "Country not stated"


def test_an_ecosystem_page_shows_its_charts_with_their_downloads(client, pact):
    html = client.get(reverse("ecosystems:detail", args=["tourism"])).content.decode()
    for slug in ECOSYSTEM_CHARTS:
        assert f'id="chart-{slug}-heading"' in html
        assert f"{reverse('figures:csv', args=[slug])}?ecosystem=tourism" in html


def test_an_unknown_chart_is_not_found(client, db):
    assert client.get(reverse("figures:csv", args=["no-such-chart"])).status_code == 404


def test_an_unknown_ecosystem_is_not_found(client, db):
    response = client.get(reverse("figures:csv", args=["launches-by-year"]), {"ecosystem": "x"})
    assert response.status_code == 404


def test_a_whole_pact_chart_refuses_an_ecosystem_with_a_message(client, db):
    response = client.get(
        reverse("figures:csv", args=["alliances-by-call"]), {"ecosystem": "digital"}
    )
    assert response.status_code == 400
    assert "cannot be narrowed to an ecosystem" in response.content.decode()


def test_a_chart_with_no_data_says_so(client, db):
    html = client.get(reverse("figures:index")).content.decode()
    section = html.split('id="chart-launches-by-year-heading"', 1)[1].split("</section>", 1)[0]
    assert "Nothing to show yet." in section and "<svg" not in section


@pytest.mark.parametrize("scale", [1, 3])
def test_the_figures_run_a_constant_number_of_queries(
    client, db, call, django_assert_max_num_queries, scale
):
    build_pact(scale, call=call)
    # A query a chart, one for the official figures and one for the partnerships' pledges.
    with django_assert_max_num_queries(len(CHARTS) + 2):
        assert client.get(reverse("figures:index")).status_code == 200
    for slug in CHARTS:
        with django_assert_max_num_queries(1):
            client.get(reverse("figures:csv", args=[slug]))
    with django_assert_max_num_queries(2):
        client.get(reverse("figures:csv", args=["members-by-type"]), {"ecosystem": "digital"})


def test_charts_are_remembered_until_content_changes(
    db, call, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    build_pact(call=call)
    # The page cache would answer the same address: another one reaches the view.
    Client().get(reverse("figures:index"), {"first": 1})
    with django_assert_max_num_queries(0):
        second = Client().get(reverse("figures:index"), {"second": 1})
    assert "2023" not in second.content.decode()

    PartnershipFactory(ecosystem=ecosystem("retail"), launched_on="2023-06-01",
                       launched_on_precision="month")  # fmt: skip
    third = Client().get(reverse("figures:index"), {"third": 1})
    launches = next(i for i in third.context["charts"] if i["chart"].slug == "launches-by-year")
    assert {row.key: row.value for row in launches["rows"]}["2023"] == 1


def test_the_sitemap_lists_the_figures_page(client, db):
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap", args=["pages"]))
    assert f"{reverse('figures:index')}</loc>" in response.content.decode()


def test_alliances_of_earlier_programmes_count_under_their_strand(client, pact):
    rows = {key: (label, int(n)) for key, label, n in csv_rows(client, "alliances-by-call")[1:]}
    assert rows == {
        "blueprint-2025": (
            "Alliances for Sectoral Cooperation on Skills (implementing the Blueprint) (2025)",
            1,
        ),
        "erasmus-sector-skills-alliances-lot-3": ("Erasmus+ Sector Skills Alliances, Lot 3", 1),
    }
