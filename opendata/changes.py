"""Change events of published content, read from the change history the portal keeps.

django-simple-history writes a historical row for every create, change and delete of each
content model, whatever the write path (admin, API, import, publishing, the loader). An
event is a historical row seen from outside: a record becomes public (``created``), changes
while public (``updated``), or stops being public, by unpublishing, archiving or deletion
(``deleted``, a tombstone without data). Rows of records that were never public on either side
(a draft edited) are no event at all, so nothing of a draft ever shows.

The same function reads the events of the feed (``/api/v1/changes/``) and of the webhooks, so
both say the same thing. Events are ordered by (time, table, historical id); a cursor names
the last event a client has, as opaque text.
"""

import datetime
import heapq
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from .datasets import PUBLISHED, Dataset, feed_datasets

CREATED, UPDATED, DELETED = "created", "updated", "deleted"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Microseconds since 1970 (17 digits reach the year 5138, within Python's dates), the table's
# place and the historical row's id (a PostgreSQL bigint).
CURSOR_PATTERN = r"^[0-9]{1,17}-[0-9]{1,4}-[0-9]{1,18}$"
CURSOR = re.compile(CURSOR_PATTERN.strip("^$"))


@dataclass(frozen=True)
class Position:
    """Where an event sits in the feed's order."""

    time: datetime.datetime
    table: int  # the dataset's place in the list of datasets
    history_id: int

    def cursor(self) -> str:
        since_epoch = self.time - EPOCH
        microseconds = (since_epoch.days * 86_400 + since_epoch.seconds) * 1_000_000
        return f"{microseconds + since_epoch.microseconds}-{self.table}-{self.history_id}"

    @classmethod
    def from_cursor(cls, cursor: str) -> "Position":
        """The position a cursor names; ``ValueError`` for text of another shape.

        Clients treat cursors as opaque. Their shape is still strict, and every text of that
        shape names a position (``CURSOR_PATTERN``, which the API schema states), so a
        well-formed cursor is never refused.
        """
        if CURSOR.fullmatch(cursor) is None:
            raise ValueError("not a cursor of this feed")
        microseconds, table, history_id = (int(part) for part in cursor.split("-"))
        time = EPOCH + datetime.timedelta(microseconds=microseconds)
        return cls(time, table, history_id)


@dataclass(frozen=True)
class Event:
    position: Position
    dataset: Dataset
    kind: str
    record_id: int
    data: dict | None

    @property
    def id(self) -> str:
        """Unique and stable: webhooks send it as ``webhook-id``, so receivers can deduplicate."""
        return f"{self.dataset.event_name}-{self.position.history_id}"

    @property
    def type(self) -> str:
        return f"{self.dataset.event_name}.{self.kind}"

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "cursor": self.position.cursor(),
            "type": self.type,
            "dataset": self.dataset.name,
            "record": self.record_id,
            "time": self.position.time.isoformat(),
            "data": self.data,
        }


def is_public(dataset: Dataset, status: str | None, history_type: str) -> bool:
    if history_type == "-":
        return False
    return status == PUBLISHED if dataset.publishable else True


def kind_of(was_public: bool, now_public: bool) -> str | None:
    if now_public:
        return UPDATED if was_public else CREATED
    return DELETED if was_public else None


def history_rows(dataset: Dataset):
    """The dataset's historical rows, each with what its record was just before it."""
    history = dataset.model.history.model
    before = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    if dataset.publishable:
        latest = before.order_by("-history_date", "-history_id")
        return history.objects.annotate(status_before=Subquery(latest.values("status")[:1]))
    # A table without drafts: its records are public from their first row on.
    return history.objects.annotate(had_earlier=Exists(before))


def visible_changes(dataset: Dataset):
    """Only rows where the record is public before or after: every other row is a draft's."""
    rows = history_rows(dataset)
    if not dataset.publishable:
        return rows
    now_public = Q(status=PUBLISHED) & ~Q(history_type="-")
    return rows.filter(now_public | Q(status_before=PUBLISHED))


def event_of(dataset: Dataset, table: int, row) -> Event | None:
    """The event a historical row is, or None if the public saw no change."""
    if dataset.publishable:
        was_public = getattr(row, "status_before", None) == PUBLISHED
    else:
        was_public = bool(getattr(row, "had_earlier", False))
    now_public = is_public(dataset, getattr(row, "status", None), row.history_type)
    kind = kind_of(was_public, now_public)
    if kind is None:
        return None
    return Event(
        position=Position(row.history_date, table, row.history_id),
        dataset=dataset,
        kind=kind,
        record_id=row.id,
        data=dataset.values(row, dataset.feed_columns()) if now_public else None,
    )


def after(rows, table: int, since: Position | None):
    if since is None:
        return rows
    later = Q(history_date__gt=since.time)
    if table > since.table:
        later |= Q(history_date=since.time)
    elif table == since.table:
        later |= Q(history_date=since.time, history_id__gt=since.history_id)
    return rows.filter(later)


def settled_before() -> datetime.datetime:
    """Events are served once this old, so a transaction still open cannot commit an event
    behind a cursor already handed out (history times are taken when rows are written, not
    when they commit)."""
    return timezone.now() - datetime.timedelta(seconds=settings.CHANGE_FEED_SETTLE_SECONDS)


def events(since: Position | None, limit: int) -> tuple[list[Event], bool]:
    """Up to ``limit`` events after ``since``, in order, and whether more follow."""
    horizon = settled_before()
    streams = []
    for table, dataset in enumerate(feed_datasets()):
        m2m = [
            dataset.history_links(dataset.model_field(column))
            for column in dataset.feed_columns()
            if dataset.model_field(column).many_to_many
        ]
        rows = (
            after(visible_changes(dataset), table, since)
            .filter(history_date__lte=horizon)
            .order_by("history_date", "history_id")
            .prefetch_related(*m2m)[: limit + 1]
        )
        streams.append([event_of(dataset, table, row) for row in rows])
    merged = heapq.merge(
        *[[e for e in stream if e is not None] for stream in streams],
        key=lambda event: (event.position.time, event.position.table, event.position.history_id),
    )
    found = list(merged)
    return found[:limit], len(found) > limit


def data_before(event: Event) -> dict | None:
    """The record's published values just before the event (None for a creation)."""
    if event.kind == CREATED:
        return None
    time, history_id = event.position.time, event.position.history_id
    earlier = (
        event.dataset.model.history.filter(id=event.record_id)
        .filter(Q(history_date__lt=time) | Q(history_date=time, history_id__lt=history_id))
        .order_by("-history_date", "-history_id")
        .first()
    )
    return event.dataset.values(earlier, event.dataset.feed_columns()) if earlier else None


def head_cursor() -> str:
    """A cursor after every event so far: where a new subscriber starts."""
    return Position(timezone.now(), 0, 0).cursor()
