"""The repository of 督办单 (supervision notices)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from gateway.domain.supervision import OPEN, OVERDUE
from gateway.persistence.repositories.base import Repository
from gateway.persistence.supervision_models import SupervisionNotice

MAX_OFFSET = 1_000_000
_OPEN = tuple(s.value for s in OPEN)


@dataclass(frozen=True)
class NoticeFilter:
    """Which notices a listing shows; None does not narrow."""

    department: str | None = None  # addressed to this department
    state: str | None = None  # a shown state (gateway.domain.supervision.STATES), overdue included
    inquiry_id: int | None = None


def state_is(state: str, now: datetime) -> ColumnElement[bool]:
    """The condition of a shown state: overdue is an open notice past its date, an open one is not."""
    n = SupervisionNotice
    if state == OVERDUE:
        return and_(n.status.in_(_OPEN), n.respond_by < now)
    if state in _OPEN:
        return and_(n.status == state, n.respond_by >= now)
    return n.status == state


class SupervisionRepository(Repository):
    """督办单: added by the escalate action, signed for and answered by the department."""

    def add(self, notice: SupervisionNotice) -> None:
        """A new notice; its id is set on the next flush."""
        self.session.add(notice)

    def get(self, notice_id: int, *, for_update: bool = False) -> SupervisionNotice | None:
        """One notice (row-locked for a change when asked), or None."""
        query = select(SupervisionNotice).where(SupervisionNotice.id == notice_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalar(query)

    def find(
        self, f: NoticeFilter, now: datetime, offset: int, limit: int
    ) -> tuple[list[SupervisionNotice], int]:
        """One page of the notices the filter admits, newest first, and how many there are."""
        n = SupervisionNotice
        query = select(n)
        if f.department is not None:
            query = query.where(n.department_code == f.department)
        if f.state is not None:
            query = query.where(state_is(f.state, now))
        if f.inquiry_id is not None:
            query = query.where(n.inquiry_id == f.inquiry_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.order_by(n.id.desc()).offset(min(offset, MAX_OFFSET)).limit(limit)
        return list(self.session.scalars(page)), total

    def open_of(self, inquiry_id: int) -> list[SupervisionNotice]:
        """The inquiry's notices still waiting for the department (issued or acknowledged), oldest first."""
        n = SupervisionNotice
        query = select(n).where(n.inquiry_id == inquiry_id, n.status.in_(_OPEN)).order_by(n.id)
        return list(self.session.scalars(query.with_for_update()))

    def with_open(self, inquiry_ids: Iterable[int], department: str | None) -> set[int]:
        """Which of these inquiries have an open notice (addressed to the department, when given)."""
        ids = list(inquiry_ids)
        if not ids:
            return set()
        n = SupervisionNotice
        query = select(n.inquiry_id).where(n.inquiry_id.in_(ids), n.status.in_(_OPEN)).distinct()
        if department is not None:
            query = query.where(n.department_code == department)
        return set(self.session.scalars(query))
