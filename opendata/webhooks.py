"""Signed webhooks after Standard Webhooks 1.0 (https://www.standardwebhooks.com/).

Each change event goes to every subscription that wants it as a POST of JSON with three
headers: ``webhook-id`` (the event's id, the same on every retry and redelivery, so a receiver
can drop what it already has), ``webhook-timestamp`` (seconds since the epoch, at this
attempt) and ``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of
``id.timestamp.body`` keyed with the subscription's secret). The body holds the record's
values before and after the change.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .changes import Event


class DeliveryFailed(Exception):
    """The receiver did not take the event: the worker tries again later."""


def payload(event: Event, before: dict | None) -> dict:
    return {
        "type": event.type,
        "timestamp": event.position.time.isoformat(),
        "data": {
            "dataset": event.dataset.name,
            "record": event.record_id,
            "cursor": event.position.cursor(),
            "before": before,
            "after": event.data,
        },
    }


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_request(delivery, now: int | None = None) -> urllib.request.Request:
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    timestamp = int(time.time()) if now is None else now
    secret = delivery.subscription.secret
    return urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "pactportal-webhooks/1",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, delivery.message_id, timestamp, body),
        },
    )


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: the event is not taken, and the portal does not
    post it to an address the subscription never named."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def attempt(delivery) -> None:
    """Post the delivery once and log the attempt; ``DeliveryFailed`` unless the receiver
    answered 2xx."""
    outcome = {"at": timezone.now().isoformat()}
    try:
        with OPENER.open(signed_request(delivery), timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as r:
            outcome["status"] = r.status
    except urllib.error.HTTPError as error:
        outcome["status"] = error.code
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad address
        outcome["error"] = str(error)[:300]
    delivery.attempts += 1
    delivery.attempt_log = [*delivery.attempt_log, outcome][-20:]
    ok = 200 <= outcome.get("status", 0) < 300
    if ok:
        delivery.status = delivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["attempts", "attempt_log", "status", "delivered_at"])
    if not ok:
        raise DeliveryFailed(outcome.get("error") or f"HTTP {outcome['status']}")
