"""Signed webhooks through the real worker, to a receiver on loopback, through an outage."""

import collections
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from core.models import PublicationStatus
from core.services import publication_set_status
from opendata import tasks, webhooks
from opendata.changes import events
from opendata.models import WebhookDelivery, WebhookSubscription
from tests.factories import OrganisationFactory, PartnershipFactory


class Receiver(ThreadingHTTPServer):
    """An API client's endpoint: refuses while ``down``, else records what it is sent."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.down = False
        self.refused = 0
        self.received = []  # (headers, body) of each request answered 2xx

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hooks"


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.server.down:
            self.server.refused += 1
            self.send_response(503)
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.server.received.append((headers, body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_worker():
    """The worker, in this process, until no job is due."""
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)


def move_clock() -> float:
    """Time passes: every job waiting for a retry is due now. Returns how long they had left
    to wait (seconds), the outage the receiver would have lasted in real time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(extract(epoch FROM max(scheduled_at - now())), 0)"
            " FROM procrastinate_jobs WHERE status = 'todo'"
        )
        waited = float(cursor.fetchone()[0])
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() - interval '1 second'"
            " WHERE status = 'todo' AND scheduled_at > now()"
        )
    return max(waited, 0.0)


def some_changes():
    partnership = PartnershipFactory(name="Watched")
    partnership.summary = "First edit"
    partnership.save()
    partnership.countries.set(["IT", "DE"])
    other = PartnershipFactory(name="Other")
    publication_set_status(objects=[partnership], status=PublicationStatus.DRAFT)
    other.description = "Edited"
    other.save()
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Never public")
    draft.summary = "Secret"
    draft.save()
    organisation = OrganisationFactory()
    organisation.delete()
    publication_set_status(objects=[partnership], status=PublicationStatus.PUBLISHED)


@pytest.mark.django_db(transaction=True)
def test_every_event_arrives_once_in_order_and_signed_after_an_outage(receiver):
    subscription = WebhookSubscription.objects.create(name="Mirror", url=receiver.url)
    some_changes()
    expected, _more = events(None, 500)
    expected = [e for e in expected if e.position.time >= subscription.created_at]
    assert len(expected) >= 9

    receiver.down = True
    tasks.dispatch_changes.defer()
    run_worker()
    outage = 0.0
    for _attempt in range(4):  # the waits before the 2nd to 5th attempts: 5 s to 10 min
        outage += move_clock()
        run_worker()
    assert outage >= 600  # the receiver refused for more than ten minutes of schedule
    assert receiver.refused >= 5 and not receiver.received

    receiver.down = False
    move_clock()
    run_worker()

    ids = [headers["webhook-id"] for headers, _body in receiver.received]
    counts = collections.Counter(ids)
    assert set(counts) == {f"msg_{e.id}" for e in expected}
    assert set(counts.values()) == {1}
    assert not WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.DELIVERED).exists()

    verifier = Webhook(subscription.secret)
    arrived = collections.defaultdict(list)
    for headers, body in receiver.received:
        payload = verifier.verify(body, headers)  # raises unless the signature verifies
        arrived[(payload["data"]["dataset"], payload["data"]["record"])].append(payload)
    sent = collections.defaultdict(list)
    for event in expected:
        sent[(event.dataset.name, event.record_id)].append(event.type)
    for record, types in sent.items():
        assert [p["type"] for p in arrived[record]] == types, record

    watched = next(p for p in arrived.values() if p[0]["data"]["after"]["name"] == "Watched")
    assert [p["type"] for p in watched] == [
        "partnership.created",
        "partnership.updated",
        "partnership.updated",
        "partnership.deleted",
        "partnership.created",
    ]
    assert watched[1]["data"]["before"]["summary_en"] != watched[1]["data"]["after"]["summary_en"]
    assert watched[2]["data"]["after"]["countries"] == ["DE", "IT"]
    assert watched[3]["data"]["after"] is None
    assert b"Never public" not in b"".join(body for _headers, body in receiver.received)


def test_retries_last_more_than_a_day():
    assert sum(tasks.retry_schedule_seconds()) > 24 * 3600


def test_the_signature_is_standard_webhooks(db):
    subscription = WebhookSubscription(name="x", url="https://example.org/hooks")
    delivery = WebhookDelivery(
        subscription=subscription, message_id="msg_partnership-1", payload={"type": "t"}
    )
    request = webhooks.signed_request(delivery)
    headers = {name.lower(): value for name, value in request.header_items()}
    assert Webhook(subscription.secret).verify(request.data, headers) == {"type": "t"}
    tampered = request.data.replace(b"t", b"u")
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription.secret).verify(tampered, headers)


@pytest.mark.django_db(transaction=True)
def test_redelivery_from_the_admin_sends_the_same_webhook_id(receiver, admin_client):
    subscription = WebhookSubscription.objects.create(name="Mirror", url=receiver.url)
    PartnershipFactory()
    tasks.dispatch_changes.defer()
    run_worker()
    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get()
    response = admin_client.post(
        reverse("admin:opendata_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    run_worker()
    assert [h["webhook-id"] for h, _b in receiver.received] == [delivery.message_id] * 2
    assert subscription.deliveries.get().attempts == 2


@pytest.mark.parametrize("model", ["webhooksubscription", "webhookdelivery"])
def test_the_admin_pages_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:opendata_{model}_changelist")).status_code == 200
    if model == "webhooksubscription":
        assert admin_client.get(reverse(f"admin:opendata_{model}_add")).status_code == 200


def test_curators_do_not_manage_subscriptions(db, client):
    """A subscription holds a secret and decides where data goes: superusers only (README,
    "Curation"). The Curators group holds no right on either model."""
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    curator = get_user_model().objects.get(username="cora")
    assert not [p for p in curator.get_all_permissions() if p.startswith("opendata.")]
    client.force_login(curator)
    for model in ("webhooksubscription", "webhookdelivery"):
        assert client.get(reverse(f"admin:opendata_{model}_changelist")).status_code == 403
