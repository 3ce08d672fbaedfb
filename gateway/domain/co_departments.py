"""协办: each co-department's task on an inquiry, its due date and its state, and the 协办意见 it gives.

A co-department's task is due a configured number of working days before the lead's deadline (办理时限),
at the end of that working day (Beijing), but never before the end of the day of dispatch. The due date is
computed on read from the lead's deadline, so an approved extension or a 重办 moves it too; nothing about
it is stored. The state is derived as well: answered once the department gave its opinion, overdue once
its due day has ended without one, pending before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from gateway.domain.calendar import SHANGHAI, WorkdayCalendar
from gateway.domain.lifecycle import HANDLING, Status

OPINION_EVENT = "opinion"  # the history entry of a 协办意见 (an event, not a lifecycle action)
OPINION_MAX_CHARS = 4000
# While the lead department holds the inquiry, its co-departments may give their opinions.
OPINION_STATUSES: frozenset[Status] = HANDLING

_END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)


class TaskState(StrEnum):
    """Where a co-department's task stands."""

    PENDING = "pending"  # 待反馈
    ANSWERED = "answered"  # 已反馈
    OVERDUE = "overdue"  # 超期未反馈
    # Never answered, and the lead has replied or the inquiry is closed: nothing is waiting for it any more
    # (kept apart so that the supervisors' overdue list shows only what can still be chased).
    LAPSED = "lapsed"  # 未反馈（已结束）


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI).astimezone(UTC)


def _end(day: date) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=SHANGHAI).astimezone(UTC)


def workdays_before(calendar: WorkdayCalendar, day: date, workdays: int) -> date:
    """The workdays-th working day before day (day itself never counts); day itself for 0."""
    remaining = workdays
    while remaining > 0:
        day -= _ONE_DAY
        if calendar.is_workday(day)[0]:
            remaining -= 1
    return day


def task_due_at(
    calendar: WorkdayCalendar, lead_due_at: datetime | None, dispatched_at: datetime | None, workdays: int
) -> datetime | None:
    """When a co-department's opinion is due: the end of the workdays-th working day before the lead's
    deadline day, not before the end of the dispatch day (a short deadline leaves the co-department the
    day it was asked); None while the inquiry has no deadline."""
    if lead_due_at is None:
        return None
    due = _end(workdays_before(calendar, _day(lead_due_at), workdays))
    if dispatched_at is not None:
        due = max(due, _end(_day(dispatched_at)))
    return due


def is_past(due_at: datetime, now: datetime) -> bool:
    """True once the due day (Beijing) has ended."""
    return now >= _start(_day(due_at) + _ONE_DAY)


def task_state(
    due_at: datetime | None, answered_at: datetime | None, now: datetime, status: str | None = None
) -> TaskState:
    """answered / lapsed / overdue / pending, from the stored answer time, the inquiry's status (None: still
    handled), the due date and the clock."""
    if answered_at is not None:
        return TaskState.ANSWERED
    if status is not None and Status(status) not in OPINION_STATUSES:
        return TaskState.LAPSED
    if due_at is not None and is_past(due_at, now):
        return TaskState.OVERDUE
    return TaskState.PENDING


@dataclass(frozen=True)
class OverdueBounds:
    """The same rule as bounds on the stored columns, for SQL: an unanswered task is overdue exactly when
    ``lead_due_at < lead_due_before`` and ``dispatched_at < dispatched_before`` (tests check both forms
    agree). Valid because the due date only grows with the lead's deadline and the dispatch day."""

    lead_due_before: datetime
    dispatched_before: datetime


def overdue_bounds(calendar: WorkdayCalendar, now: datetime, workdays: int) -> OverdueBounds:
    """The bounds of ``OverdueBounds`` at this moment."""
    today = _day(now)
    # The task is overdue iff its due day D is before today. D (unclamped) is before today iff fewer than
    # `workdays` working days lie in [today, lead day), i.e. iff the lead's day is on or before Y, the
    # workdays-th working day counted from today itself (Y = today - 1 day for 0 workdays).
    last = today - _ONE_DAY
    for _ in range(workdays):
        last += _ONE_DAY
        while not calendar.is_workday(last)[0]:
            last += _ONE_DAY
    return OverdueBounds(lead_due_before=_start(last + _ONE_DAY), dispatched_before=_start(today))


def refusal(status: str, answered_at: datetime | None) -> str | None:
    """Why a co-department may not give its opinion now, or None."""
    if answered_at is not None:
        return "this co-department's task is answered already: one opinion per task (协办意见 已反馈)"
    if Status(status) not in OPINION_STATUSES:
        allowed = ", ".join(sorted(s.value for s in OPINION_STATUSES))
        return f"the inquiry is {status}: opinions are taken while the lead department handles it ({allowed})"
    return None
