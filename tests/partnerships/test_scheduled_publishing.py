"""Scheduled publishing: a record reaches every public surface at its minute, and not before."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import PublicationStatus
from core.services import publication_run_schedule
from partnerships.models import Partnership
from tests.factories import DocumentFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

NAME = "Zephyrine Skills Partnership"


def surfaces(client, partnership) -> dict[str, bool]:
    """Where the public finds the partnership, read through the page cache as visitors do."""
    page = client.get(partnership.get_absolute_url())
    listed = client.get(reverse("partnerships:list"))
    api_list = client.get("/api/v1/partnerships/", {"page_size": 100})
    sitemap = client.get("/sitemap-partnerships.xml")
    return {
        "page": page.status_code == 200 and "Archived" not in page.content.decode(),
        "list": partnership.slug in listed.content.decode(),
        "api": client.get(f"/api/v1/partnerships/{partnership.slug}/").status_code == 200
        and partnership.slug in api_list.content.decode(),
        "search": NAME
        in client.get(reverse("partnerships:search"), {"q": "Zephyrine"}).content.decode(),
        "sitemap": partnership.slug in sitemap.content.decode(),
    }


def test_a_scheduled_record_is_published_and_archived_at_its_minute_on_every_surface(client):
    publish_at = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=1)
    partnership = PartnershipFactory(
        name=NAME,
        slug="zephyrine",
        status=PublicationStatus.DRAFT,
        publish_at=publish_at,
        unpublish_at=publish_at + datetime.timedelta(days=30),
    )
    nowhere = dict.fromkeys(["page", "list", "api", "search", "sitemap"], False)
    assert surfaces(client, partnership) == nowhere  # and now cached so

    assert publication_run_schedule(now=publish_at - datetime.timedelta(seconds=1)) == 0
    assert surfaces(client, partnership) == nowhere

    assert publication_run_schedule(now=publish_at) == 1
    assert surfaces(client, partnership) == dict.fromkeys(nowhere, True)
    partnership.refresh_from_db()
    # The schedule acts once, in the change history: put back to draft, the record stays one.
    assert partnership.publish_at is None
    assert partnership.history.first().status == PublicationStatus.PUBLISHED

    # The command makes the same pass, for cron; the archive keeps the page, marked.
    Partnership.objects.filter(pk=partnership.pk).update(unpublish_at=timezone.now())
    call_command("publish_scheduled", stdout=io.StringIO())
    partnership.refresh_from_db()
    assert (partnership.status, partnership.unpublish_at) == (PublicationStatus.ARCHIVED, None)
    assert surfaces(client, partnership) == nowhere
    assert client.get(partnership.get_absolute_url()).status_code == 200


def test_archiving_must_come_after_publishing():
    now = timezone.now()
    partnership = PartnershipFactory.build(
        status=PublicationStatus.DRAFT, publish_at=now, unpublish_at=now
    )
    with pytest.raises(ValidationError) as refused:
        partnership.full_clean()
    assert "The archiving time must come after the publishing time." in refused.value.messages


@pytest.mark.parametrize("factory", [PartnershipFactory, DocumentFactory, OrganisationFactory])
def test_a_curator_finds_the_schedule_on_every_publishable_records_form(admin_client, factory):
    record = factory(status=PublicationStatus.DRAFT)
    opts = record._meta
    form = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    ).content.decode()
    assert ">Schedule</h2>" in form
    assert 'name="publish_at_0"' in form and 'name="unpublish_at_0"' in form
