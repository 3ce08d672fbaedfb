"""The port of 督办单 storage: what the services need (persistence.repositories.supervision is the SQL
one, tests/fake_supervision.py the in-memory one)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from gateway.persistence.repositories.supervision import NoticeFilter
from gateway.persistence.supervision_models import SupervisionNotice


class NoticeRepository(Protocol):
    """Supervision notices: added, found, changed in place."""

    def add(self, notice: SupervisionNotice) -> None:
        """A new notice; its id is set on the next flush."""

    def get(self, notice_id: int, *, for_update: bool = False) -> SupervisionNotice | None:
        """One notice, or None."""

    def find(
        self, f: NoticeFilter, now: datetime, offset: int, limit: int
    ) -> tuple[list[SupervisionNotice], int]:
        """One page of the notices the filter admits, newest first, and how many there are."""

    def open_of(self, inquiry_id: int) -> list[SupervisionNotice]:
        """The inquiry's notices still waiting for the department, oldest first."""

    def with_open(self, inquiry_ids: Iterable[int], department: str | None) -> set[int]:
        """Which of these inquiries have an open notice (addressed to the department, when given)."""
