from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.calendar import SHANGHAI, CalendarOverrides, Deadline, WorkdayCalendar

# Holiday facts below were read from chinesecalendar 1.11.0 (get_holiday_detail / is_workday):
#   New Year        2026-01-01..01-03 off, Sun 01-04 worked
#   Spring Festival 2026-02-15..02-23 off, Sat 02-14 and Sat 02-28 worked
#   Labour Day      2026-05-01..05-05 off, Sat 05-09 worked
#   Mid-Autumn      2026-09-25..09-27 off (separate from National Day in 2026)
#   National Day    2026-10-01..10-07 off, Sun 09-20 and Sat 10-10 worked
# 2027 is not in the package at all.

CALENDAR_LOGGER = "gateway.domain.calendar"


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def test_package_data_matches_the_facts_these_tests_rely_on() -> None:
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 1)) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 7)) == (True, "National Day")
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday 调休
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday 调休
    assert chinese_calendar.get_holiday_detail(date(2026, 9, 25)) == (True, "Mid-autumn Festival")
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 15)) == (True, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 23)) == (True, "Spring Festival")
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert not chinese_calendar.is_workday(date(2026, 5, 5))
    assert chinese_calendar.is_workday(date(2026, 5, 9))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_ordinary_week(cal: WorkdayCalendar) -> None:
    deadline = cal.add_workdays(sh(2026, 3, 9), 3)  # Monday
    assert deadline == Deadline(at=utc(2026, 3, 12, 15, 59, 59), estimated=False)
    assert deadline.at.tzinfo is UTC
    assert deadline.at.astimezone(SHANGHAI) == datetime(2026, 3, 12, 23, 59, 59, tzinfo=SHANGHAI)
    assert deadline.at.microsecond == 0


def test_ordinary_week_spans_a_weekend(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(sh(2026, 3, 12), 3).at == utc(2026, 3, 17, 15, 59, 59)  # Thu -> Tue


@pytest.mark.parametrize(
    ("start", "workdays", "expected"),
    [
        # The day before National Day: Oct 1-7 are off, Oct 8 is the first working day.
        (sh(2026, 9, 30, 16), 1, utc(2026, 10, 8, 15, 59, 59)),
        (sh(2026, 9, 30, 16), 2, utc(2026, 10, 9, 15, 59, 59)),
        # The third working day is Saturday Oct 10, an adjusted workday (调休).
        (sh(2026, 9, 30, 16), 3, utc(2026, 10, 10, 15, 59, 59)),
        (sh(2026, 9, 30, 16), 4, utc(2026, 10, 12, 15, 59, 59)),
        # Friday before the Sunday 调休 of Sep 20.
        (sh(2026, 9, 18), 1, utc(2026, 9, 20, 15, 59, 59)),
        # Mid-Autumn Sep 25-27 (Fri-Sun).
        (sh(2026, 9, 24), 1, utc(2026, 9, 28, 15, 59, 59)),
        # Spring Festival: Sat Feb 14 worked, Feb 15-23 off, Sat Feb 28 worked.
        (sh(2026, 2, 13), 1, utc(2026, 2, 14, 15, 59, 59)),
        (sh(2026, 2, 13), 2, utc(2026, 2, 24, 15, 59, 59)),
        (sh(2026, 2, 13), 6, utc(2026, 2, 28, 15, 59, 59)),
        (sh(2026, 2, 13), 7, utc(2026, 3, 2, 15, 59, 59)),
        # Labour Day May 1-5, Sat May 9 worked.
        (sh(2026, 4, 30), 1, utc(2026, 5, 6, 15, 59, 59)),
        (sh(2026, 4, 30), 4, utc(2026, 5, 9, 15, 59, 59)),
        (sh(2026, 4, 30), 5, utc(2026, 5, 11, 15, 59, 59)),
        # New Year: Jan 1-3 off, Sun Jan 4 worked.
        (sh(2025, 12, 31), 1, utc(2026, 1, 4, 15, 59, 59)),
    ],
)
def test_real_2026_holidays(cal: WorkdayCalendar, start: datetime, workdays: int, expected: datetime) -> None:
    assert cal.add_workdays(start, workdays) == Deadline(at=expected, estimated=False)


def test_start_date_is_taken_in_shanghai_not_utc(cal: WorkdayCalendar) -> None:
    # 17:30 UTC on Mar 2 is 01:30 on Tue Mar 3 in Shanghai.
    assert cal.add_workdays(utc(2026, 3, 2, 17, 30), 1).at == utc(2026, 3, 4, 15, 59, 59)
    # 15:30 UTC is still 23:30 on Mon Mar 2 in Shanghai.
    assert cal.add_workdays(utc(2026, 3, 2, 15, 30), 1).at == utc(2026, 3, 3, 15, 59, 59)


def test_start_in_another_zone_is_converted(cal: WorkdayCalendar) -> None:
    # 20:00 Mon Mar 2 in New York (EST) is 09:00 Tue Mar 3 in Shanghai.
    start = datetime(2026, 3, 2, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert cal.add_workdays(start, 1).at == utc(2026, 3, 4, 15, 59, 59)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 7), utc(2026, 3, 9, 15, 59, 59)),  # Saturday -> Monday
        (sh(2026, 3, 8, 23, 59), utc(2026, 3, 9, 15, 59, 59)),  # Sunday late -> Monday
        (sh(2026, 10, 3), utc(2026, 10, 8, 15, 59, 59)),  # National Day holiday -> Oct 8
        (sh(2026, 2, 14), utc(2026, 2, 24, 15, 59, 59)),  # a 调休 Saturday start is not counted either
        (sh(2026, 3, 9, 0, 0), utc(2026, 3, 10, 15, 59, 59)),  # Monday 00:00 is still not counted
    ],
)
def test_start_day_is_never_counted(cal: WorkdayCalendar, start: datetime, expected: datetime) -> None:
    assert cal.add_workdays(start, 1).at == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 9), utc(2026, 3, 9, 15, 59, 59)),
        (sh(2026, 10, 1), utc(2026, 10, 1, 15, 59, 59)),  # 即办件 on a holiday is still due that day
        (utc(2026, 3, 2, 17, 30), utc(2026, 3, 3, 15, 59, 59)),
    ],
)
def test_zero_workdays_is_end_of_start_day(cal: WorkdayCalendar, start: datetime, expected: datetime) -> None:
    assert cal.add_workdays(start, 0) == Deadline(at=expected, estimated=False)


def test_zero_workdays_in_uncovered_year_is_not_estimated(
    cal: WorkdayCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=CALENDAR_LOGGER):
        deadline = cal.add_workdays(sh(2027, 6, 1), 0)
    assert deadline == Deadline(at=utc(2027, 6, 1, 15, 59, 59), estimated=False)
    assert caplog.records == []


def test_year_boundary_without_overrides_is_estimated_and_warns_once(
    cal: WorkdayCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=CALENDAR_LOGGER):
        first = cal.add_workdays(sh(2026, 12, 29), 13)
        second = cal.add_workdays(sh(2026, 12, 29), 13)
        cal.workdays_between(sh(2026, 12, 29), sh(2027, 3, 1))
    # Dec 30, Dec 31, then Mon-Fri from Fri Jan 1 2027: the 13th is Fri Jan 15.
    assert first == Deadline(at=utc(2027, 1, 15, 15, 59, 59), estimated=True)
    assert second == first
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()
    assert warnings[0].name == CALENDAR_LOGGER


def test_each_uncovered_year_warns_once_per_instance(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=CALENDAR_LOGGER):
        cal = WorkdayCalendar()
        cal.add_workdays(sh(2027, 12, 1), 40)  # runs into 2028
        WorkdayCalendar().add_workdays(sh(2027, 6, 1), 5)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert sum("2027" in m for m in messages) == 2
    assert sum("2028" in m for m in messages) == 1


def test_custom_logger_receives_the_warning(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.calendar.custom")
    with caplog.at_level(logging.WARNING, logger="tests.calendar.custom"):
        WorkdayCalendar(logger=logger).add_workdays(sh(2027, 6, 1), 1)
    assert [r.name for r in caplog.records] == ["tests.calendar.custom"]


def test_year_boundary_with_overrides_is_exact(caplog: pytest.LogCaptureFixture) -> None:
    overrides = CalendarOverrides(holidays=frozenset({date(2027, 1, 1)}), years=frozenset({2027}))
    cal = WorkdayCalendar(overrides)
    with caplog.at_level(logging.WARNING, logger=CALENDAR_LOGGER):
        deadline = cal.add_workdays(sh(2026, 12, 29), 13)
    # Dec 30, Dec 31, Jan 1 skipped, then Jan 4..8 and 11..15 (12 days), 13th is Mon Jan 18.
    assert deadline == Deadline(at=utc(2027, 1, 18, 15, 59, 59), estimated=False)
    assert caplog.records == []
    assert cal.covers(2027)


def test_override_holiday_in_package_year_changes_result() -> None:
    start = sh(2026, 11, 26)  # Thursday
    assert WorkdayCalendar().add_workdays(start, 1).at == utc(2026, 11, 27, 15, 59, 59)
    cal = WorkdayCalendar(CalendarOverrides(holidays=frozenset({date(2026, 11, 27)})))
    assert cal.add_workdays(start, 1) == Deadline(at=utc(2026, 11, 30, 15, 59, 59), estimated=False)
    assert cal.is_workday(date(2026, 11, 27)) == (False, False)


def test_override_workday_in_package_year_changes_result() -> None:
    cal = WorkdayCalendar(CalendarOverrides(workdays=frozenset({date(2026, 11, 29)})))  # a Sunday
    assert cal.add_workdays(sh(2026, 11, 28), 1).at == utc(2026, 11, 29, 15, 59, 59)


def test_overrides_correct_the_package() -> None:
    # Suppose the package had Oct 10 wrong: the override wins over its 调休 entry.
    cal = WorkdayCalendar(CalendarOverrides(holidays=frozenset({date(2026, 10, 10)})))
    assert cal.is_workday(date(2026, 10, 10)) == (False, False)
    assert cal.add_workdays(sh(2026, 9, 30), 3).at == utc(2026, 10, 12, 15, 59, 59)


def test_overrides_accept_plain_sets_and_reject_contradictions() -> None:
    overrides = CalendarOverrides(holidays={date(2027, 1, 1)}, years={2027})  # type: ignore[arg-type]
    assert overrides.holidays == frozenset({date(2027, 1, 1)})
    assert isinstance(overrides.years, frozenset)
    hash(overrides)
    with pytest.raises(ValueError, match="2027-01-01"):
        CalendarOverrides(holidays=frozenset({date(2027, 1, 1)}), workdays=frozenset({date(2027, 1, 1)}))
    with pytest.raises(TypeError):
        CalendarOverrides(holidays=frozenset({datetime(2027, 1, 1)}))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 9), (True, False)),
        (date(2026, 3, 7), (False, False)),
        (date(2026, 10, 1), (False, False)),
        (date(2026, 10, 10), (True, False)),
        (date(2027, 1, 1), (True, True)),  # Friday, no data: assumed working
        (date(2027, 1, 2), (False, True)),
        (date(2003, 12, 31), (True, True)),
        (date(1, 1, 1), (True, True)),
        (date(9999, 12, 31), (True, True)),
    ],
)
def test_is_workday(cal: WorkdayCalendar, day: date, expected: tuple[bool, bool]) -> None:
    assert cal.is_workday(day) == expected


def test_is_workday_rejects_datetime(cal: WorkdayCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_workday(sh(2026, 3, 9))


def test_covers(cal: WorkdayCalendar) -> None:
    assert cal.covers(2004)
    assert cal.covers(2026)
    assert not cal.covers(2003)
    assert not cal.covers(2027)
    assert not cal.covers(0)
    assert not cal.covers(10000)
    assert WorkdayCalendar(CalendarOverrides(years=frozenset({2027}))).covers(2027)


def test_extreme_years_do_not_raise(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(sh(1, 1, 1), 1).estimated
    assert cal.add_workdays(sh(9999, 12, 30), 1).at.astimezone(SHANGHAI).date() == date(9999, 12, 31)


def test_deadline_past_year_9999_is_a_value_error(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="out of range"):
        cal.add_workdays(sh(9999, 12, 31), 1)


def test_naive_datetime_is_rejected(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_workdays(datetime(2026, 3, 9, 10, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.workdays_between(datetime(2026, 3, 9), sh(2026, 3, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.workdays_between(sh(2026, 3, 9), datetime(2026, 3, 12))


def test_negative_workdays_is_rejected(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        cal.add_workdays(sh(2026, 3, 9), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (sh(2026, 3, 9), sh(2026, 3, 12, 18), 3),  # Mon -> Thu
        (sh(2026, 9, 30), sh(2026, 10, 9, 18), 2),  # National Day: only Oct 8 and 9 count
        (sh(2026, 9, 30), sh(2026, 10, 10, 18), 3),  # plus the 调休 Saturday
        (sh(2026, 2, 13), sh(2026, 2, 28, 18), 6),  # Feb 14, 24-27, 28
        (sh(2026, 3, 9), sh(2026, 3, 9, 18), 0),  # same day
        (sh(2026, 3, 12), sh(2026, 3, 9), 0),  # end before start
        (sh(2026, 3, 9), sh(2026, 3, 9), 0),  # equal
        (utc(2026, 3, 2, 17, 30), utc(2026, 3, 3, 17, 0), 1),  # Shanghai Mar 3 01:30 -> Mar 4 01:00
    ],
)
def test_workdays_between(cal: WorkdayCalendar, start: datetime, end: datetime, expected: int) -> None:
    assert cal.workdays_between(start, end) == (expected, False)


def test_workdays_between_into_uncovered_year_is_estimated(cal: WorkdayCalendar) -> None:
    assert cal.workdays_between(sh(2026, 12, 29), sh(2027, 1, 5)) == (5, True)  # Dec 30, 31, Jan 1, 4, 5


def test_five_hundred_workdays(cal: WorkdayCalendar) -> None:
    start = sh(2026, 1, 5)
    deadline = cal.add_workdays(start, 500)
    assert deadline.estimated
    assert cal.workdays_between(start, deadline.at) == (500, True)


ZONES = [UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")]


def reference_is_workday(day: date) -> bool:
    if day.year == 2026:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@settings(max_examples=300, database=None, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2026, 12, 31, 23, 59, 59),
        timezones=st.sampled_from(ZONES),
    ),
    n=st.integers(min_value=0, max_value=60),
)
def test_add_workdays_round_trips(start: datetime, n: int) -> None:
    cal = WorkdayCalendar()
    deadline = cal.add_workdays(start, n)
    local = deadline.at.astimezone(SHANGHAI)
    assert deadline.at.utcoffset() == timedelta(0)
    assert local.time() == time(23, 59, 59)
    start_day = start.astimezone(SHANGHAI).date()
    if n == 0:
        assert local.date() == start_day
    else:
        assert local.date() > start_day
        assert reference_is_workday(local.date())
    assert cal.workdays_between(start, deadline.at) == (n, deadline.estimated)
    assert deadline.estimated == (n > 0 and local.date().year > 2026)
