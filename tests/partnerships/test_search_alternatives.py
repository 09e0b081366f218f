"""A search condition names each alternative once, and finds exactly what the whole OR finds."""

import pytest
from django.contrib.postgres.search import SearchQueryField
from django.db.models import ExpressionWrapper

from core.models import AnyOnce, StoredVector, forgiving_query
from partnerships.models import DocumentPage, Partnership
from partnerships.models.texts import text_query
from tests.factories import DocumentFactory, PartnershipFactory
from tests.partnerships.test_document_text_pages import upload

pytestmark = pytest.mark.django_db

# By kind: a word every stemmer reads alike, one they read apart, stop words only, several
# words with a phrase and an exclusion, a word begun, and tsquery's own syntax.
QUESTIONS = [
    "skills",
    "regione",
    "Ausbildung",
    "régions",
    "the",
    "the of and",
    'welding -steel "green skills"',
    "weld",
    "covid-19",
    "o'brien",
    "&|!():*'\\",
    "a & b | !c",
    "\\",
]
# Those the pages below hold, stemmed in one language or another.
FINDING = {"skills", "regione", "Ausbildung", "régions", "weld", "covid-19", "o'brien"}
PAGES = [
    "The regione Lombardia trains welding apprentices.",
    "Die Ausbildung im Schweißen beginnt 2026.",
    "Les régions forment aux compétences vertes: green skills for all.",
    "Covid-19 recovery: O'Brien & partners teach steel welding.",
]


def query_text(query) -> str:
    """The tsquery PostgreSQL evaluates for ``query``, as its text."""
    typed = ExpressionWrapper(query, output_field=SearchQueryField())
    return Partnership.objects.annotate(q=typed).values_list("q", flat=True)[0]


def test_a_word_stemmed_alike_in_sixteen_languages_is_looked_up_once_per_lexeme():
    PartnershipFactory()
    whole, once = query_text(text_query("regione")), query_text(AnyOnce(text_query("regione")))

    assert whole.count("'region'") > 1  # what the condition looked up before
    assert once.count("'region'") == 1
    assert once.count("'regione'") == 1


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_pages_and_records_found_are_those_the_whole_or_finds(question):
    document = DocumentFactory()
    for language, text in zip(["it", "de", "fr", "en"], PAGES, strict=True):
        upload(document, [text], language=language)
    for text in PAGES:
        PartnershipFactory(name=text[:60])
    pages = DocumentPage.objects.alias(words=StoredVector())
    records = Partnership.objects.alias(words=StoredVector())

    def found(queryset, query) -> set[int]:
        return set(queryset.filter(words=query).values_list("pk", flat=True))

    whole_pages = found(pages, text_query(question))
    assert found(pages, AnyOnce(text_query(question))) == whole_pages
    assert set(DocumentPage.objects.matching(question).values_list("pk", flat=True)) == whole_pages
    assert found(records, AnyOnce(forgiving_query(question))) == found(
        records, forgiving_query(question)
    )
    if question in FINDING:  # so that the sets compared above are not all empty
        assert whole_pages


def test_a_condition_of_stop_words_alone_finds_nothing_and_fails_nothing(client):
    PartnershipFactory(name="The pact of the regions")

    response = client.get("/en/search/", {"q": "the of and"})

    assert response.status_code == 200
    assert response.context["total"] == 0
