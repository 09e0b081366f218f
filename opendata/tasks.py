"""The portal's background tasks, run by the worker (``manage.py procrastinate worker``).

procrastinate keeps its queue in the portal's PostgreSQL: a task deferred inside a transaction
is queued only if that transaction commits, so a change and the webhooks announcing it are
written together or not at all. See docs/deployment.md, "The background worker".
"""

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from . import bulk, changes, webhooks
from .datasets import dataset_of

logger = logging.getLogger(__name__)

# 8 attempts, waiting 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h and 21.7 h between them: the
# last is made about 27 hours after the first, so a receiver down for a day still gets it.
WEBHOOK_RETRY = RetryStrategy(
    max_attempts=7, exponential_wait=5, retry_exceptions={webhooks.DeliveryFailed}
)


def retry_schedule_seconds() -> list[int]:
    return [5 ** (attempt + 1) for attempt in range(WEBHOOK_RETRY.max_attempts)]


@app.task(name="opendata.deliver_webhook", retry=WEBHOOK_RETRY, pass_context=True)
def deliver_webhook(context, delivery_id: int) -> None:
    delivery_model = apps.get_model("opendata", "WebhookDelivery")
    delivery = delivery_model.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == delivery.Status.DELIVERED:
        # Deleted with its subscription, or already taken (a redelivery raced a retry):
        # nothing is sent twice under one webhook-id by the portal's own doing.
        return
    if not delivery.subscription.active:
        return
    try:
        webhooks.attempt(delivery)
    except webhooks.DeliveryFailed:
        if context.job.attempts >= WEBHOOK_RETRY.max_attempts:
            delivery.status = delivery.Status.FAILED
            delivery.save(update_fields=["status"])
            logger.warning(
                "webhook given up",
                extra={"delivery": delivery.pk, "url": delivery.subscription.url},
            )
        raise


def queue_delivery(delivery) -> None:
    deliver_webhook.configure(lock=delivery.lock).defer(delivery_id=delivery.pk)


def history_recorded(sender, history_instance, **kwargs) -> None:
    """Hand a change the history just recorded to the subscriptions that want it, in the
    same transaction (django-simple-history's ``post_create_historical_record``)."""
    dataset = dataset_of(sender)
    if dataset is None:
        return
    subscription_model = apps.get_model("opendata", "WebhookSubscription")
    subscriptions = list(subscription_model.objects.filter(active=True))
    if not subscriptions:
        return
    found = changes.event_for_history(dataset, history_instance)
    if found is None:
        return
    event, before = found
    delivery_model = apps.get_model("opendata", "WebhookDelivery")
    body = webhooks.payload(event, before)
    with transaction.atomic():
        for subscription in subscriptions:
            if subscription.wants(event.type):
                delivery = delivery_model.objects.create(
                    subscription=subscription,
                    message_id=f"msg_{event.id}",
                    event_type=event.type,
                    record=f"{dataset.event_name}-{event.record_id}",
                    payload=body,
                )
                queue_delivery(delivery)


@app.periodic(cron=settings.OPEN_DATA_SCHEDULE, periodic_id="open-data-bulk")
@app.task(name="opendata.write_bulk_archive", queueing_lock="open-data-bulk")
def write_bulk_archive(timestamp: int) -> None:
    archive = bulk.publish_archive()
    logger.info("open data archive written", extra={"archive": archive.name})
