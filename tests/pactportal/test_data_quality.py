"""The data quality dashboard and the nightly check of source links."""

import http.server
import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from core.linkcheck import check_links
from core.models import LinkCheck
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/quality/"


@pytest.fixture
def curator_client(db):
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username="cora"))
    return client


def complete_partnership(name, source="https://pact-for-skills.ec.europa.eu/", **kwargs):
    partnership = PartnershipFactory(
        **{
            "name": name,
            "source_url": source,
            "summary_fr": "Des entreprises et des organismes de formation.",
            "summary_de": "Unternehmen und Bildungsträger.",
            **kwargs,
        }
    )
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(source_url=source))
    return partnership


def test_the_dashboard_lists_records_missing_french_or_german_texts(
    curator_client, django_assert_max_num_queries
):
    complete_partnership("Complete Partnership")
    lacking = complete_partnership("Untranslated Partnership", summary_de=None)
    for n in range(5):  # more records, the same queries
        complete_partnership(f"Partnership {n}")

    with django_assert_max_num_queries(9):
        response = curator_client.get(DASHBOARD)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Untranslated Partnership" in html and "the German text" in html
    assert f'href="/admin/partnerships/partnership/{lacking.pk}/change/"' in html
    assert "Complete Partnership" not in html
    # A threshold it does not offer is a form error, not a failure.
    refused = curator_client.get(DASHBOARD, {"below": "abc"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert Client().get(DASHBOARD).status_code == 302  # to the admin's sign-in


class Site(http.server.BaseHTTPRequestHandler):
    """A site on the loopback: /ok answers, /gone is missing, /get-only refuses HEAD."""

    def do_HEAD(self):
        self.send_response({"/ok": 200, "/gone": 404}.get(self.path, 405))
        self.end_headers()

    def do_GET(self):
        self.send_response(404 if self.path == "/gone" else 200)
        self.end_headers()
        self.wfile.write(b"page")

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_nightly_check_finds_broken_source_links(site, curator_client):
    complete_partnership("Working Source", f"{site}/ok")
    complete_partnership("Page Only For GET", f"{site}/get-only")
    complete_partnership("Gone Source", f"{site}/gone")
    LinkCheck.objects.create(
        url="https://old.example.eu/", status_code=404, checked_at="2026-01-01T00:00Z"
    )

    assert check_links(timeout=5) == 1
    found = dict(LinkCheck.objects.values_list("url", "status_code"))
    assert found == {f"{site}/ok": 200, f"{site}/get-only": 200, f"{site}/gone": 404}

    assert check_links(["http://127.0.0.1:1/closed"], timeout=5) == 1
    assert LinkCheck.objects.get().error  # why it could not be read, with no status

    check_links(timeout=5)
    html = curator_client.get(DASHBOARD).content.decode()
    assert f"{site}/gone" in html and "Gone Source" in html and "a working source link" in html
    assert "Working Source" not in html and "Page Only For GET" not in html
