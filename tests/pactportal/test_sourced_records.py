"""Every published record of the real data, walked on its page and in the API: no figure,
confidence, coverage, date or file label without a source or against its own dates."""

import datetime
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from figures.models import OfficialFigure
from partnerships.models import Document, DocumentFile, Partnership

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_every_official_figure_is_sourced_and_agrees_with_its_dates(client, pact_data):
    api = APIClient()
    page = client.get(reverse("figures:index")).content.decode().replace("&amp;", "&")
    for figure in OfficialFigure.objects.all():
        data = api.get(f"/api/v1/official-figures/{figure.slug}/").json()
        assert data["publisher"] and data["source_url"].startswith("https://"), figure.slug
        assert f'href="{figure.source_url}"' in page, figure.slug
        assert figure.stated_on <= TODAY, figure.slug
        stated = figure.stated_on.year
        assert figure.period_start is None or figure.period_start <= stated, figure.slug
        # A period ending after its date is a target; one that is not stays in the past.
        if figure.period_end and figure.metric == OfficialFigure.Metric.PEOPLE_TRAINED:
            assert figure.period_end <= stated, figure.slug
        if not figure.is_confirmed:
            assert figure.confidence_note, figure.slug


def test_every_partnership_shows_its_confidence_coverage_and_sourced_dates(client, pact_data):
    api = APIClient()
    for partnership in Partnership.objects.published():
        html = client.get(partnership.get_absolute_url()).content.decode()
        data = api.get(f"/api/v1/partnerships/{partnership.slug}/").json()
        assert partnership.source_url and f'href="{partnership.source_url}"' in html.replace(
            "&amp;", "&"
        ), partnership.slug
        assert data["confidence"] == partnership.confidence, partnership.slug
        assert data["coverage"] == partnership.coverage, partnership.slug
        assert partnership.get_confidence_display() in html, partnership.slug
        if not partnership.is_confirmed:
            assert partnership.confidence_note, partnership.slug
            assert partnership.confidence_note.replace("'", "&#x27;") in html, partnership.slug
        if partnership.coverage == Partnership.Coverage.EU_WIDE:
            assert not data["countries"] and "<dd>EU-wide</dd>" in html, partnership.slug
        for date in (partnership.launched, partnership.agreement_signed):
            assert date is None or date.date <= TODAY, partnership.slug
        # A launch note speaks of the launch, never of the agreement's date.
        assert "agreement date" not in partnership.launch_note.lower(), partnership.slug
        if partnership.commitment_people:
            assert partnership.commitment_source_url, partnership.slug
        # Nobody has curated the loaded data yet: no date of the load is shown as a change.
        assert "Last updated" not in html, partnership.slug


def test_every_document_is_dated_by_itself_and_labelled_by_what_its_links_open(client, pact_data):
    api = APIClient()
    feed = client.get(reverse("partnerships:document_feed")).content.decode()
    sitemap = client.get(
        reverse("django.contrib.sitemaps.views.sitemap", args=["documents"])
    ).content.decode()
    assert f"<published>{TODAY.year}" not in feed or all(
        d.issued_on.year == TODAY.year for d in Document.objects.published() if d.issued_on
    )
    for document in Document.objects.published():
        html = client.get(document.get_absolute_url()).content.decode()
        data = api.get(f"/api/v1/documents/{document.slug}/").json()
        assert document.source_url, document.slug
        assert data["confidence"] == document.confidence, document.slug
        assert document.get_confidence_display() in html, document.slug
        assert "Last updated" not in html, document.slug
        if document.issued_on:
            assert document.issued_on <= TODAY, document.slug
            assert f"<published>{document.issued_on.isoformat()}T00:00:00+00:00" in feed
            assert f"<lastmod>{document.issued_on.isoformat()}</lastmod>" in sitemap
        for version, served in zip(document.versions, data["versions"], strict=True):
            assert served["label"] == version.label, document.slug
            assert version.label in html, document.slug
            if version.file_format == DocumentFile.Format.HTML:
                assert version.label.endswith("(web page)"), document.slug
                assert version.size_bytes is None, document.slug
            elif not version.file:
                assert f", on {version.host})" in version.label, document.slug
    # The Pact's listing page and the manifesto's page are web pages, whatever they list.
    for slug in ("rsp-chemical-agreement", "rsp-lombardy-agreement", "rsp-mot-agreement"):
        assert Document.objects.get(slug=slug).files.get().label == "English (web page)"
    manifesto = Document.objects.get(slug="health-lsp-manifesto").files.get()
    assert manifesto.label == "English (web page)"
    assert not re.search(r"KB - PDF\)", feed)
