"""Questions asked together (``core.queries``) answer what each asked alone answers: the same
counts, the same first rows in the same order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import PublicationStatus
from core.queries import counts, first_pks, value_counts
from partnerships.models import Document, Organisation, Partnership
from tests.factories import DocumentFactory, PartnershipFactory, ecosystem

pytestmark = pytest.mark.django_db


def dated(day: datetime.date) -> dict:
    return {"issued_on": day, "issued_on_precision": "day"}


@pytest.fixture
def records():
    tourism = ecosystem("tourism")
    # Documents of one date are in title order, those without a date last.
    for n, english in enumerate(["Zephyr", "Bravo", "Mike", "Alpha"]):
        PartnershipFactory(name=english, ecosystem=tourism)
        PartnershipFactory(name=f"{english} region", regional=True)
        DocumentFactory(title=english, **dated(datetime.date(2024, 1, 1)))
        DocumentFactory(
            title=f"Agreement {n}", **(dated(datetime.date(2021 + n, 1, 1)) if n != 2 else {})
        )
    PartnershipFactory(name="Draft", status=PublicationStatus.DRAFT)


def test_first_rows_of_several_lists_are_each_lists_own_first_rows(records):
    published = Partnership.objects.published()
    lists = {
        "large_scale": (published.large_scale(), 3),
        "regional": (published.regional(), 2),
        "documents": (Document.objects.published(), 5),
        "alphabetical": (Document.objects.order_by("-title"), 2),
    }
    with CaptureQueriesContext(connection) as queries:
        together = first_pks(**lists)
        alone = {
            name: list(queryset.values_list("pk", flat=True)[:limit])
            for name, (queryset, limit) in lists.items()
        }

    assert together == alone
    assert len(queries) == 1 + len(lists)  # together, then each alone


def test_counts_asked_together_are_each_querysets_count(records):
    querysets = {
        "published": Partnership.objects.published(),
        "regional": Partnership.objects.published().regional(),
        "documents": Document.objects.published(),
        "organisations": Organisation.objects.published(),
        "none": Partnership.objects.filter(pk__in=[]),
    }
    with CaptureQueriesContext(connection) as queries:
        together = counts(**querysets)

    assert len(queries) == 1
    assert together == {name: queryset.count() for name, queryset in querysets.items()}
    assert together["published"] == 8 and together["regional"] == 4 and together["none"] == 0


def test_facets_counted_together_are_each_facets_own_counts(records):
    published = Partnership.objects.published()
    linked = Partnership.linked_ecosystems.through.objects.filter(
        partnership__in=published.values("pk")
    )
    with CaptureQueriesContext(connection) as queries:
        counted = value_counts(
            kind=[
                (
                    published.search("region") if connection.vendor == "postgresql" else published,
                    "kind",
                )
            ],
            ecosystem=[(published, "ecosystem__slug"), (linked, "ecosystem__slug")],
            # A searched queryset of a translated model beside other models' parts.
            documents=[(Document.objects.published().search("agreement"), "issued_on_precision")],
            nothing=[(published.filter(pk__in=[]), "kind")],
        )

    assert len(queries) == 1
    # Four large-scale partnerships of tourism, and four regional ones with no ecosystem of
    # their own: counted for their kind, left out of the ecosystems.
    assert counted["kind"] == {"regional": 4}
    assert counted["ecosystem"] == {"tourism": 4}
    assert counted["documents"] == {"day": 3, "": 1}  # "Agreement 2" has no date
    assert counted["nothing"] == {}


def test_a_row_that_a_join_repeats_is_counted_once(records):
    for partnership in Partnership.objects.published().regional():
        partnership.countries.add("IT", "FR")
    # A filter across the partnerships' countries finds each of them twice: once a country.
    across = Partnership.objects.published().filter(countries__code__in=["IT", "FR"])
    assert across.count() == 8
    # One table, filtered through a subquery: counted as it is.
    documents = Document.objects.filter(pk__in=Document.objects.published().values("pk"))

    counted = value_counts(kind=[(across, "kind")], documents=[(documents, "issued_on_precision")])

    assert counted["kind"] == {"regional": 4}
    assert counted["documents"] == {"day": 7, "": 1}
