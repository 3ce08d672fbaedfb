"""The lifecycle actions (派单, 签收, 退单, 延期, 答复, 回访, 办结, 重办, 督办) and the overdue sweep."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.domain import lifecycle
from gateway.domain.access import Actor, act
from gateway.domain.errors import Forbidden, InvalidTransition, NotFound
from gateway.domain.lifecycle import Action, Status
from gateway.domain.lifecycle_effects import EFFECTS
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.inquiries import announcements, following
from gateway.services.inquiries.core import InquiryCore
from gateway.services.inquiries.queries import OVERDUE_SWEEP
from gateway.services.ports import InquiryRepository
from gateway.services.snapshots import InquirySnapshot
from gateway.services.supervision import issuing

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
            if inquiry.master_id is not None:
                why = f"merged into inquiry {inquiry.master_id} (并单): act on the master, or unmerge first"
                raise InvalidTransition(current.value, action.value, [], why)
            target = lifecycle.next_status(current, action)
            available = self._available(inquiry, now)
            if target is None or action not in available:
                reason = self._guard_reason(inquiry, action, now) if target is not None else None
                raise InvalidTransition(current.value, action.value, [a.value for a in available], reason)
            extra = self._apply(uow.inquiries, inquiry, action, data, now)
            inquiry.status = target.value
            # 督办单: escalate issues one; closing, 退单 or re-dispatch closes those no longer owed
            extra.update(
                issuing.follow_up(uow, self.settings, self.calendar, inquiry, action, data, actor, now)
            )
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
            following.mirror(uow, self.settings, inquiry, action, event, actor, now, rows)  # 并单's children
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
        """Change the record for an action (its entry in the effects table); returns what the event
        should remember."""
        return EFFECTS[action](inquiry, data, self._context(inquiries, inquiry, now))
