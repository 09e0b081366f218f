"""The shared model building blocks: the ``__any`` lookup over a long list of ids, and the
ids of a query remembered until content changes."""

import pickle

import pytest

from core.models import IdSet
from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_any_finds_exactly_the_rows_whose_ids_are_in_the_set():
    first, second, _other = PartnershipFactory.create_batch(3)
    # Thousands of ids are what it is for; none of the others exists.
    ids = IdSet([first.pk, second.pk, *range(10**6, 10**6 + 5_000)])
    assert set(Partnership.objects.filter(pk__any=ids)) == {first, second}
    assert not Partnership.objects.filter(pk__any=IdSet([])).exists()


def test_an_id_set_survives_the_cache_and_refuses_to_be_a_plain_list():
    ids = pickle.loads(pickle.dumps(IdSet([3, 1, 2])))
    assert (ids.ids, ids.array) == ((3, 1, 2), "{3,1,2}")
    with pytest.raises(TypeError, match="IdSet"):
        Partnership.objects.filter(pk__any=[1, 2])
    with pytest.raises(ValueError):
        IdSet(["1; DROP TABLE x"])


def test_the_ids_of_a_query_are_remembered_until_content_changes(settings):
    from django.core.cache import cache

    from core.cache import ids_until_content_changes

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    first = PartnershipFactory(name="A first")
    second = PartnershipFactory(name="B second")
    by_name = Partnership.objects.published().order_by("name")
    assert ids_until_content_changes(by_name) == [first.pk, second.pk]
    # A filter no row can pass asks nothing of the database.
    assert ids_until_content_changes(Partnership.objects.none()) == []

    Partnership.objects.filter(pk=first.pk).update(name="C renamed quietly")
    assert ids_until_content_changes(by_name) == [first.pk, second.pk]
    first.refresh_from_db()
    first.save()
    assert ids_until_content_changes(by_name) == [second.pk, first.pk]


def test_a_record_gone_before_it_is_drawn_is_left_out(settings):
    from django.core.cache import cache

    from core.cache import each_until_content_changes

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    drawn = each_until_content_changes("test", [1, 2, 3], lambda missing: {1: "one", 3: "three"})
    assert drawn == ["one", "three"]
