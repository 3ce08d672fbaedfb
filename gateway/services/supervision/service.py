"""督办单 (supervision notices): listing, issuing (by the escalate action), 签收 and 督办回复."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.domain.access import NOTICE_ANSWER, NOTICE_READ, Actor, Sight, act, require
from gateway.domain.clock import Clock
from gateway.domain.disclosure import NOBODY, redact
from gateway.domain.errors import Forbidden, InvalidTransition, NotFound
from gateway.domain.lifecycle import RECORD_EVENTS, Action
from gateway.domain.supervision import NoticeAction, NoticeStatus, notice_allowed, notice_next, notice_state
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.persistence.repositories.supervision import NoticeFilter
from gateway.persistence.supervision_models import SupervisionNotice
from gateway.services.inquiries import InquiryService
from gateway.services.people import citizen_of
from gateway.services.ports import Transactions, UnitOfWork
from gateway.services.snapshots import Page

NO_LEAD = "the inquiry has no lead department (主办单位) to address a notice to; dispatch it first"
NOT_LEAD = "only the inquiry's lead department (主办单位) answers its 督办单"


# The history entries of a notice's answers (lifecycle.RECORD_EVENTS: they change no state).
ANSWER_EVENTS = {NoticeAction.ACKNOWLEDGE: RECORD_EVENTS[1], NoticeAction.RESPOND: RECORD_EVENTS[2]}


@dataclass(frozen=True)
class NoticeSnapshot:
    """One 督办单 as the API and the consoles show it."""

    id: int
    inquiry_id: int
    inquiry_number: str | None
    inquiry_title: str | None
    department: str
    state: str  # issued / acknowledged / overdue / responded / closed
    reason: str
    respond_by: datetime
    automatic: bool
    issued_by: str
    issued_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str | None
    responded_by: str | None
    responded_at: datetime | None
    response: str | None
    closed_at: datetime | None
    allowed_actions: list[str]


class SupervisionService:
    """督办单: what supervisors issue and read, and departments sign for and answer."""

    def __init__(self, db: Transactions, inquiries: InquiryService, clock: Clock) -> None:
        self.db = db
        self.inquiries = inquiries
        self.clock = clock

    def find(
        self,
        actor: Actor,
        *,
        state: str | None = None,
        department: str | None = None,
        inquiry_id: int | None = None,
        offset: int,
        limit: int,
    ) -> Page:
        """Notices, newest first; a department sees those addressed to it."""
        require(actor, NOTICE_READ)
        own = _own_department(actor)
        if own is not None and department not in (None, own):
            return Page([], 0)
        f = NoticeFilter(department=own or department, state=state, inquiry_id=inquiry_id)
        now = self.clock()
        with self.db.reading() as uow:
            rows, total = uow.supervision.find(f, now, offset, limit)
            return Page([self._snapshot(uow, n, actor, now) for n in rows], total)

    def get(self, notice_id: int, actor: Actor) -> NoticeSnapshot:
        """One notice."""
        require(actor, NOTICE_READ)
        with self.db.reading() as uow:
            notice = _visible(uow, notice_id, actor)
            return self._snapshot(uow, notice, actor, self.clock())

    def of_inquiry(self, inquiry_id: int, actor: Actor) -> list[NoticeSnapshot]:
        """The notices of one inquiry the actor may read, newest first (none for a role that reads none)."""
        if not actor.can(NOTICE_READ):
            return []
        return list(self.find(actor, inquiry_id=inquiry_id, offset=0, limit=100).items)

    def with_open(self, inquiry_ids: Iterable[int], actor: Actor) -> set[int]:
        """Which of these inquiries have an open notice the actor may read (the queue's 督办 badge)."""
        if not actor.can(NOTICE_READ):
            return set()
        with self.db.reading() as uow:
            return uow.supervision.with_open(inquiry_ids, _own_department(actor))

    def issue(self, data: Mapping[str, Any], actor: Actor) -> NoticeSnapshot:
        """督办: the inquiry's escalate action, which issues the notice; answered with that notice."""
        require(actor, act(Action.ESCALATE))
        inquiry_id = data["inquiry_id"]
        view = self.inquiries.get(inquiry_id, actor)
        if view.department is None and Action.ESCALATE.value in view.allowed_actions:
            others = [a for a in view.allowed_actions if a != Action.ESCALATE.value]
            raise InvalidTransition(view.status, "issue", others, NO_LEAD)
        self.inquiries.act(inquiry_id, Action.ESCALATE, data, actor)
        # The notice the action issued is the one its event names (the inquiry's newest escalation).
        escalations = [e for e in self.inquiries.events(inquiry_id, actor) if e.action == Action.ESCALATE]
        notice_id = escalations[-1].data.get("notice_id")
        if notice_id is None:  # returned (退单) meanwhile: counted, but no one to address
            raise InvalidTransition(view.status, "issue", [], NO_LEAD)
        with self.db.reading() as uow:  # the issuer sees what it issued (the scheduler reads no others)
            notice = uow.supervision.get(notice_id)
            assert notice is not None  # committed by the action above; notices are never deleted
            return self._snapshot(uow, notice, actor, self.clock())

    def acknowledge(self, notice_id: int, data: Mapping[str, Any], actor: Actor) -> NoticeSnapshot:
        """签收: the department confirms it has the notice."""
        return self._answer(notice_id, NoticeAction.ACKNOWLEDGE, data, actor)

    def respond(self, notice_id: int, data: Mapping[str, Any], actor: Actor) -> NoticeSnapshot:
        """督办回复: the department's response to the notice."""
        return self._answer(notice_id, NoticeAction.RESPOND, data, actor)

    def _answer(
        self, notice_id: int, action: NoticeAction, data: Mapping[str, Any], actor: Actor
    ) -> NoticeSnapshot:
        require(actor, NOTICE_ANSWER)
        now = self.clock()
        with self.db.writing() as uow:
            notice = _visible(uow, notice_id, actor, for_update=True)
            inquiry = uow.inquiries.get(notice.inquiry_id)
            if inquiry is None or not actor.acts_on(inquiry.department_code):
                raise Forbidden(NOT_LEAD)
            status = NoticeStatus(notice.status)
            target = notice_next(status, action)
            if target is None:
                allowed = [a.value for a in notice_allowed(status)]
                raise InvalidTransition(notice_state(status, notice.respond_by, now), action.value, allowed)
            notice.status = target.value
            if action is NoticeAction.ACKNOWLEDGE:
                notice.acknowledged_by, notice.acknowledged_at = actor.name, now
                notice.acknowledge_note = note = data.get("note")
            else:
                notice.responded_by, notice.responded_at = actor.name, now
                notice.response = note = data["response"]
            # The history (办理历史) shows the department's answer beside the 督办 that asked for it.
            rows = InquiryRows()
            rows.event(
                inquiry_id=inquiry.id,
                action=ANSWER_EVENTS[action],
                from_status=inquiry.status,
                to_status=inquiry.status,
                actor=actor.name,
                actor_role=actor.role,
                note=note,
                data={"notice_id": notice.id},
                created_at=now,
            )
            uow.inquiries.write(rows)
            return self._snapshot(uow, notice, actor, now)

    @staticmethod
    def _snapshot(uow: UnitOfWork, n: SupervisionNotice, actor: Actor, now: datetime) -> NoticeSnapshot:
        inquiry = uow.inquiries.get(n.inquiry_id)
        status = NoticeStatus(n.status)
        may = actor.can(NOTICE_ANSWER) and inquiry is not None and actor.acts_on(inquiry.department_code)
        # Free text is shown as the inquiry's own is: the inquiry's citizen taken out of it (a notice's
        # reason or response often quotes the caller), whoever reads it.
        person = citizen_of(inquiry) if inquiry is not None else NOBODY
        return NoticeSnapshot(
            id=n.id,
            inquiry_id=n.inquiry_id,
            inquiry_number=inquiry.number if inquiry else None,
            inquiry_title=redact(inquiry.title, person) if inquiry else None,
            department=n.department_code,
            state=notice_state(status, n.respond_by, now),
            reason=redact(n.reason, person) or "",
            respond_by=n.respond_by,
            automatic=n.automatic,
            issued_by=n.issued_by,
            issued_at=n.issued_at,
            acknowledged_by=n.acknowledged_by,
            acknowledged_at=n.acknowledged_at,
            acknowledge_note=redact(n.acknowledge_note, person),
            responded_by=n.responded_by,
            responded_at=n.responded_at,
            response=redact(n.response, person),
            closed_at=n.closed_at,
            allowed_actions=[a.value for a in notice_allowed(status)] if may else [],
        )


def _own_department(actor: Actor) -> str | None:
    """The department whose notices alone the actor reads (None: every notice)."""
    if actor.row.sees is Sight.DEPARTMENT:
        return actor.department_code or "-"  # a department key without a department reads none
    return None


def _visible(uow: UnitOfWork, notice_id: int, actor: Actor, for_update: bool = False) -> SupervisionNotice:
    notice = uow.supervision.get(notice_id, for_update=for_update)
    own = _own_department(actor)
    if notice is None or (own is not None and notice.department_code != own):
        raise NotFound(f"supervision notice {notice_id} not found")
    return notice
