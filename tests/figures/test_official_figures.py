"""The official figures: records with their date, period and source, leading the overview
pages, served read-only by the API; the portal's own counts said as such."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from figures.models import OfficialFigure
from partnerships.models import Partnership

from .test_maps import map_links

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_figures_page_leads_with_the_official_figures_then_lists_all_of_them(client, pact_data):
    html = client.get(reverse("figures:index")).content.decode()
    official = html[html.index('id="official-title"') : html.index('id="pledges-title"')]
    assert html.index('id="official-title"') < html.index("Listed on this portal")
    for figure in OfficialFigure.objects.all():
        assert f'href="{figure.source_url}"' in official.replace("&amp;", "&"), figure.slug
    words = text(official)
    assert "more than 6,100,000" in words and "since 2020" in words
    assert "up to the end of 2022" in words  # the first survey's count, not a target
    assert "from 2022 to 2023" in words


def test_pledges_are_shown_each_on_its_basis_and_never_summed(client, pact_data):
    html = client.get(reverse("figures:index")).content.decode()
    pledges = text(html[html.index('id="pledges-title"') : html.index("Listed on this portal")])
    assert "3,800,000 people to upskill or reskill each year, until 2030" in pledges
    assert "3,000,000 people to upskill or reskill over 5 years" in pledges
    assert "200,000 people to upskill or reskill by 2026" in pledges
    assert "250,000 people to upskill or reskill; the sources state no period" in pledges
    people = [p.commitment_people for p in Partnership.objects.published().pledging()]
    assert f"{sum(people):,}" not in html
    assert "people-pledged-by-ecosystem" not in html


def test_the_api_serves_each_official_figure_read_only(pact_data):
    client = APIClient()
    listed = client.get("/api/v1/official-figures/").json()
    assert listed["count"] == 21
    figure = client.get("/api/v1/official-figures/2025-05-19-members/").json()
    assert figure == {
        "slug": "2025-05-19-members",
        "url": "http://testserver/api/v1/official-figures/2025-05-19-members/",
        "metric": "members",
        "value": 3200,
        "unit": "organisations",
        "qualifier": "more-than",
        "statement": "",
        "date": "2025-05-19",
        "period_start": None,
        "period_end": None,
        "publisher": "European Commission",
        "source_url": "https://en.bia-bg.com/news/view/34064",
        "source_title": "",
        "note": OfficialFigure.objects.get(slug="2025-05-19-members").note,
        "confidence": "confirmed",
        "confidence_note": "",
    }
    assert client.post("/api/v1/official-figures/", {}, format="json").status_code in {401, 405}
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/official-figures/{slug}/" in schema["paths"]


def test_curators_keep_the_figures_in_the_admin_with_their_history(admin_client, pact_data):
    figure = OfficialFigure.objects.get(slug="2024-03-large-scale-partnerships")
    for url in (
        reverse("admin:figures_officialfigure_changelist"),
        reverse("admin:figures_officialfigure_add"),
        reverse("admin:figures_officialfigure_change", args=[figure.pk]),
        reverse("admin:figures_officialfigure_history", args=[figure.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_eu_wide_partnerships_are_counted_in_the_legend_not_at_a_coordinator_s_seat(
    client, pact_data
):
    html = client.get(reverse("ecosystems:home")).content.decode()
    assert "EU-wide: 20 partnerships work across the EU, shown in no one country" in html
    assert "2 partnerships reported but not confirmed are not mapped" in html
    # Pomorskie, the only Polish record, is not confirmed: Poland is not mapped.
    assert "PL" not in map_links(html)


def test_the_health_page_does_not_count_a_coordinator_s_country_as_covered(client, pact_data):
    response = client.get(reverse("ecosystems:detail", args=["health"]))
    html = text(response.content.decode())
    # Italy, which Lombardy (linked to health) covers; not the large-scale partnerships'
    # coordinators' countries: those three work EU-wide and are counted as such.
    assert response.context["figures"]["countries"] == 1
    assert "Countries covered 1" in html and "3 partnerships work EU-wide" in html
    assert set(map_links(response.content.decode())) == {"IT"}
