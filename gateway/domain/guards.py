"""Rules beyond the transition table: when a table-allowed action is still refused, and deadline states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.lifecycle import HANDLING, Action, Status, allowed_actions
from gateway.domain.satisfaction import Satisfaction


@dataclass(frozen=True)
class Facts:
    """What the guards look at on an inquiry."""

    status: Status
    dispatched_at: datetime | None
    due_at: datetime | None
    satisfaction: str | None


def refusal(
    facts: Facts, action: Action, now: datetime, calendar: WorkdayCalendar, return_window: int
) -> str | None:
    """Why a table-allowed action is refused right now, or None if it is not."""
    # 退单 only within N working days of dispatch; after that the department must handle it.
    if (
        action is Action.RETURN
        and facts.dispatched_at is not None
        and now > calendar.add_workdays(facts.dispatched_at, return_window).at
    ):
        return f"the return window of {return_window} working days after dispatch has passed"
    if action is Action.REOPEN:
        rating = Satisfaction(facts.satisfaction) if facts.satisfaction else None
        if rating is None or not rating.is_bad:
            return "reopen (重办) needs a dissatisfied callback"
    return None


def available(facts: Facts, now: datetime, calendar: WorkdayCalendar, return_window: int) -> list[Action]:
    """Actions the table allows in the current state that no guard refuses."""
    return [
        a for a in allowed_actions(facts.status) if refusal(facts, a, now, calendar, return_window) is None
    ]


def deadline_state(facts: Facts, now: datetime, due_soon_limit: datetime) -> str | None:
    """正常 / 临期 / 超期 while a department holds the inquiry; None otherwise."""
    if facts.due_at is None or facts.status not in HANDLING:
        return None
    if facts.due_at < now:
        return "overdue"
    if facts.due_at <= due_soon_limit:
        return "due_soon"
    return "normal"
