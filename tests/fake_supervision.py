"""The in-memory 督办单 repository of the fake unit of work (tests/fakes.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from gateway.domain.supervision import OPEN, OVERDUE
from gateway.persistence.repositories.supervision import NoticeFilter
from gateway.persistence.supervision_models import SupervisionNotice

_OPEN = {s.value for s in OPEN}


def _shown(notice: SupervisionNotice, now: datetime) -> str:
    return OVERDUE if notice.status in _OPEN and notice.respond_by < now else notice.status


class FakeSupervisionRepository:
    """Notices in a dict by id, given ids as they are added."""

    def __init__(self) -> None:
        self.notices: dict[int, SupervisionNotice] = {}

    def add(self, notice: SupervisionNotice) -> None:
        """Keep the notice under the next id."""
        notice.id = max(self.notices, default=0) + 1
        self.notices[notice.id] = notice

    def get(self, notice_id: int, *, for_update: bool = False) -> SupervisionNotice | None:
        """One notice (there is nothing to lock)."""
        return self.notices.get(notice_id)

    def find(
        self, f: NoticeFilter, now: datetime, offset: int, limit: int
    ) -> tuple[list[SupervisionNotice], int]:
        """The notices the filter admits, newest first."""
        found = [
            n
            for n in sorted(self.notices.values(), key=lambda n: -n.id)
            if (f.department is None or n.department_code == f.department)
            and (f.state is None or _shown(n, now) == f.state)
            and (f.inquiry_id is None or n.inquiry_id == f.inquiry_id)
        ]
        return found[offset : offset + limit], len(found)

    def open_of(self, inquiry_id: int) -> list[SupervisionNotice]:
        """The inquiry's open notices, oldest first."""
        return [n for n in self.notices.values() if n.inquiry_id == inquiry_id and n.status in _OPEN]

    def with_open(self, inquiry_ids: Iterable[int], department: str | None) -> set[int]:
        """Which of these inquiries have an open notice (addressed to the department, when given)."""
        ids = set(inquiry_ids)
        return {
            n.inquiry_id
            for n in self.notices.values()
            if n.inquiry_id in ids
            and n.status in _OPEN
            and (department is None or n.department_code == department)
        }
