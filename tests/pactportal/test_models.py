"""Records drawn once per content change (core/cache/records.py)."""

import pytest

from core.cache import RecordIds, drawn
from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_a_record_gone_before_it_is_drawn_is_left_out():
    kept, gone = PartnershipFactory.create_batch(2)
    ids = RecordIds(Partnership, [kept.pk, gone.pk, kept.pk + gone.pk])
    gone.delete()
    assert drawn("test", ids, lambda record: record.name) == [kept.name]


def test_a_record_is_loaded_only_when_its_drawing_is_missing(django_assert_num_queries):
    first, second = PartnershipFactory.create_batch(2)
    drawn("names", RecordIds(Partnership, [first.pk]), lambda record: record.name)
    # Renamed behind the portal's back: the first keeps its remembered drawing; only the
    # second is loaded.
    Partnership.objects.filter(pk=first.pk).update(name="Renamed quietly")
    with django_assert_num_queries(1):
        names = drawn(
            "names",
            RecordIds(Partnership, [first.pk, second.pk], Partnership.objects.in_bulk),
            lambda record: record.name,
        )
    assert names == [first.name, second.name]
