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
    reply_note: str | None
    public_reply: str | None
    replied_at: datetime | None
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


def _dispatch(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    lead = data["department"]
    co = [c for c in dict.fromkeys(data.get("co_departments") or []) if c != lead]
    for field, codes in (("department", [lead]), ("co_departments", co)):
        unknown = [c for c in codes if not ctx.is_department(c)]
        if unknown:
            raise InvalidInput(field, f"unknown department code: {', '.join(unknown)}")
    dispatch_to(inquiry, lead, co, ctx)
    return {"department": lead, "co_departments": co, "due_at": beijing_iso(inquiry.due_at)}


def _acknowledge(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return {}  # the status change says it all


def _return(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    previous = inquiry.department_code
    inquiry.department_code = None
    ctx.set_co_departments(())
    inquiry.due_at = None
    inquiry.dispatched_at = None
    return {"department": previous}


def _request_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    days = int(data["workdays"])
    if days > ctx.max_extension_workdays:
        raise InvalidInput(
            "workdays", f"an extension may add at most {ctx.max_extension_workdays} working days"
        )
    inquiry.extension_workdays = days
    return {"workdays": days}


def _approve_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    days = inquiry.extension_workdays or 0
    old = inquiry.due_at
    if old is not None:
        deadline = ctx.calendar.add_workdays(old, days)
        inquiry.due_at = deadline.at
        inquiry.calendar_estimated = inquiry.calendar_estimated or deadline.estimated
    inquiry.extension_workdays = None
    return {"workdays": days, "old_due_at": beijing_iso(old), "due_at": beijing_iso(inquiry.due_at)}


def _refuse_extension(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.extension_workdays = None
    return {}


def _reply(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.reply_note = data["note"]
    inquiry.public_reply = data.get("public_reply")
    inquiry.replied_at = ctx.now
    return {"public_reply": inquiry.public_reply}


def _callback(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.satisfaction = Satisfaction(data["satisfaction"]).value
    inquiry.solved = bool(data["solved"])
    return {"satisfaction": inquiry.satisfaction, "solved": inquiry.solved}


def _close(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.closed_at = ctx.now
    return {}


def _reopen(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    # 重办: the answer and its rating are void; the department (if any) gets a fresh deadline.
    inquiry.closed_at = None
    inquiry.satisfaction = None
    inquiry.solved = None
    inquiry.reply_note = None
    inquiry.public_reply = None
    inquiry.replied_at = None
    if inquiry.department_code:
        set_deadline(inquiry, ctx.now, ctx)
    return {"department": inquiry.department_code, "due_at": beijing_iso(inquiry.due_at)}


def _escalate(inquiry: Handled, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    inquiry.escalation_count += 1
    return {"escalation_count": inquiry.escalation_count}


# The one table of effects, an entry for every action (tests/unit/test_lifecycle_effects.py checks it).
EFFECTS: dict[Action, Effect] = {
    Action.DISPATCH: _dispatch,
    Action.ACKNOWLEDGE: _acknowledge,
    Action.RETURN: _return,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REFUSE_EXTENSION: _refuse_extension,
    Action.REPLY: _reply,
    Action.CALLBACK: _callback,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
    Action.ESCALATE: _escalate,
}
