"""Where a project stands on a given day, read from its own dates: pure, no database.

An alliance's status is never typed in and left to go stale: it follows from its start and its
end (or its start and duration), as of the day asked. A date known only to the month or the
year covers that whole period, so a project ending "2026" has ended only once 2026 is over; a
day inside such a period cannot be decided either way, and the answer says so rather than
guess. A status a source reports is used only where the dates cannot decide.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.partial_dates import DatePrecision, PartialDate


class Phase(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started yet")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")
    UNKNOWN = "unknown", _("Not known")


def first_day(date: PartialDate) -> datetime.date:
    return date.date


def last_day(date: PartialDate) -> datetime.date:
    """The last day a partial date can mean: the end of its month or year."""
    value = date.date
    if date.precision == DatePrecision.YEAR:
        return datetime.date(value.year, 12, 31)
    if date.precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def add_months(date: datetime.date, months: int) -> datetime.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Timeline:
    """A project's dates and what they say about one day."""

    starts: PartialDate | None
    ends: PartialDate | None
    duration_months: int | None = None
    reported: str = ""  # a Phase a source reports, or "" when none does

    @property
    def ends_by(self) -> datetime.date | None:
        """The latest day the project can end: its end date, else its start plus duration."""
        if self.ends:
            return last_day(self.ends)
        if self.starts and self.duration_months:
            return add_months(last_day(self.starts), self.duration_months) - datetime.timedelta(1)
        return None

    @property
    def ends_from(self) -> datetime.date | None:
        """The earliest day the project can end."""
        if self.ends:
            return first_day(self.ends)
        if self.starts and self.duration_months:
            return add_months(first_day(self.starts), self.duration_months) - datetime.timedelta(1)
        return None

    def from_dates(self, today: datetime.date) -> Phase:
        """What the dates alone say about ``today``; ``UNKNOWN`` where they cannot decide."""
        if self.starts and today < first_day(self.starts):
            return Phase.NOT_STARTED
        if self.ends_by and today > self.ends_by:
            return Phase.ENDED
        started = self.starts is not None and today > last_day(self.starts)
        if started and self.ends_from and today < self.ends_from:
            return Phase.ONGOING
        return Phase.UNKNOWN

    def phase(self, today: datetime.date) -> Phase:
        """The dates' answer, else the status a source reports (if the dates allow it)."""
        found = self.from_dates(today)
        if found != Phase.UNKNOWN or not self.reported:
            return found
        return Phase(self.reported) if self.allows(Phase(self.reported), today) else found

    def allows(self, phase: Phase, today: datetime.date) -> bool:
        """Whether ``phase`` on ``today`` is consistent with the dates that are known."""
        if phase == Phase.ENDED:
            return not (self.ends_from and today < self.ends_from) and not (
                self.starts and today < first_day(self.starts)
            )
        if phase == Phase.ONGOING:
            return not (self.starts and today < first_day(self.starts)) and not (
                self.ends_by and today > self.ends_by
            )
        if phase == Phase.NOT_STARTED:
            return not (self.starts and today > last_day(self.starts))
        return True
