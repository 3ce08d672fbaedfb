"""What the inquiry lifecycle does to 督办单: the escalate action issues one to the lead department; closing
the inquiry, returning it (退单) or dispatching it elsewhere closes the open ones.

Called by ``Actions.act`` inside the action's unit of work, so the notice, the counter and the event
commit together; what it returns is added to the action's event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.config import Settings
from gateway.domain.access import SCHEDULER_ROLE, Actor
from gateway.domain.calendar import WorkdayCalendar, beijing_iso
from gateway.domain.errors import InvalidInput
from gateway.domain.lifecycle import Action, Status
from gateway.domain.supervision import NoticeStatus
from gateway.persistence.models import Inquiry
from gateway.persistence.supervision_models import SupervisionNotice
from gateway.services.ports import UnitOfWork

# Actions after which a notice may no longer be the department's business.
_ENDING = (Action.CLOSE, Action.RETURN, Action.DISPATCH)


def follow_up(
    uow: UnitOfWork,
    settings: Settings,
    calendar: WorkdayCalendar,
    inquiry: Inquiry,
    action: Action,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> dict[str, Any]:
    """The action's effect on the inquiry's notices (after its own effect); what the event remembers."""
    if action is Action.ESCALATE:
        notice = issue(uow, settings, calendar, inquiry, data, actor, now)
        if notice is None:
            return {"notice_id": None}  # no lead department (待派单/已退单): counted, no one to address
        return {"notice_id": notice.id, "respond_by": beijing_iso(notice.respond_by)}
    if action in _ENDING:
        closed = close_stale(uow, inquiry, now)
        return {"notices_closed": closed} if closed else {}
    return {}


def issue(
    uow: UnitOfWork,
    settings: Settings,
    calendar: WorkdayCalendar,
    inquiry: Inquiry,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> SupervisionNotice | None:
    """A notice to the inquiry's lead department, or None when it has none."""
    if inquiry.department_code is None:
        return None
    notice = SupervisionNotice(
        inquiry_id=inquiry.id,
        department_code=inquiry.department_code,
        status=NoticeStatus.ISSUED.value,
        reason=data["reason"],
        respond_by=respond_by(settings, calendar, data.get("response_workdays"), now),
        automatic=actor.role == SCHEDULER_ROLE,
        issued_by=actor.name,
        issued_by_role=actor.role,
        issued_at=now,
    )
    uow.supervision.add(notice)
    uow.flush()
    return notice


def respond_by(
    settings: Settings, calendar: WorkdayCalendar, workdays: int | None, now: datetime
) -> datetime:
    """The requested response date: the end (Beijing) of the last of so many working days from now."""
    policy = settings.supervision
    if workdays is not None and not 1 <= workdays <= policy.max_response_workdays:
        raise InvalidInput("response_workdays", f"must be between 1 and {policy.max_response_workdays}")
    return calendar.add_workdays(now, workdays or policy.response_workdays).at


def close_stale(uow: UnitOfWork, inquiry: Inquiry, now: datetime) -> list[int]:
    """Close the open notices the department no longer owes: all once the inquiry is closed, else those
    addressed to a department that no longer leads it. Returns their ids."""
    closed = []
    for notice in uow.supervision.open_of(inquiry.id):
        if inquiry.status == Status.CLOSED.value or notice.department_code != inquiry.department_code:
            notice.status, notice.closed_at = NoticeStatus.CLOSED.value, now
            closed.append(notice.id)
    return closed
