"""The maps: which countries they highlight, where each leads, and how they are drawn."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_countries import countries

from alliances.models import Alliance, AllianceMember
from core.maps import SHADES, geometry
from core.models import PublicationStatus
from pactportal.scale_data import COUNTRY_WEIGHTS
from partnerships.models import Country, Partnership
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, ecosystem

from .conftest import build_pact

LINK = re.compile(
    r'<a class="country-map__link" href="([^"]+)" aria-label="([^"]+)" data-country="([A-Z]{2})">'
)


SHADED = re.compile(
    r'data-country="([A-Z]{2})"><title>[^<]*</title>'
    r'<path class="country-map__country map-shade-(\d)"'
)


def map_links(html: str) -> dict[str, tuple[str, str]]:
    """Each highlighted country of the page's map: its link and its accessible name."""
    return {code: (href, label) for href, label, code in LINK.findall(html)}


def table_rows(html: str) -> dict[str, int]:
    """The map's table: country name to number."""
    table = html.split('class="country-map__table"', 1)[1].split("</table>", 1)[0]
    return {
        name: int(n)
        for name, n in re.findall(
            r'<th scope="row">([^<]+)</th><td class="number">(\d+)</td>', table
        )
    }


def test_the_home_map_highlights_exactly_the_countries_of_published_partnerships(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:home")).content.decode()

    published = Partnership.objects.published()
    expected = {
        code
        for code in Country.objects.values_list("code", flat=True)
        if published.in_country(code).exists()
    }
    assert set(map_links(html)) == expected == {"IT", "FR", "DE", "LU", "CY", "ES"}
    # Malta and Portugal appear only through drafts.
    assert "MT" not in map_links(html) and "PT" not in map_links(html)


def test_each_country_links_to_the_list_it_counts(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:home")).content.decode()
    table = table_rows(html)

    for code, (href, label) in map_links(html).items():
        listed = client.get(href.replace("&amp;", "&")).context["paginator"].count
        assert href == f"{reverse('partnerships:list')}?country={code}"
        name = str(countries.name(code))
        assert label == f"{name}: {listed} partnership{'s' if listed != 1 else ''}"
        assert table[name] == listed


def test_a_partnership_covering_a_country_where_its_members_are_counts_there_once(client, db):
    covering = PartnershipFactory(regional=True)
    covering.countries.add("IT")
    MembershipFactory.create_batch(2, partnership=covering, organisation__country_id="IT")
    hosted = PartnershipFactory(regional=True)
    hosted.countries.add("FR")
    MembershipFactory(partnership=hosted, organisation__country_id="IT")
    html = client.get(reverse("ecosystems:home")).content.decode()
    links = map_links(html)

    assert links["IT"][1] == "Italy: 2 partnerships"
    assert links["FR"][1] == "France: 1 partnership"
    assert table_rows(html) == {"France": 1, "Italy": 2}
    assert client.get(links["IT"][0]).context["paginator"].count == 2


def test_the_countries_covered_figure_counts_what_partnerships_cover_not_where_members_are(
    client, db
):
    build_pact()
    response = client.get(reverse("ecosystems:home"))
    # Italy, France and Cyprus are covered; Germany, Luxembourg and Spain only host members.
    assert response.context["figures"]["countries"] == 3
    assert len(map_links(response.content.decode())) == 6


def test_countries_are_shaded_by_their_number_of_partnerships(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:home")).content.decode()
    shades = dict(re.findall(SHADED, html))
    # Germany has every large-scale partnership; Cyprus only the regional ones.
    assert shades["DE"] == str(SHADES)
    assert int(shades["CY"]) < int(shades["DE"])


def test_an_ecosystem_map_counts_its_own_partnerships_and_keeps_the_filter(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:detail", args=["health"])).content.decode()
    links = map_links(html)

    # Health has the large-scale partnerships in France, none of the regional ones.
    assert set(links) == {"FR", "DE", "LU"}
    href = links["FR"][0].replace("&amp;", "&")
    assert href == f"{reverse('partnerships:list')}?country=FR&ecosystem=health"
    listed = client.get(href).context["paginator"].count
    assert listed == 3 and links["FR"][1].endswith(": 3 partnerships")


def test_a_partnership_map_shows_where_it_covers_and_where_its_published_members_are(client, db):
    partnership = PartnershipFactory(ecosystem=ecosystem("digital"))
    partnership.countries.add("MT", "IT")
    MembershipFactory.create_batch(2, partnership=partnership, organisation__country_id="IT")
    MembershipFactory(partnership=partnership, organisation__country_id="LU")
    MembershipFactory(
        partnership=partnership,
        organisation=OrganisationFactory(status=PublicationStatus.DRAFT, country_id="PT"),
    )
    html = client.get(partnership.get_absolute_url()).content.decode()
    links = map_links(html)

    assert set(links) == {"MT", "IT", "LU"}
    assert links["IT"][1] == "Italy: 2 member organisations"
    assert links["LU"][1] == "Luxembourg: 1 member organisation"
    assert links["MT"][1] == "Malta: covered, no member listed there"
    assert table_rows(html) == {"Italy": 2, "Luxembourg": 1, "Malta": 0}


def test_an_alliance_map_shows_its_published_members_countries(client, db, call):
    build_pact(call=call)
    alliance = Alliance.objects.get(slug="alliance-0")
    AllianceMember.objects.create(
        alliance=alliance, organisation=OrganisationFactory(country_id="AT"), role="full_partner"
    )
    AllianceMember.objects.create(
        alliance=alliance,
        organisation=OrganisationFactory(status=PublicationStatus.DRAFT, country_id="PT"),
        role="full_partner",
    )
    html = client.get(alliance.get_absolute_url()).content.decode()
    assert set(map_links(html)) == {"SI", "AT"}


def test_a_page_without_countries_shows_no_empty_map(client, db):
    partnership = PartnershipFactory()
    html = client.get(partnership.get_absolute_url()).content.decode()
    assert "country-map" not in html


def test_the_map_has_every_european_country_of_the_data_and_shows_the_small_ones():
    shapes = geometry()["countries"]
    width, height = geometry()["width"], geometry()["height"]
    programme = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
                 "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
                 "SE", "IS", "LI", "NO", "MK", "RS", "TR"}  # fmt: skip
    assert programme | set(COUNTRY_WEIGHTS) | {"CH", "GB", "UA"} <= set(shapes)
    for code in ("MT", "LU", "CY"):
        shape = shapes[code]
        assert shape["d"].startswith("M")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape["d"])]
        xs, ys = numbers[0::2], numbers[1::2]
        assert all(0 < x < width for x in xs) and all(0 < y < height for y in ys), code
    # Malta is a few pixels wide at this scale: a marker makes it a target one can hit.
    assert shapes["MT"]["marker"]["r"] >= 4


def test_the_map_works_under_a_strict_content_security_policy(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:home")).content.decode()
    fragment = html.split('<div class="country-map">', 1)[1].split("</table>", 1)[0]
    assert (
        "style=" not in fragment
        and "<script" not in html
        and not re.search(r"\son[a-z]+=", fragment)
    )
    assert "<title" in fragment and "<table>" in fragment


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_shade_stands_out_from_the_sea_and_from_uncovered_land():
    css = Path(settings.BASE_DIR, "static/css/portal.css").read_text()
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    sea = variables[re.search(r"\.country-map__sea \{ fill: var\(--([a-z]+)\)", css).group(1)]
    land = re.search(
        r"\.country-map__land, \.country-map__country \{ fill: (#[0-9a-f]{6})", css
    ).group(1)
    shades = dict(re.findall(r"--shade-(\d): (#[0-9a-f]{6});", css))

    assert sorted(shades) == [str(n) for n in range(1, SHADES + 1)]
    for colour in shades.values():
        # WCAG 2.1 1.4.11: graphical objects need 3:1 against what is next to them.
        assert contrast(colour, sea) >= 3 and contrast(colour, land) >= 3, colour


@pytest.mark.parametrize("scale", [1, 3])
def test_pages_with_maps_run_a_constant_number_of_queries(
    client, db, call, django_assert_max_num_queries, scale
):
    build_pact(scale, call=call)
    partnership = Partnership.objects.published().filter(countries__code="IT").first()
    for url, ceiling in [
        (reverse("ecosystems:home"), 5),
        (reverse("ecosystems:detail", args=["digital"]), 12),
        (partnership.get_absolute_url(), 9),  # with its member counts, alliances, commitments
        (Alliance.objects.get(slug="alliance-0").get_absolute_url(), 10),
    ]:
        with django_assert_max_num_queries(ceiling):
            response = client.get(url)
        assert response.status_code == 200 and map_links(response.content.decode()), url


def test_every_country_drawn_is_named_for_screen_readers(client, db):
    build_pact()
    html = client.get(reverse("ecosystems:home")).content.decode()
    named = dict(re.findall(r'aria-label="([^"]+)" data-country="([A-Z]{2})"', html))
    by_code = {code: label for label, code in named.items()}

    assert set(by_code) == set(geometry()["countries"])
    assert by_code["AT"] == "Austria: no partnership yet"
    assert by_code["DE"] == "Germany: 6 partnerships"
    assert 'role="img" aria-label="Austria: no partnership yet"' in html


def test_the_legend_gives_the_range_of_each_shade(client, db):
    build_pact()
    response = client.get(reverse("ecosystems:home"))
    country_map = response.context["country_map"]
    for country in country_map.highlighted:
        assert [
            level for level, low, high in country_map.legend if low <= country.count <= high
        ] == [country.shade], country
    # Germany has the most, 6: the darkest shade is for more than four fifths of that.
    assert max(country.count for country in country_map.highlighted) == 6
    assert country_map.legend[-1] == (5, 5, 6)
    assert '<span class="country-map__swatch map-shade-5" aria-hidden="true"></span> 5 to 6' in (
        response.content.decode()
    )
