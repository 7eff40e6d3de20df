"""Digest weeks: Monday 00:00 to the next Monday 00:00 in the channel's own timezone.

A week is named by the ISO date of its local Monday ("2026-03-23"). Boundaries are
computed as local midnights and only then turned into UTC timestamps, so a week that
contains a DST change is 167 or 169 hours long, as the people in that channel lived it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class UnknownTimezone(ValueError):
    """A timezone name zoneinfo does not know; the message says what to give instead."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a friendly UnknownTimezone."""
    try:
        return ZoneInfo((name or "UTC").strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimezone(
            f"{name!r} is not a timezone I know: use an IANA name like Europe/London, "
            "America/New_York or UTC"
        ) from error


def local_midnight(day: date, tz: ZoneInfo) -> float:
    """The UTC timestamp at which `day` begins in `tz` (a skipped midnight: the first instant)."""
    # A midnight that a DST jump skips does not exist; zoneinfo reads it with the offset in
    # force before the jump (fold=0), which is exactly the first instant of `day`.
    return datetime.combine(day, time(0), tzinfo=tz).timestamp()


@dataclass(frozen=True)
class Week:
    """One Monday–Sunday week in one timezone, with its UTC bounds [start, end)."""

    monday: date
    tz_name: str
    start: float
    end: float

    @property
    def key(self) -> str:
        return self.monday.isoformat()

    def label(self) -> str:
        """`17–23 March 2026` (or across months/years, both ends in full)."""
        sunday = self.monday + timedelta(days=6)
        if sunday.month == self.monday.month:
            return f"{self.monday.day}–{sunday.day} {sunday:%B %Y}"
        if sunday.year == self.monday.year:
            return f"{self.monday.day} {self.monday:%B} – {sunday.day} {sunday:%B %Y}"
        return f"{self.monday.day} {self.monday:%B %Y} – {sunday.day} {sunday:%B %Y}"

    def shifted(self, weeks: int) -> Week:
        return week_of(self.monday + timedelta(weeks=weeks), self.tz_name)


def week_of(day: date, tz_name: str) -> Week:
    """The week (in `tz_name`) that contains the local date `day`."""
    tz = zone(tz_name)
    monday = day - timedelta(days=day.weekday())
    return Week(
        monday=monday,
        tz_name=tz_name,
        start=local_midnight(monday, tz),
        end=local_midnight(monday + timedelta(days=7), tz),
    )


def week_at(timestamp: float, tz_name: str) -> Week:
    """The week (in `tz_name`) that the instant `timestamp` falls in."""
    return week_of(datetime.fromtimestamp(timestamp, zone(tz_name)).date(), tz_name)


def last_full_week(now: float, tz_name: str) -> Week:
    """The most recent complete Monday–Sunday week before `now`, in `tz_name`."""
    return week_at(now, tz_name).shifted(-1)


def weeks_ending(week: Week, count: int) -> list[Week]:
    """`count` consecutive weeks, oldest first, the last of them `week`."""
    return [week.shifted(-i) for i in range(count - 1, -1, -1)]


def send_time(week: Week, weekday: int, hour: int) -> float:
    """When the digest of `week` is due: `weekday` (0 = Monday) at `hour`:00 of the week after.

    An hour that a DST jump skips that day resolves to the first instant after the gap.
    """
    tz = zone(week.tz_name)
    day = week.monday + timedelta(days=7 + max(0, min(6, weekday)))
    hour = max(0, min(23, hour))
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC).timestamp()
