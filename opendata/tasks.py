"""The portal's background tasks, run by the worker (``manage.py procrastinate worker``).

procrastinate keeps its queue in the portal's PostgreSQL, so a job is queued in the same
transaction as the rows that call for it. Webhooks are fed from the change feed itself
(``opendata.changes``): every minute ``dispatch_changes`` reads each subscription's events
after its cursor, writes one delivery for each and queues its job, and moves the cursor on, all
in one transaction. Whatever wrote the change (admin, API, an import's bulk history, the
loader), subscribers get exactly what the feed says. See docs/deployment.md, "The background
worker".
"""

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from . import bulk, changes, webhooks

logger = logging.getLogger(__name__)

# 8 attempts, waiting 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h and 21.7 h between them: the
# last is made about 27 hours after the first, so a receiver down for a day still gets it.
WEBHOOK_RETRY = RetryStrategy(
    max_attempts=7, exponential_wait=5, retry_exceptions={webhooks.DeliveryFailed}
)
# Events read for one subscription in one transaction.
DISPATCH_BATCH = 500
JOBS_KEPT_HOURS = 7 * 24


def retry_schedule_seconds() -> list[int]:
    return [5 ** (attempt + 1) for attempt in range(WEBHOOK_RETRY.max_attempts)]


@app.task(name="opendata.deliver_webhook", retry=WEBHOOK_RETRY, pass_context=True)
def deliver_webhook(context, delivery_id: int) -> None:
    delivery_model = apps.get_model("opendata", "WebhookDelivery")
    delivery = delivery_model.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == delivery.Status.DELIVERED:
        # Deleted with its subscription, or already taken (a redelivery queued while a retry
        # was waiting): the portal sends no webhook-id twice of its own accord.
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


def dispatch_to(subscription) -> bool:
    """Queue the subscription's next events; whether more are waiting. One transaction: the
    deliveries, their jobs and the cursor are written together or not at all."""
    delivery_model = apps.get_model("opendata", "WebhookDelivery")
    with transaction.atomic():
        subscription = type(subscription).objects.select_for_update().get(pk=subscription.pk)
        found, more = changes.events(
            changes.Position.from_cursor(subscription.cursor), DISPATCH_BATCH
        )
        for event in found:
            if subscription.wants(event.type):
                delivery, created = delivery_model.objects.get_or_create(
                    subscription=subscription,
                    message_id=f"msg_{event.id}",
                    defaults={
                        "event_type": event.type,
                        "record": f"{event.dataset.event_name}-{event.record_id}",
                        "payload": webhooks.payload(event, changes.data_before(event)),
                    },
                )
                if created:
                    queue_delivery(delivery)
        if found:
            subscription.cursor = found[-1].position.cursor()
            subscription.save(update_fields=["cursor"])
    return more


@app.periodic(cron="* * * * *", periodic_id="webhook-dispatch")
@app.task(name="opendata.dispatch_changes", queueing_lock="webhook-dispatch")
def dispatch_changes(timestamp: int | None = None) -> None:
    subscription_model = apps.get_model("opendata", "WebhookSubscription")
    for subscription in subscription_model.objects.filter(active=True):
        while dispatch_to(subscription):
            pass


@app.periodic(cron=f"17 {settings.OPEN_DATA_HOUR} * * *", periodic_id="open-data-bulk")
@app.task(name="opendata.write_bulk_archive", queueing_lock="open-data-bulk")
def write_bulk_archive(timestamp: int) -> None:
    archive = bulk.publish_archive()
    logger.info("open data archive written", extra={"archive": archive.name})


@app.periodic(cron="*/5 * * * *", periodic_id="retry-stalled-jobs")
@app.task(name="opendata.retry_stalled_jobs", queueing_lock="retry-stalled-jobs")
async def retry_stalled_jobs(timestamp: int) -> None:
    """Put back in the queue the jobs of a worker that stopped beating (a machine lost, a KILL):
    a job is then run again rather than left "doing" for ever."""
    for job in await app.job_manager.get_stalled_jobs():
        await app.job_manager.retry_job(job)


@app.periodic(cron="41 4 * * *", periodic_id="remove-old-jobs")
@app.task(name="opendata.remove_old_jobs", queueing_lock="remove-old-jobs")
async def remove_old_jobs(timestamp: int) -> None:
    """The queue keeps finished jobs a week: the delivery log (WebhookDelivery) is the record."""
    await app.job_manager.delete_old_jobs(nb_hours=JOBS_KEPT_HOURS, include_failed=True)
