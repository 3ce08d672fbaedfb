"""协办: a co-department's opinion (协办意见) on an inquiry, the opinions the lead reads beside its reply
form, and the co-departments' tasks (due dates and states) for their queues and the supervisors."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from gateway.config import Settings
from gateway.domain import co_departments as rules
from gateway.domain.access import OPINION_READ, OPINION_WRITE, Actor, require
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock, utcnow
from gateway.domain.co_departments import OPINION_EVENT, TaskState
from gateway.domain.disclosure import redact
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.persistence.models import Inquiry, InquiryCoDepartment
from gateway.persistence.repositories.co_departments import TaskListing
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.people import citizen_of
from gateway.services.ports import InquiryRepository, Transactions
from gateway.services.snapshots import Page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpinionSnapshot:
    """One 协办意见, its free text redacted with the inquiry's own citizen."""

    id: int
    inquiry_id: int
    department: str
    text: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class TaskSnapshot:
    """One co-department's task on an inquiry."""

    inquiry_id: int
    number: str
    title: str | None
    inquiry_status: str
    lead_department: str | None
    department: str
    due_at: datetime | None
    state: str
    answered_at: datetime | None


@dataclass(frozen=True)
class Panel:
    """What the inquiry page shows of 协办: every task, the opinions the reader may read, and whether the
    reader's own department may give its opinion now."""

    tasks: list[TaskSnapshot]
    opinions: list[OpinionSnapshot]
    may_give: bool


PANEL_OPINIONS = 100  # opinions shown on the inquiry page (an inquiry has a handful of co-departments)


class CoDepartmentService:
    """Co-departments' tasks and opinions."""

    def __init__(
        self, db: Transactions, settings: Settings, calendar: WorkdayCalendar, clock: Clock = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.calendar = calendar
        self.clock = clock

    @property
    def _workdays(self) -> int:
        return self.settings.deadlines.co_department_workdays_before

    def give_opinion(self, inquiry_id: int, text: str, actor: Actor) -> OpinionSnapshot:
        """Record the actor's department's opinion: only a co-department of the inquiry, once per task,
        while the lead department handles the inquiry. The history gets an event for it."""
        require(actor, OPINION_WRITE)
        if not text.strip():
            raise InvalidInput("text", "an opinion may not be blank")
        with self.db.writing() as uow:
            inquiry = _load(uow.inquiries, inquiry_id, actor, for_update=True)
            if inquiry.master_id is not None:
                master = uow.inquiries.get(inquiry.master_id)
                merged = (
                    f"merged into inquiry {inquiry.master_id} ({master.number if master else '?'}, 并单): "
                    "give the opinion on the master"
                )
                raise InvalidTransition(inquiry.status, OPINION_EVENT, [], merged)
            task = _own_task(inquiry, actor)
            if task is None:
                if actor.department_code and actor.department_code == inquiry.department_code:
                    raise Forbidden(
                        "the lead department (主办单位) answers with its reply, not with an opinion"
                    )
                raise Forbidden(
                    "only a co-department (协办单位) of the inquiry may give an opinion, for itself"
                )
            why = rules.refusal(inquiry.status, task.answered_at)
            if why is not None:
                raise InvalidTransition(inquiry.status, OPINION_EVENT, [], why)
            now = self.clock()
            task.answered_at = now
            values = {
                "inquiry_id": inquiry.id,
                "department_code": task.department_code,
                "text": text,
                "author": actor.name,
                "author_role": actor.role,
                "created_at": now,
            }
            opinion_id = uow.co_departments.add_opinion(**values)
            rows = InquiryRows()
            rows.event(
                inquiry_id=inquiry.id,
                action=OPINION_EVENT,
                from_status=inquiry.status,
                to_status=inquiry.status,
                actor=actor.name,
                actor_role=actor.role,
                # The text stays in the opinions (their own list and access): every co-department reads the
                # history, but only its own opinion.
                note=None,
                data={"department": task.department_code, "opinion_id": opinion_id},
                created_at=now,
            )
            uow.inquiries.write(rows)
            log.info("inquiry opinion id=%s department=%s", inquiry.id, task.department_code)
            return OpinionSnapshot(
                opinion_id,
                inquiry.id,
                task.department_code,
                redact(text, citizen_of(inquiry)),
                actor.name,
                now,
            )

    def opinions(self, inquiry_id: int, actor: Actor, *, offset: int, limit: int) -> Page:
        """The inquiry's opinions, oldest first: all of them for the lead department, operators and
        supervisors; a co-department reads its own."""
        require(actor, OPINION_READ)
        with self.db.reading() as uow:
            inquiry = _load(uow.inquiries, inquiry_id, actor)
            rows, total = uow.co_departments.opinions(inquiry.id, _only(inquiry, actor), offset, limit)
            person = citizen_of(inquiry)
            items = [
                OpinionSnapshot(
                    o.id, o.inquiry_id, o.department_code, redact(o.text, person), o.author, o.created_at
                )
                for o in rows
            ]
            return Page(items=items, total=total)

    def tasks(
        self, actor: Actor, *, state: str | None, department: str | None, offset: int, limit: int
    ) -> Page:
        """Co-department tasks the actor may see (a department: its own, and those on inquiries it leads),
        earliest lead deadline first."""
        require(actor, OPINION_READ)
        now = self.clock()
        listing = TaskListing(
            actor,
            TaskState(state) if state else None,
            department,
            rules.overdue_bounds(self.calendar, now, self._workdays),
            offset,
            limit,
        )
        with self.db.reading() as uow:
            rows, total = uow.co_departments.tasks(listing)
            return Page(items=[self._task(task, inquiry, now) for task, inquiry in rows], total=total)

    def panel(self, inquiry_id: int, actor: Actor) -> Panel | None:
        """协办 on the inquiry page; None when the inquiry has no co-department or the actor may not read
        opinions."""
        if not actor.can(OPINION_READ):
            return None
        now = self.clock()
        with self.db.reading() as uow:
            inquiry = _load(uow.inquiries, inquiry_id, actor)
            if not inquiry.co_departments:
                return None
            only = _only(inquiry, actor)
            rows, _ = uow.co_departments.opinions(inquiry.id, only, 0, PANEL_OPINIONS)
            person = citizen_of(inquiry)
            own = _own_task(inquiry, actor)
            return Panel(
                tasks=[
                    self._task(t, inquiry, now)
                    for t in inquiry.co_departments
                    if only is None or t.department_code == only
                ],
                opinions=[
                    OpinionSnapshot(
                        o.id, o.inquiry_id, o.department_code, redact(o.text, person), o.author, o.created_at
                    )
                    for o in rows
                ],
                may_give=actor.can(OPINION_WRITE)
                and own is not None
                and rules.refusal(inquiry.status, own.answered_at) is None,
            )

    def _task(self, task: InquiryCoDepartment, inquiry: Inquiry, now: datetime) -> TaskSnapshot:
        due = rules.task_due_at(self.calendar, inquiry.due_at, inquiry.dispatched_at, self._workdays)
        return TaskSnapshot(
            inquiry_id=inquiry.id,
            number=inquiry.number or "",
            title=redact(inquiry.title, citizen_of(inquiry)),
            inquiry_status=inquiry.status,
            lead_department=inquiry.department_code,
            department=task.department_code,
            due_at=due,
            state=rules.task_state(due, task.answered_at, now, inquiry.status).value,
            answered_at=task.answered_at,
        )


def _load(inquiries: InquiryRepository, inquiry_id: int, actor: Actor, for_update: bool = False) -> Inquiry:
    inquiry = inquiries.get(inquiry_id, for_update=for_update)
    departments = (
        [inquiry.department_code, *(c.department_code for c in inquiry.co_departments)] if inquiry else []
    )
    if inquiry is None or not actor.scope.admits(inquiry.channel, inquiry.forwarded_to, departments):
        raise NotFound(f"inquiry {inquiry_id} not found")
    return inquiry


def _own_task(inquiry: Inquiry, actor: Actor) -> InquiryCoDepartment | None:
    code = actor.department_code
    return next((t for t in inquiry.co_departments if code and t.department_code == code), None)


def _only(inquiry: Inquiry, actor: Actor) -> str | None:
    """The one department whose opinions the actor may read, or None for all: a department that does not
    lead the inquiry reads only its own."""
    if actor.row.lead_only and actor.department_code != inquiry.department_code:
        return actor.department_code or ""
    return None
