"""The change feed: replayed from the start, it rebuilds exactly the published data."""

import pytest
from django.urls import reverse

from alliances.models import Alliance
from core.models import PublicationStatus
from core.services import publication_set_status
from ecosystems.models import Ecosystem
from opendata.datasets import feed_datasets
from tests.factories import (
    DocumentFactory,
    OrganisationFactory,
    PartnershipFactory,
    RegionFactory,
    ecosystem,
)

FEED = reverse("api:changes")
# One query per table of the feed, and one per link the partnerships' history keeps
# (linked ecosystems, countries, regions), whatever the number of events.
FEED_QUERIES = len(feed_datasets()) + 3


def replay(client, since=None, limit=7, mirror=None):
    """What a mirroring client does: apply every page of events, following the cursor."""
    mirror = mirror or {dataset.name: {} for dataset in feed_datasets()}
    cursor = since
    pages = 0
    while True:
        query = {"limit": limit} | ({"since": cursor} if cursor else {})
        response = client.get(FEED, query)
        assert response.status_code == 200, response.content
        body = response.json()
        for event in body["events"]:
            table = mirror[event["dataset"]]
            if event["data"] is None:
                assert event["type"].endswith(".deleted")
                table.pop(event["record"], None)
            else:
                table[event["record"]] = event["data"]
        cursor = body["next_cursor"] or cursor
        pages += 1
        if not body["more"]:
            return mirror, cursor, pages


def published_now():
    return {
        dataset.name: {
            record.pk: dataset.values(record, dataset.feed_columns())
            for record in dataset.published_rows()
        }
        for dataset in feed_datasets()
    }


def a_history_of_edits():
    """Creates, edits, links, publications, unpublications and deletes through every path."""
    region = RegionFactory()
    published = PartnershipFactory(acronym="EARLY")
    published.countries.set(["IT", "FR"])
    regional = PartnershipFactory(regional=True)
    regional.linked_ecosystems.set([ecosystem("digital"), ecosystem("health")])
    regional.regions.set([region])
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Secret draft")
    draft.summary = "Still a secret"
    draft.save()
    organisation = OrganisationFactory()
    OrganisationFactory(status=PublicationStatus.DRAFT)
    document = DocumentFactory(partnership=published)
    published.summary = "Changed while public"
    published.save()
    publication_set_status(objects=[draft], status=PublicationStatus.PUBLISHED)
    draft.refresh_from_db()
    draft.name = "No longer secret"
    draft.save()
    publication_set_status(objects=[document], status=PublicationStatus.ARCHIVED)
    organisation.delete()
    regional.countries.set(["DE"])
    kept_alliance = Alliance.objects.filter(status=PublicationStatus.PUBLISHED).first()
    if kept_alliance:
        kept_alliance.description = "Edited"
        kept_alliance.save()
    health = Ecosystem.objects.get(slug="health")
    health.description = "Edited description of the health ecosystem."
    health.save()


def test_replaying_the_feed_rebuilds_the_published_data(db, client):
    a_history_of_edits()
    mirror, _cursor, pages = replay(client)
    assert pages > 1
    assert mirror == published_now()
    assert mirror["partnerships"]  # something to compare
    assert len(mirror["ecosystems"]) == 14


def test_a_mirror_follows_changes_after_its_cursor(db, client):
    a_history_of_edits()
    leaving = OrganisationFactory()
    mirror, cursor, _pages = replay(client)
    partnership = PartnershipFactory(name="Launched later")
    publication_set_status(objects=[partnership], status=PublicationStatus.DRAFT)
    leaving.delete()
    later = client.get(FEED, {"since": cursor, "limit": 500}).json()["events"]
    assert [e["type"] for e in later] == [
        "partnership.created",
        "partnership.deleted",
        "organisation.deleted",
    ]
    mirror, _cursor, _pages = replay(client, since=cursor, mirror=mirror)
    assert mirror == published_now()


def test_a_draft_never_shows(db, client):
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Hidden away")
    draft.summary = "hidden text"
    draft.save()
    OrganisationFactory(status=PublicationStatus.DRAFT, name="Hidden organisation")
    body = client.get(FEED, {"limit": 500}).content.decode()
    assert "Hidden" not in body
    assert "hidden text" not in body


def test_unpublishing_is_a_tombstone_and_republishing_a_creation(db, client):
    partnership = PartnershipFactory()
    for status in (PublicationStatus.DRAFT, PublicationStatus.PUBLISHED):
        publication_set_status(objects=[partnership], status=status)
    events = [
        e
        for e in client.get(FEED, {"limit": 500}).json()["events"]
        if e["dataset"] == "partnerships"
    ]
    assert [e["type"] for e in events] == [
        "partnership.created",
        "partnership.deleted",
        "partnership.created",
    ]
    assert events[1]["data"] is None
    assert events[2]["data"]["slug"] == partnership.slug


@pytest.mark.parametrize(
    "cursor", ["nonsense", "1-2", "1-2-3-4", "\x00", "1-2-3\n", "9" * 18 + "-1-1"]
)
def test_a_cursor_the_feed_never_gave_is_a_400(db, client, cursor):
    response = client.get(FEED, {"since": cursor})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_limit_is_bounded(db, client):
    assert client.get(FEED, {"limit": 0}).status_code == 400
    assert client.get(FEED, {"limit": 501}).status_code == 400


def test_recent_changes_wait_to_settle(db, client, settings):
    settings.CHANGE_FEED_SETTLE_SECONDS = 60
    PartnershipFactory(name="Just now")
    body = client.get(FEED, {"limit": 500}).json()
    assert all(e["data"] is None or e["data"].get("name") != "Just now" for e in body["events"])


def test_only_full_pages_may_be_kept_by_caches(db, client):
    PartnershipFactory()
    PartnershipFactory()
    head = client.get(FEED, {"limit": 500})
    assert "no-cache" in head["Cache-Control"]
    full = client.get(FEED, {"limit": 1})
    assert full.json()["more"] is True
    assert "no-cache" not in full.get("Cache-Control", "")


@pytest.mark.parametrize("n", [1, 5])
def test_a_page_of_the_feed_takes_the_same_queries_for_any_number_of_events(
    db, client, django_assert_num_queries, no_page_cache, n
):
    for _ in range(n):
        partnership = PartnershipFactory()
        partnership.countries.set(["IT"])
        OrganisationFactory()
    with django_assert_num_queries(FEED_QUERIES):
        assert client.get(FEED, {"limit": 500}).status_code == 200
