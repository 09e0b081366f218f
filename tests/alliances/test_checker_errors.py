"""The consortium checker says what went wrong the way GOV.UK's error summary does, and lands
on its outcome: the markup a screen reader and a browser without JavaScript rely on."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.alliances.builders import formset_data, twelve
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHECK = reverse("alliances:check")


def ids_and_references(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    described = {
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    }
    return ids, described


def test_an_invalid_row_is_summarised_first_with_a_link_to_each_field(client, call):
    half_filled = [{"name": "Politecnico di Milano"}, {}]
    html = client.post(CHECK, formset_data(call, half_filled, check="1")).content.decode()

    assert re.search(r"<title>Error: Consortium checker", html)
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert 'role="alert"' in html.split('class="error-summary"', 1)[0][-200:] + summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _text in links] == [
        "id_members-0-country",
        "id_members-0-type",
        "id_members-0-role",
    ]
    assert "Country (row 1): This field is required." in [text for _t, text in links]
    ids, described = ids_and_references(html)
    assert {target for target, _text in links} <= ids
    assert described and described <= ids, described - ids
    # The row the visitor filled counts, although the check could not run.
    assert "Consortium: 1 member<" in html


def test_the_file_field_s_help_is_where_its_description_points(client, call):
    html = client.get(CHECK).content.decode()
    ids, described = ids_and_references(html)
    assert "id_csv_file_helptext" in described and described <= ids


def test_a_bad_file_is_in_the_summary_too(client, call):
    upload = SimpleUploadedFile("members.csv", b"name,country\nOnly two,columns\n", "text/csv")
    html = client.post(CHECK, {**formset_data(call, []), "csv_file": upload, "upload": "1"})
    html = html.content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "<li>" in summary and html.startswith("<!doctype html>")
    assert re.search(r"<title>Error: ", html)


def test_a_check_lands_on_the_report_s_heading(client, call):
    html = client.post(CHECK, formset_data(call, twelve(), check="1")).content.decode()
    assert 'action="#checker-result"' in html
    assert '<h2 id="checker-result" tabindex="-1">Report</h2>' in html
    assert 'aria-labelledby="checker-result"' in html
    assert "error-summary" not in html and "<title>Error" not in html
    assert "Consortium: 12 members<" in html


def test_a_directory_result_without_a_country_says_so(client, call):
    OrganisationFactory(name="Stateless Training Centre", country_id=None)
    data = formset_data(call, [], q="Stateless", search="1")
    html = client.post(CHECK, data).content.decode()
    result = html.split("Stateless Training Centre", 1)[1].split("</li>", 1)[0]
    assert '<span class="item__meta">(country not stated, ' in result
