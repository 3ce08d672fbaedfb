"""What each lifecycle action does to an inquiry, as a table beside the transition table (lifecycle).

``EFFECTS[action]`` changes the inquiry's fields for the action and returns what its event remembers.
The status itself is the transition table's business; the caller sets it after the effect. Effects act
on ``Handled`` (the fields they touch; the stored inquiry has them) and are told the rest in a ``Context``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from gateway.domain.calendar import WorkdayCalendar, beijing_iso
from gateway.domain.errors import InvalidInput
from gateway.domain.lifecycle import Action, Status
from gateway.domain.satisfaction import Satisfaction


class Handled(Protocol):
    """The fields of an inquiry that the actions change."""

    kind: str
    status: str
    department_code: str | None
    dispatched_at: datetime | None
    due_at: datetime | None
    calendar_estimated: bool
    extension_workdays: int | None
    escalation_count: int
    replied_at: datetime | None
    reply_note: str | None
    public_reply: str | None
    satisfaction: str | None
    solved: bool | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Context:
    """What an effect needs beyond the inquiry and the action's input."""

    now: datetime
    calendar: WorkdayCalendar
    workdays: Mapping[str, int]  # 办理时限 per kind
    max_extension_workdays: int
    is_department: Callable[[str], bool]
    set_co_departments: Callable[[Sequence[str]], None]  # replaces the inquiry's 协办单位 where they are kept


Effect = Callable[[Handled, Mapping[str, Any], Context], dict[str, Any]]

# The one table of effects, an entry for every action (tests/unit/test_lifecycle_effects.py checks it),
# filled by ``@effect(action)`` below.
EFFECTS: dict[Action, Effect] = {}

# What 重办 (reopen) voids: the answer, its rating and the end.
VOID_ON_REOPEN = ("closed_at", "satisfaction", "solved", "reply_note", "public_reply", "replied_at")


def effect(action: Action) -> Callable[[Effect], Effect]:
    """Enter the decorated function in EFFECTS as what the action does."""

    def enter(function: Effect) -> Effect:
        EFFECTS[action] = function
        return function

    return enter


def set_deadline(inquiry: Handled, start: datetime, ctx: Context) -> None:
    """The deadline for the inquiry's kind, counted in working days from start."""
    deadline = ctx.calendar.add_workdays(start, ctx.workdays[inquiry.kind])
    inquiry.due_at = deadline.at
    inquiry.calendar_estimated = deadline.estimated


def dispatch_to(inquiry: Handled, lead: str, co: Sequence[str], ctx: Context) -> None:
    """Hand the inquiry to a lead department (主办) and co-departments (协办); its deadline starts now."""
    inquiry.department_code = lead
    ctx.set_co_departments(co)
    inquiry.dispatched_at = ctx.now
    inquiry.status = Status.DISPATCHED.value
    set_deadline(inquiry, ctx.now, ctx)


@effect(Action.DISPATCH)
def _dispatch(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    lead = data["department"]
    co = [c for c in dict.fromkeys(data.get("co_departments") or []) if c != lead]
    for field, codes in (("department", [lead]), ("co_departments", co)):
        unknown = [c for c in codes if not ctx.is_department(c)]
        if unknown:
            raise InvalidInput(field, f"unknown department code: {', '.join(unknown)}")
    dispatch_to(inquiry, lead, co, ctx)
    return {"department": lead, "co_departments": co, "due_at": beijing_iso(inquiry.due_at)}


@effect(Action.ACKNOWLEDGE)
def _acknowledge(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return {}  # the status change says it all


@effect(Action.RETURN)
def _return(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    previous = inquiry.department_code
    inquiry.department_code = None
    ctx.set_co_departments(())
    inquiry.due_at = None
    inquiry.dispatched_at = None
    return {"department": previous}


@effect(Action.REQUEST_EXTENSION)
def _request_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    days = int(data["workdays"])
    if days > ctx.max_extension_workdays:
        raise InvalidInput(
            "workdays", f"an extension may add at most {ctx.max_extension_workdays} working days"
        )
    inquiry.extension_workdays = days
    return {"workdays": days}


@effect(Action.APPROVE_EXTENSION)
def _approve_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    days = inquiry.extension_workdays or 0
    old = inquiry.due_at
    if old is not None:
        deadline = ctx.calendar.add_workdays(old, days)
        inquiry.due_at = deadline.at
        inquiry.calendar_estimated = inquiry.calendar_estimated or deadline.estimated
    inquiry.extension_workdays = None
    return {"workdays": days, "old_due_at": beijing_iso(old), "due_at": beijing_iso(inquiry.due_at)}


@effect(Action.REFUSE_EXTENSION)
def _refuse_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.extension_workdays = None
    return {}


@effect(Action.REPLY)
def _reply(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.reply_note = data["note"]
    inquiry.public_reply = data.get("public_reply")
    inquiry.replied_at = ctx.now
    return {"public_reply": inquiry.public_reply}


@effect(Action.CALLBACK)
def _callback(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.satisfaction = Satisfaction(data["satisfaction"]).value
    inquiry.solved = bool(data["solved"])
    return {"satisfaction": inquiry.satisfaction, "solved": inquiry.solved}


@effect(Action.CLOSE)
def _close(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.closed_at = ctx.now
    return {}


@effect(Action.REOPEN)
def _reopen(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    # 重办: the answer and its rating are void; the department (if any) gets a fresh deadline.
    for name in VOID_ON_REOPEN:
        setattr(inquiry, name, None)
    if inquiry.department_code:
        set_deadline(inquiry, ctx.now, ctx)
    return {"department": inquiry.department_code, "due_at": beijing_iso(inquiry.due_at)}


@effect(Action.ESCALATE)
def _escalate(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.escalation_count += 1
    return {"escalation_count": inquiry.escalation_count}
