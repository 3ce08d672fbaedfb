"""The SQL of 协办: co-departments' tasks (inquiry_co_departments rows) and their opinions (协办意见)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from gateway.domain.access import Actor
from gateway.domain.co_departments import OPINION_STATUSES, OverdueBounds, TaskState
from gateway.persistence.models import Inquiry, InquiryCoDepartment
from gateway.persistence.opinion_models import InquiryOpinion
from gateway.persistence.repositories.base import Repository
from gateway.persistence.repositories.inquiry_filters import within

Task = tuple[InquiryCoDepartment, Inquiry]


@dataclass(frozen=True)
class TaskListing:
    """One page of co-department tasks: whose list, the filters, the overdue rule's bounds now."""

    actor: Actor
    state: TaskState | None
    department: str | None  # the co-department's code
    bounds: OverdueBounds
    offset: int
    limit: int


class CoDepartmentRepository(Repository):
    """Co-departments' tasks and opinions."""

    def add_opinion(self, **values: Any) -> int:
        """Store one opinion; returns its id."""
        opinion = InquiryOpinion(**values)
        self.session.add(opinion)
        self.session.flush()
        return opinion.id

    def opinions(
        self, inquiry_id: int, department: str | None, offset: int, limit: int
    ) -> tuple[list[InquiryOpinion], int]:
        """One page of an inquiry's opinions (of one department if given), oldest first, and the total."""
        query = select(InquiryOpinion).where(InquiryOpinion.inquiry_id == inquiry_id)
        if department is not None:
            query = query.where(InquiryOpinion.department_code == department)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(query.order_by(InquiryOpinion.id).offset(offset).limit(limit))
        return list(page), total

    def tasks(self, listing: TaskListing) -> tuple[list[Task], int]:
        """One page of the tasks the actor may see that match, earliest lead deadline first, and the total."""
        query = _tasks(listing)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(
            Inquiry.due_at, InquiryCoDepartment.inquiry_id, InquiryCoDepartment.department_code
        )
        rows = self.session.execute(ordered.offset(listing.offset).limit(listing.limit)).all()
        return [(task, inquiry) for task, inquiry in rows], total


def overdue(bounds: OverdueBounds) -> ColumnElement[bool]:
    """The SQL form of domain.co_departments.task_state(...) == overdue (see OverdueBounds)."""
    return and_(
        InquiryCoDepartment.answered_at.is_(None),
        _still_handled(),
        Inquiry.due_at.is_not(None),
        Inquiry.due_at < bounds.lead_due_before,
        or_(Inquiry.dispatched_at.is_(None), Inquiry.dispatched_at < bounds.dispatched_before),
    )


def _still_handled() -> ColumnElement[bool]:
    """The inquiry still takes opinions (OPINION_STATUSES): otherwise an unanswered task has lapsed."""
    return Inquiry.status.in_([s.value for s in OPINION_STATUSES])


def _tasks(listing: TaskListing) -> Select[InquiryCoDepartment, Inquiry]:
    scope = listing.actor.scope
    query = select(InquiryCoDepartment, Inquiry).join(Inquiry, Inquiry.id == InquiryCoDepartment.inquiry_id)
    if scope.department is not None:
        # A department sees its own tasks and those on the inquiries it leads, not other helpers' tasks
        # (the whole of its scope here: either way it holds the inquiry).
        own = scope.department
        query = query.where(or_(InquiryCoDepartment.department_code == own, Inquiry.department_code == own))
    else:
        query = query.where(within(scope))
    if listing.department:
        query = query.where(InquiryCoDepartment.department_code == listing.department)
    late = overdue(listing.bounds)
    if listing.state is TaskState.ANSWERED:
        query = query.where(InquiryCoDepartment.answered_at.is_not(None))
    elif listing.state is TaskState.OVERDUE:
        query = query.where(late)
    elif listing.state is TaskState.PENDING:
        query = query.where(InquiryCoDepartment.answered_at.is_(None), _still_handled(), ~late)
    elif listing.state is TaskState.LAPSED:
        query = query.where(InquiryCoDepartment.answered_at.is_(None), ~_still_handled())
    return query
