"""Core's background tasks, run by the worker (``manage.py procrastinate worker``)."""

import logging

from procrastinate.contrib.django import app

from . import linkcheck
from .services import publication_run_schedule

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="publication-schedule")
@app.task(name="core.publish_scheduled", queueing_lock="publication-schedule")
def publish_scheduled(timestamp: int | None = None) -> None:
    """Every minute, the drafts due are published and the records due archived: a record
    reaches every public surface within a minute of its ``publish_at``, and not before."""
    if changed := publication_run_schedule():
        logger.info("scheduled status changes made", extra={"changed": changed})


@app.periodic(cron="23 3 * * *", periodic_id="source-link-check")
@app.task(name="core.check_source_links", queueing_lock="source-link-check")
def check_source_links(timestamp: int | None = None) -> None:
    """Every night, each published source link is checked; the data quality dashboard lists
    the broken ones."""
    broken = linkcheck.check_links()
    logger.info("source links checked", extra={"broken": broken})
