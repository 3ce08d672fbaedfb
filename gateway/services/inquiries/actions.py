"""The lifecycle actions (派单, 签收, 退单, 延期, 答复, 回访, 办结, 重办, 督办) and the overdue sweep."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.domain import lifecycle
from gateway.domain.access import Actor, act
from gateway.domain.calendar import beijing_iso
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.domain.lifecycle import Action, Status
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.inquiries import announcements
from gateway.services.inquiries.core import InquiryCore
from gateway.services.inquiries.queries import OVERDUE_SWEEP
from gateway.services.ports import InquiryRepository
from gateway.services.snapshots import InquirySnapshot

log = logging.getLogger(__name__)


class Actions(InquiryCore):
    """What staff and systems do to an inquiry once it is taken in."""

    def act(self, inquiry_id: int, action: Action, data: Mapping[str, Any], actor: Actor) -> InquirySnapshot:
        """Apply one lifecycle action, checked against the transition table and its guards."""
        self._require(actor, act(action))
        with self.db.writing() as uow:
            inquiry = self._load(uow.inquiries, inquiry_id, actor, for_update=True)
            now = self.clock()
            current = Status(inquiry.status)
            if not self._may_act(inquiry, actor):
                raise Forbidden("only the lead department (主办单位) may act on this inquiry")
            target = lifecycle.next_status(current, action)
            available = self._available(inquiry, now)
            if target is None or action not in available:
                reason = self._guard_reason(inquiry, action, now) if target is not None else None
                raise InvalidTransition(current.value, action.value, [a.value for a in available], reason)
            extra = self._apply(uow.inquiries, inquiry, action, data, now)
            inquiry.status = target.value
            inquiry.updated_at = now
            rows = InquiryRows()
            event = self._record(
                rows,
                inquiry,
                action.value,
                current.value,
                actor,
                note=data.get("note") or data.get("reason"),
                data=extra,
                now=now,
            )
            announcements.announce(rows, self.settings, inquiry, event, now)
            uow.inquiries.write(rows)
            log.info("inquiry %s id=%s %s -> %s", action.value, inquiry.id, current.value, target.value)
            return self._view(inquiry, actor)

    def sweep_overdue(self, actor: Actor, limit: int = OVERDUE_SWEEP) -> int:
        """督办 every overdue inquiry not yet escalated since its deadline passed; returns how many."""
        with self.db.reading() as uow:
            ids = uow.inquiries.overdue_unescalated(actor, self.clock(), limit)
        done = 0
        for inquiry_id in ids:
            try:
                self.act(inquiry_id, Action.ESCALATE, {"reason": "超期自动督办"}, actor)
                done += 1
            except (InvalidTransition, NotFound):
                continue  # handled or closed meanwhile
        return done

    def _apply(
        self,
        inquiries: InquiryRepository,
        inquiry: Inquiry,
        action: Action,
        data: Mapping[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """Change the record for an action; returns what the event should remember."""
        policy = self.settings.deadlines
        if action is Action.DISPATCH:
            lead = data["department"]
            co = [c for c in dict.fromkeys(data.get("co_departments") or []) if c != lead]
            for field, codes in (("department", [lead]), ("co_departments", co)):
                unknown = [c for c in codes if self.settings.department(c) is None]
                if unknown:
                    raise InvalidInput(field, f"unknown department code: {', '.join(unknown)}")
            self._dispatch(inquiries, inquiry, lead, co, now)
            return {"department": lead, "co_departments": co, "due_at": beijing_iso(inquiry.due_at)}
        if action is Action.RETURN:
            previous = inquiry.department_code
            inquiry.department_code = None
            inquiry.co_departments.clear()
            inquiry.due_at = None
            inquiry.dispatched_at = None
            return {"department": previous}
        if action is Action.REQUEST_EXTENSION:
            days = int(data["workdays"])
            if days > policy.max_extension_workdays:
                raise InvalidInput(
                    "workdays", f"an extension may add at most {policy.max_extension_workdays} working days"
                )
            inquiry.extension_workdays = days
            return {"workdays": days}
        if action is Action.APPROVE_EXTENSION:
            days = inquiry.extension_workdays or 0
            old = inquiry.due_at
            if old is not None:
                deadline = self.calendar.add_workdays(old, days)
                inquiry.due_at = deadline.at
                inquiry.calendar_estimated = inquiry.calendar_estimated or deadline.estimated
            inquiry.extension_workdays = None
            return {
                "workdays": days,
                "old_due_at": beijing_iso(old),
                "due_at": beijing_iso(inquiry.due_at),
            }
        if action is Action.REFUSE_EXTENSION:
            inquiry.extension_workdays = None
            return {}
        if action is Action.REPLY:
            inquiry.reply_note = data["note"]
            inquiry.public_reply = data.get("public_reply")
            inquiry.replied_at = now
            return {"public_reply": inquiry.public_reply}
        if action is Action.CALLBACK:
            inquiry.satisfaction = Satisfaction(data["satisfaction"]).value
            inquiry.solved = bool(data["solved"])
            return {"satisfaction": inquiry.satisfaction, "solved": inquiry.solved}
        if action is Action.CLOSE:
            inquiry.closed_at = now
            return {}
        if action is Action.REOPEN:
            inquiry.closed_at = None
            inquiry.satisfaction = None
            inquiry.solved = None
            inquiry.reply_note = None
            inquiry.public_reply = None
            inquiry.replied_at = None
            if inquiry.department_code:
                self._set_deadline(inquiry, now)
            return {"department": inquiry.department_code, "due_at": beijing_iso(inquiry.due_at)}
        if action is Action.ESCALATE:
            inquiry.escalation_count += 1
            return {"escalation_count": inquiry.escalation_count}
        return {}  # acknowledge: the status change says it all
