"""Small things a reader notices: wording in each language, list filters drawn alike, links
and scrolling boxes a keyboard meets once and can reach."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from alliances.models import Alliance, AllianceMember
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def page(client, name: str, language: str = "en", query: str = "", **kwargs) -> str:
    with translation.override(language):
        url = reverse(name, kwargs=kwargs or None)
    return client.get(url + query).content.decode()


def test_pagination_reads_naturally_in_each_language(client):
    PartnershipFactory.create_batch(21)
    for language, link in (("en", "Next page"), ("fr", "Page suivante"), ("de", "Nächste Seite")):
        html = page(client, "partnerships:list", language)
        assert re.search(rf'rel="next">{link}</a>', html), language
    assert "Suivante" not in page(client, "partnerships:list", "fr")


def test_the_german_footer_names_the_sitemap_in_german(client):
    footer = page(client, "ecosystems:home", "de").split('class="site-footer"', 1)[1]
    assert ">Seitenübersicht</a>" in footer and "Sitemap<" not in footer


def test_the_alliance_filters_look_like_the_other_lists(pact_data, client):
    form = page(client, "alliances:list").split('<form class="filters"', 1)[1].split("</form>")[0]
    assert "---------" not in form
    assert not re.search(r"<label[^>]*>[^<]*:</label>", form)
    for name in ("ecosystem", "call", "phase"):
        select = form.split(f'id="id_{name}"', 1)[1].split("</select>", 1)[0]
        assert '<option value="">All</option>' in select, name


@pytest.mark.parametrize(
    "name", ["partnerships:list", "partnerships:document_list", "alliances:list"]
)
def test_a_sort_s_empty_choice_says_what_it_sorts_by(client, name):
    html = page(client, name)
    sort = html.split('id="id_ordering"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">Default order</option>' in sort


def test_the_home_map_and_its_table_link_each_country_once(pact_data, client):
    figure = page(client, "ecosystems:home").split('<div class="country-map">', 1)[1]
    figure = figure.split("</table>", 1)[0]
    links = re.findall(r'href="([^"]*\?country=[A-Z]{2})"', figure)
    assert links and len(links) == len(set(links))


def test_the_alliance_tables_scroll_in_a_box_the_keyboard_reaches(pact_data, client):
    # One whose sources name no coordinator yet: an alliance has one at most.
    alliance = Alliance.objects.published().exclude(members__role="coordinator").first()
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(), role="coordinator"
    )
    html = client.get(alliance.get_absolute_url()).content.decode()
    tables = html.count('<table class="table">')
    wrapped = re.findall(
        r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*'
        r'<table class="table">',
        html,
    )
    assert tables and len(wrapped) == tables
