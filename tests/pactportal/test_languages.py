"""The portal in English, French and German: prefixed pages, the switcher, the API's language."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ecosystems.models import Ecosystem
from partnerships.models import Partnership
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "de"]
# The main navigation's first link, as each language writes it.
HOME = {"en": "Home", "fr": "Accueil", "de": "Startseite"}


def url(view: str, language: str, *args, query: str = "") -> str:
    with translation.override(language):
        return reverse(view, args=args) + query


def page(client, address: str, **headers) -> str:
    response = client.get(address, **headers)
    assert response.status_code == 200, address
    return response.content.decode()


@pytest.fixture
def world():
    partnership = PartnershipFactory(regional=True, name="Lombardy Skills")
    partnership.countries.add("IT")
    partnership.linked_ecosystems.add(ecosystem("digital"))
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(country_id="IT"))
    document = DocumentFactory(partnership=partnership)
    DocumentFileFactory(document=document, language="en")
    return partnership, document


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_language_of_its_prefix(client, world, language):
    partnership, document = world
    organisation = partnership.memberships.first().organisation
    pages = [
        url("ecosystems:home", language),
        url("ecosystems:list", language),
        url("ecosystems:detail", language, "digital"),
        url("partnerships:list", language, query="?country=IT"),
        url("partnerships:detail", language, partnership.slug),
        url("partnerships:organisation_list", language),
        url("partnerships:organisation_detail", language, organisation.slug),
        url("partnerships:document_list", language),
        url("partnerships:document_detail", language, document.slug),
        url("partnerships:search", language, query="?q=skills"),
        url("alliances:list", language),
        url("alliances:check", language),
        url("figures:index", language),
    ]
    for address in pages:
        assert address.startswith(f"/{language}/")
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 200, address
        assert response["Content-Language"] == language
        assert f'<html lang="{language}">' in html, address
        assert f">{HOME[language]}</a>" in html, address


def test_the_bare_address_follows_the_browser_then_the_visitors_choice(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,en;q=0.5")["Location"] == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT")["Location"] == "/de/"
    # A language the portal does not have falls back to English.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="pl")["Location"] == "/en/"
    # Once the visitor has chosen, the choice wins over the browser.
    client.get(url("switch_language", "en", "de"), {"next": url("ecosystems:home", "en")})
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/de/"
    # Old links without a prefix keep working, filters included.
    old = client.get("/partnerships/", {"country": "IT"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert old["Location"] == "/de/partnerships/?country=IT"


def test_switching_language_keeps_the_page_and_its_filters(client, world):
    french_list = url("partnerships:list", "fr", query="?country=IT&kind=regional")
    html = page(client, french_list)
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    assert '<span aria-current="true" lang="fr">Français</span>' in switcher
    german = re.search(r'<a href="([^"]+)" hreflang="de" lang="de">Deutsch</a>', switcher)

    response = client.get(german.group(1).replace("&amp;", "&"))
    assert response.status_code == 302
    assert response["Location"] == "/de/partnerships/?country=IT&kind=regional"
    assert response.cookies["django_language"].value == "de"
    landed = page(client, response["Location"])
    assert "Lombardy Skills" in landed and "1 Partnerschaft gefunden" in landed


def test_the_switcher_never_sends_visitors_to_another_site(client):
    response = client.get(url("switch_language", "en", "fr"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get(url("switch_language", "en", "it"), {"next": "/"}).status_code == 404


def test_each_page_names_its_other_languages_for_search_engines(client, world):
    partnership, _document = world
    html = page(client, url("partnerships:detail", "de", partnership.slug))
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "en": f"http://testserver/en/partnerships/{partnership.slug}/",
        "x-default": f"http://testserver/en/partnerships/{partnership.slug}/",
        "fr": f"http://testserver/fr/partnerships/{partnership.slug}/",
        "de": f"http://testserver/de/partnerships/{partnership.slug}/",
    }


def test_the_sitemap_lists_every_language_with_its_alternates(client, world):
    partnership, _document = world
    sitemap = client.get(
        reverse("django.contrib.sitemaps.views.sitemap", args=["partnerships"])
    ).content.decode()
    for language in LANGUAGES:
        address = f"http://testserver{url('partnerships:detail', language, partnership.slug)}"
        assert f"<loc>{address}</loc>" in sitemap
        assert f'hreflang="{language}" href="{address}"' in sitemap


def test_curated_texts_fall_back_to_english_where_no_translation_exists(client):
    digital = ecosystem("digital")
    digital.name_fr = "Numérique"
    digital.description_fr = "Les télécommunications et les logiciels."
    digital.save()
    health = ecosystem("health")

    french = page(client, url("ecosystems:detail", "fr", "digital"))
    assert "<h1>Numérique</h1>" in french and "Les télécommunications" in french
    german = page(client, url("ecosystems:detail", "de", "digital"))
    assert f"<h1>{digital.name_en}</h1>" in german
    assert f"<h1>{health.name_en}</h1>" in page(client, url("ecosystems:detail", "fr", "health"))


def test_country_names_and_choices_are_in_the_readers_language(client, world):
    french = page(client, url("partnerships:list", "fr"))
    assert '<option value="IT">Italie</option>' in french
    german = page(client, url("partnerships:list", "de"))
    assert '<option value="IT">Italien</option>' in german
    assert "Regionale Partnerschaft" in german  # the kind facet, a model choice


def test_document_versions_come_in_the_readers_language_first(client):
    document = DocumentFactory()
    for language in ("de", "en", "fr"):
        DocumentFileFactory(document=document, language=language)

    def first_version(language):
        html = page(client, url("partnerships:document_detail", language, document.slug))
        return re.search(r'<ul class="document__files">\s*<li><a [^>]*hreflang="(\w+)"', html)[1]

    assert [first_version(language) for language in LANGUAGES] == LANGUAGES
    api = Client().get(reverse("api:document-detail", args=[document.slug]), {"lang": "fr"}).json()
    assert [version["language"] for version in api["versions"]] == ["fr", "de", "en"]


def test_the_api_answers_in_the_requested_language_and_says_which(db):
    digital = ecosystem("digital")
    digital.name_fr, digital.name_de = "Numérique", "Digitalwirtschaft"
    digital.save()
    api = Client()
    address = reverse("api:ecosystem-detail", args=["digital"])

    by_header = api.get(address, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.8")
    assert by_header.json()["name"] == "Numérique"
    assert by_header["Content-Language"] == "fr"
    assert "Accept-Language" in by_header["Vary"]

    by_parameter = api.get(address, {"lang": "de"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert by_parameter.json()["name"] == "Digitalwirtschaft"
    assert by_parameter["Content-Language"] == "de"

    plain = api.get(address)
    assert plain.json()["name"] == digital.name_en and plain["Content-Language"] == "en"


def test_an_unknown_api_language_is_a_json_400_in_the_clients_language(db):
    response = Client().get(
        reverse("api:ecosystem-list"), {"lang": "tlh"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Données non valides.",
        "errors": {
            "lang": [
                "«\u00a0tlh\u00a0» n’est pas une langue du portail\u00a0; "
                "utilisez l’une de celles-ci\u00a0: en, fr, de."
            ]
        },
    }


def test_search_finds_translated_texts_stemmed_in_their_language(client):
    welding = PartnershipFactory(
        name="Weld Europe",
        summary_en="Training welders for the shipyards.",
        summary_fr="Former des soudeurs pour les chantiers navals.",
        summary_de="Schweißer für die Werften ausbilden.",
    )
    PartnershipFactory(name="Something Else")

    for language, words in [
        ("en", "welder"),
        ("fr", "soudeur"),
        ("de", "Werften"),
        ("en", "chantier"),
    ]:
        found = page(client, url("partnerships:search", language, query=f"?q={words}"))
        assert welding.name in found and "Something Else" not in found, (language, words)
    assert list(Partnership.objects.search("soudeurs")) == [welding]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()


def test_the_page_cache_never_serves_one_language_to_another(page_cache, world):
    visitor = Client()
    assert "Italie" in page(visitor, url("partnerships:list", "fr"))
    english = visitor.get(url("partnerships:list", "en"))
    assert english["X-Cache"] == "miss" and "Italy" in english.content.decode()
    assert "Italie" not in english.content.decode()
    assert visitor.get(url("partnerships:list", "fr"))["X-Cache"] == "hit"

    address = reverse("api:ecosystem-detail", args=["digital"])
    Ecosystem.objects.filter(slug="digital").update(name_fr="Numérique")
    assert visitor.get(address, HTTP_ACCEPT_LANGUAGE="fr").json()["name"] == "Numérique"
    english_api = visitor.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert english_api.json()["name"] == "Digital" and english_api["X-Cache"] == "miss"
    assert visitor.get(address, {"lang": "fr"}).json()["name"] == "Numérique"
    assert visitor.get(address, HTTP_ACCEPT_LANGUAGE="fr")["X-Cache"] == "hit"


def test_remembered_country_names_are_kept_per_language(page_cache, world):
    # Different addresses miss the page cache and reach the remembered list of countries.
    assert "Italie" in page(Client(), url("partnerships:list", "fr", query="?a"))
    assert '<option value="IT">Italy</option>' in page(
        Client(), url("partnerships:list", "en", query="?b")
    )
    assert "Italien" in page(Client(), url("partnerships:list", "de", query="?c"))


def test_the_map_and_the_charts_speak_the_readers_language(client, world):
    french = page(client, url("ecosystems:home", "fr"))
    assert 'aria-label="Italie\u00a0: 1 partenariat"' in french
    assert f'href="{url("partnerships:list", "fr", query="?country=IT")}"' in french
    german = page(client, url("ecosystems:home", "de"))
    assert 'aria-label="Italien: 1 Partnerschaft"' in german
    charts = page(client, url("figures:index", "de"))
    assert "Partnerschaften je Ökosystem" in charts and "Mitgliedsorganisationen nach Art" in charts


def test_sorting_choices_follow_each_requests_language(client):
    # The filter classes are built once, during whichever request comes first.
    assert "Acronyme (décroissant)" in page(client, url("alliances:list", "fr"))
    german = page(client, url("alliances:list", "de"))
    assert "Akronym (absteigend)" in german and "décroissant" not in german
