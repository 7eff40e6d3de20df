"""Digest weeks are Monday–Sunday in the channel's timezone, across DST and far from UTC."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.week import (
    UnknownTimezone,
    last_full_week,
    send_time,
    week_at,
    week_of,
    weeks_ending,
    zone,
)


def utc(*args) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def hours(week) -> float:
    return (week.end - week.start) / 3600


def test_london_spring_forward_week_is_167_hours():
    week = week_of(date(2026, 3, 25), "Europe/London")  # BST from Sun 29 March 01:00 UTC
    assert week.key == "2026-03-23"
    assert week.start == utc(2026, 3, 23, 0)  # midnight GMT
    assert week.end == utc(2026, 3, 29, 23)  # midnight BST
    assert hours(week) == 167


def test_london_fall_back_week_is_169_hours():
    week = week_of(date(2026, 10, 25), "Europe/London")  # GMT again from Sun 25 October
    assert week.key == "2026-10-19"
    assert week.start == utc(2026, 10, 18, 23)
    assert week.end == utc(2026, 10, 26, 0)
    assert hours(week) == 169


def test_new_york_both_changes():
    spring = week_of(date(2026, 3, 8), "America/New_York")  # EDT from Sun 8 March
    assert (spring.key, spring.start, spring.end) == (
        "2026-03-02",
        utc(2026, 3, 2, 5),
        utc(2026, 3, 9, 4),
    )
    autumn = week_of(date(2026, 11, 1), "America/New_York")  # EST from Sun 1 November
    assert autumn.start == utc(2026, 10, 26, 4) and autumn.end == utc(2026, 11, 2, 5)
    assert hours(autumn) == 169


def test_a_sunday_night_review_across_the_change_stays_in_its_week():
    # 23:30 on Sunday 29 March in London is 22:30 UTC: still the week of 23 March.
    late_sunday = utc(2026, 3, 29, 22, 30)
    assert week_at(late_sunday, "Europe/London").key == "2026-03-23"
    # The same instant is already Monday in Auckland and in Kiritimati.
    assert week_at(late_sunday, "Pacific/Auckland").key == "2026-03-30"
    assert week_at(late_sunday, "Pacific/Kiritimati").key == "2026-03-30"


def test_kiritimati_week_starts_fourteen_hours_before_utc():
    week = week_of(date(2026, 3, 25), "Pacific/Kiritimati")  # UTC+14 all year
    assert week.start == utc(2026, 3, 22, 10)
    assert week_at(utc(2026, 3, 22, 10), "Pacific/Kiritimati").key == "2026-03-23"
    assert week_at(utc(2026, 3, 22, 9, 59, 59), "Pacific/Kiritimati").key == "2026-03-16"


def test_auckland_dst_ends_in_april():
    week = week_of(date(2026, 4, 1), "Pacific/Auckland")  # NZST from Sun 5 April 03:00
    assert week.start == utc(2026, 3, 29, 11)  # midnight NZDT (+13)
    assert week.end == utc(2026, 4, 5, 12)  # midnight NZST (+12)
    assert hours(week) == 169


def test_last_full_week_and_send_time_in_auckland():
    # Monday 30 March 2026, 08:59 in Auckland is Sunday 29 March 19:59 UTC.
    now = utc(2026, 3, 29, 19, 59)
    week = last_full_week(now, "Pacific/Auckland")
    assert week.key == "2026-03-23"
    due = send_time(week, weekday=0, hour=9)
    assert due == utc(2026, 3, 29, 20)  # Monday 09:00 NZDT
    assert now < due <= now + 60


def test_send_time_in_a_skipped_hour_falls_after_the_gap():
    ordinary = week_of(date(2026, 3, 23), "Europe/London")  # sent Sunday 5 April, BST
    assert send_time(ordinary, weekday=6, hour=1) == utc(2026, 4, 5, 0)
    skipped = week_of(date(2026, 3, 16), "Europe/London")  # sent Sunday 29 March at 01:00,
    # an hour London skips: it goes out at the first instant after the gap (02:00 BST).
    assert send_time(skipped, weekday=6, hour=1) == utc(2026, 3, 29, 1)


def test_weeks_ending_are_contiguous_and_oldest_first():
    weeks = weeks_ending(week_of(date(2026, 11, 4), "America/New_York"), 8)
    assert [w.key for w in weeks][-1] == "2026-11-02" and len(weeks) == 8
    assert all(a.end == b.start for a, b in pairwise(weeks))


def test_labels_read_like_dates():
    assert week_of(date(2026, 3, 25), "UTC").label() == "23–29 March 2026"
    assert week_of(date(2026, 4, 1), "UTC").label() == "30 March – 5 April 2026"
    assert week_of(date(2026, 12, 31), "UTC").label() == "28 December 2026 – 3 January 2027"


def test_unknown_timezone_is_a_friendly_error():
    with pytest.raises(UnknownTimezone, match="IANA name like Europe/London"):
        zone("Mars/Olympus")
    with pytest.raises(UnknownTimezone):
        zone("../../etc/passwd")


ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",
]


@settings(max_examples=300, deadline=None)
@given(
    instant=st.floats(min_value=utc(2000, 1, 1), max_value=utc(2037, 12, 31)),
    tz=st.sampled_from(ZONES),
)
def test_every_instant_is_in_exactly_one_local_week(instant, tz):
    week = week_at(instant, tz)
    assert week.start <= instant < week.end
    assert week.monday.weekday() == 0
    local = datetime.fromtimestamp(instant, zone(tz)).date()
    assert week.monday <= local < week.monday + timedelta(days=7)
    assert week.shifted(1).start == week.end and week.shifted(-1).end == week.start
    assert 166 <= hours(week) <= 170
