"""Search that forgives: the last word taken as a prefix, and "Did you mean …?" by trigrams."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import PublicationStatus
from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("partnerships:search")
# Every character tsquery syntax gives a meaning to, alone and around words.
HOSTILE = ["&|!():*'\\", "Lomb:*", "Lombard'", "'Lombard", "a & b | !c", "(Lombard", "x:* y", "\\"]


def test_a_word_begun_finds_the_records_it_begins(client, pact_data):
    response = client.get(SEARCH, {"q": "Lombard"})
    groups = {group["key"]: group for group in response.context["groups"]}
    html = response.content.decode()

    assert groups["partnerships"]["count"] >= 1
    assert 'href="/en/partnerships/lombardy-regional-skills-partnership/"' in html
    regions = html.split('id="group-regions"')[1]
    assert f'href="{reverse("regions:detail", args=["ITC4"])}"' in regions
    assert "Did you mean" not in html


def test_the_api_finds_a_word_begun(client, pact_data):
    response = client.get("/api/v1/partnerships/", {"q": "Lombard"})

    assert response.status_code == 200
    slugs = [record["slug"] for record in response.json()["results"]]
    assert "lombardy-regional-skills-partnership" in slugs


@pytest.mark.parametrize(
    "language, question",
    [("en", "Did you mean"), ("fr", "Vouliez-vous dire"), ("de", "Meinten Sie")],
)
def test_a_misspelt_word_gets_a_suggestion_linking_to_its_search(
    client, pact_data, language, question
):
    with translation.override(language):
        search = reverse("partnerships:search")
    response = client.get(search, {"q": "Tesaly"})
    html = response.content.decode()

    assert response.context["total"] == 0
    assert f'{question} <a href="{search}?q=Thessaly">Thessaly</a>' in html
    found = client.get(search, {"q": "Thessaly"}).content.decode()
    thessaly = Partnership.objects.get(name__contains="twin transition of the Thessaly")
    with translation.override(language):
        assert f'href="{thessaly.get_absolute_url()}"' in found
        assert f'href="{reverse("regions:detail", args=["EL61"])}"' in found


def test_a_record_with_the_word_itself_ranks_above_one_with_the_word_begun(db):
    # The word begun three times in the name outweighs the word once in a summary, were the
    # two ranked together.
    begun = PartnershipFactory(name="Solarpanel Solartech Solarworks Partnership")
    exact = PartnershipFactory(name="Green Roofs Partnership", summary="Training solar fitters.")

    assert list(Partnership.objects.search("solar")) == [exact, begun]
    assert list(Partnership.objects.search("Solarpane")) == [begun]


@pytest.mark.parametrize("text", HOSTILE)
def test_tsquery_syntax_in_the_words_is_only_text(client, db, text):
    PartnershipFactory(name="Lombardy Skills")

    assert client.get(SEARCH, {"q": text}).status_code == 200
    response = client.get("/api/v1/partnerships/", {"q": text})
    assert response.status_code in (200, 400)
    assert response.headers["Content-Type"].startswith("application/json")


def test_a_draft_name_is_never_suggested(client, db):
    PartnershipFactory(name="Zephyrion Draft Transition", status=PublicationStatus.DRAFT)
    assert "Did you mean" not in client.get(SEARCH, {"q": "Zefyrion"}).content.decode()

    PartnershipFactory(name="Zephyrion Twin Transition")
    assert client.get(SEARCH, {"q": "Zefyrion"}).context["suggestion"] == "Zephyrion"


def test_nothing_close_suggests_nothing(client, db):
    PartnershipFactory(name="Thessaly Twin Transition")

    response = client.get(SEARCH, {"q": "xylophone"})
    assert response.context["suggestion"] == ""
    assert "Did you mean" not in response.content.decode()
