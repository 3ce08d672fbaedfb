"""协办 tasks: the due date in working days before the lead's deadline, the states, and the SQL bounds that
must say "overdue" exactly when the per-row rule does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gateway.domain.calendar import SHANGHAI, CalendarOverrides, WorkdayCalendar
from gateway.domain.co_departments import (
    TaskState,
    overdue_bounds,
    refusal,
    task_due_at,
    task_state,
    workdays_before,
)

CALENDAR = WorkdayCalendar()
# 2027 as the State Council might publish it: Monday 4 January a holiday, Saturday 9 January a workday.
NOTICE = WorkdayCalendar(
    CalendarOverrides(
        holidays=frozenset({date(2027, 1, 4)}),
        workdays=frozenset({date(2027, 1, 9)}),
        years=frozenset({2027}),
    )
)


def beijing(day: date, hour: int = 23, minute: int = 59, second: int = 59) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


def test_two_working_days_before_the_leads_deadline_at_the_end_of_the_day() -> None:
    dispatched = beijing(date(2026, 11, 23), 10, 0, 0)  # Monday
    lead = beijing(date(2026, 11, 26))  # Thursday (a consult: 3 working days)
    assert task_due_at(CALENDAR, lead, dispatched, 2) == beijing(date(2026, 11, 24))  # Tuesday 23:59:59
    assert task_due_at(CALENDAR, lead, dispatched, 0) == lead


def test_weekends_do_not_count() -> None:
    lead = beijing(date(2026, 12, 1))  # Tuesday
    dispatched = beijing(date(2026, 11, 20), 9, 0, 0)
    assert task_due_at(CALENDAR, lead, dispatched, 2) == beijing(date(2026, 11, 27))  # the Friday before


def test_holidays_and_adjusted_workdays_of_the_calendar_count_as_published() -> None:
    # Monday 4 January is a holiday: two working days before Wednesday 6th are Tuesday 5th and Friday 1st.
    assert workdays_before(NOTICE, date(2027, 1, 6), 2) == date(2027, 1, 1)
    # Saturday 9 January is a workday (调休): two working days before Tuesday 12th are Monday 11th and it.
    assert workdays_before(NOTICE, date(2027, 1, 12), 2) == date(2027, 1, 9)
    # National Day 2026 in chinesecalendar: 1-7 October off, Saturday 10 October worked (调休).
    assert workdays_before(CALENDAR, date(2026, 10, 9), 2) == date(2026, 9, 30)
    assert workdays_before(CALENDAR, date(2026, 10, 12), 1) == date(2026, 10, 10)


def test_never_before_the_end_of_the_dispatch_day() -> None:
    dispatched = beijing(date(2026, 11, 25), 16, 0, 0)  # Wednesday afternoon
    lead = beijing(date(2026, 11, 26))  # a one-day deadline
    assert task_due_at(CALENDAR, lead, dispatched, 2) == beijing(date(2026, 11, 25))


def test_no_deadline_no_due_date() -> None:
    assert task_due_at(CALENDAR, None, None, 2) is None
    assert task_state(None, None, beijing(date(2026, 11, 23))) is TaskState.PENDING


def test_states_pending_then_overdue_once_the_due_day_is_over_and_answered_wins() -> None:
    due = beijing(date(2026, 11, 24))
    assert task_state(due, None, beijing(date(2026, 11, 24), 23, 59, 59)) is TaskState.PENDING
    assert task_state(due, None, beijing(date(2026, 11, 25), 0, 0, 0)) is TaskState.OVERDUE
    late_answer = beijing(date(2026, 11, 26), 9, 0, 0)
    assert task_state(due, late_answer, beijing(date(2026, 11, 27))) is TaskState.ANSWERED


@pytest.mark.parametrize("workdays", [0, 1, 2, 3])
@pytest.mark.parametrize("calendar", [CALENDAR, NOTICE], ids=["chinesecalendar", "notice-2027"])
def test_the_sql_bounds_agree_with_the_per_row_rule(calendar: WorkdayCalendar, workdays: int) -> None:
    first = date(2026, 12, 21) if calendar is CALENDAR else date(2026, 12, 28)
    days = [first + timedelta(days=n) for n in range(24)]
    for now_day in days[3:18]:
        for hour, minute in ((0, 0), (10, 30), (23, 59)):
            now = beijing(now_day, hour, minute, 0)
            bounds = overdue_bounds(calendar, now, workdays)
            for dispatch_day in days[:14]:
                dispatched = beijing(dispatch_day, 9, 0, 0)
                for lead_day in (d for d in days if d >= dispatch_day):
                    lead = beijing(lead_day)
                    due = task_due_at(calendar, lead, dispatched, workdays)
                    by_row = task_state(due, None, now) is TaskState.OVERDUE
                    by_sql = lead < bounds.lead_due_before and dispatched < bounds.dispatched_before
                    assert by_row == by_sql, (now, dispatched, lead, due)


def test_refusals_name_why() -> None:
    answered = beijing(date(2026, 11, 24), 9, 0, 0)
    assert "answered already" in (refusal("acknowledged", answered) or "")
    closed = refusal("closed", None) or ""
    assert "the inquiry is closed" in closed and "dispatched" in closed and "reopened" in closed
    assert refusal("replied", None) is not None
    for status in ("dispatched", "acknowledged", "extension_requested", "reopened"):
        assert refusal(status, None) is None
