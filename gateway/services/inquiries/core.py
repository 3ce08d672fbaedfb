"""What every inquiry use case shares: its collaborators, permission and visibility checks, the guards,
the deadline, the event record and the snapshot handed back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.config import Settings
from gateway.domain import guards
from gateway.domain.access import Actor, act, require
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.caller_keys import CallerKeys
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import NotFound
from gateway.domain.lifecycle import Action, Status
from gateway.domain.lifecycle_effects import Context
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.inquiries import announcements
from gateway.services.inquiries.queries import due_soon_limit
from gateway.services.inquiries.snapshots import present
from gateway.services.ports import InquiryRepository, Transactions
from gateway.services.snapshots import InquirySnapshot


class InquiryCore:
    """The collaborators and shared steps of the inquiry use cases (InquiryService puts them together)."""

    def __init__(
        self, db: Transactions, settings: Settings, calendar: WorkdayCalendar, clock: Clock = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.calendar = calendar
        self.clock = clock
        self.caller_keys = CallerKeys(settings.caller_key_secret)

    # ---- who may do what ----------------------------------------------------------------------

    _require = staticmethod(require)

    @staticmethod
    def _visible(inquiry: Inquiry, actor: Actor) -> bool:
        departments = [inquiry.department_code, *(c.department_code for c in inquiry.co_departments)]
        return actor.scope.admits(inquiry.channel, inquiry.forwarded_to, departments)

    @staticmethod
    def _may_act(inquiry: Inquiry, actor: Actor) -> bool:
        # A department acts only as the lead (主办); a co-department (协办) may read the inquiry, no more.
        return actor.acts_on(inquiry.department_code)

    def _load(
        self, inquiries: InquiryRepository, inquiry_id: int, actor: Actor, for_update: bool = False
    ) -> Inquiry:
        inquiry = inquiries.get(inquiry_id, for_update=for_update)
        if inquiry is None or not self._visible(inquiry, actor):
            raise NotFound(f"inquiry {inquiry_id} not found")
        return inquiry

    # ---- guards and deadlines -----------------------------------------------------------------

    def _facts(self, inquiry: Inquiry) -> guards.Facts:
        return guards.Facts(
            Status(inquiry.status), inquiry.dispatched_at, inquiry.due_at, inquiry.satisfaction
        )

    def _guard_reason(self, inquiry: Inquiry, action: Action, now: datetime) -> str | None:
        window = self.settings.deadlines.return_window_workdays
        return guards.refusal(self._facts(inquiry), action, now, self.calendar, window)

    def _available(self, inquiry: Inquiry, now: datetime) -> list[Action]:
        window = self.settings.deadlines.return_window_workdays
        return guards.available(self._facts(inquiry), now, self.calendar, window)

    def _due_soon_limit(self, now: datetime) -> datetime:
        return due_soon_limit(self.settings, self.calendar, now)

    def _context(self, inquiries: InquiryRepository, inquiry: Inquiry, now: datetime) -> Context:
        """What the lifecycle effects are told: the time, the calendar, the deadlines, the departments
        and where the inquiry's co-departments are kept."""
        policy = self.settings.deadlines
        return Context(
            now=now,
            calendar=self.calendar,
            workdays=policy.workdays,
            max_extension_workdays=policy.max_extension_workdays,
            is_department=lambda code: self.settings.department(code) is not None,
            set_co_departments=lambda codes: inquiries.set_co_departments(inquiry, codes),
        )

    # ---- what is written and handed back ------------------------------------------------------

    @staticmethod
    def _record(
        rows: InquiryRows,
        inquiry: Inquiry,
        action: str,
        from_status: str | None,
        actor: Actor,
        *,
        note: str | None,
        data: dict[str, Any],
        now: datetime,
    ) -> announcements.Happened:
        rows.event(
            inquiry_id=inquiry.id,
            action=action,
            from_status=from_status,
            to_status=inquiry.status,
            actor=actor.name,
            actor_role=actor.role,
            note=note,
            data=data,
            created_at=now,
        )
        return announcements.Happened(action, note, data)

    def _view(self, inquiry: Inquiry, actor: Actor) -> InquirySnapshot:
        now = self.clock()
        state = guards.deadline_state(self._facts(inquiry), now, self._due_soon_limit(now))
        may_act = self._may_act(inquiry, actor) and inquiry.master_id is None  # a child follows its master
        allowed = [a.value for a in self._available(inquiry, now) if may_act and actor.can(act(a))]
        return present(inquiry, state, allowed)
