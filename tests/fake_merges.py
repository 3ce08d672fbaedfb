"""并单's repository in memory, over the fake's inquiries (tests/fakes.py hands it to each unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from gateway.persistence.models import Inquiry

if TYPE_CHECKING:
    from tests.fakes import FakeInquiryRepository


class FakeMergeRepository:
    """并单 over the fake's inquiries: children and candidates found by scanning the dict."""

    def __init__(self, store: FakeInquiryRepository) -> None:
        self.store = store

    def children(self, master_id: int, *, for_update: bool = False) -> list[Inquiry]:
        """The inquiries merged into the master, by id."""
        return [i for _, i in sorted(self.store.inquiries.items()) if i.master_id == master_id]

    def child_count(self, master_id: int) -> int:
        """How many inquiries are merged into this one."""
        return len(self.children(master_id))

    def same_caller(
        self,
        inquiry_id: int,
        keys: tuple[str | None, str | None],
        window: tuple[datetime, datetime],
        limit: int,
    ) -> list[Inquiry]:
        """Others in the window sharing the phone key or the ID key, newest first."""
        phone_key, id_key = keys

        def same(i: Inquiry) -> bool:
            return bool(phone_key and i.citizen_phone_key == phone_key) or bool(
                id_key and i.citizen_id_key == id_key
            )

        return self._newest([i for i in self._within(inquiry_id, window) if same(i)], limit)

    def same_place(
        self, inquiry_id: int, place: tuple[str, str], window: tuple[datetime, datetime], limit: int
    ) -> list[Inquiry]:
        """Others in the window at the same (district, address), newest first."""
        found = [i for i in self._within(inquiry_id, window) if (i.district, i.address) == place]
        return self._newest(found, limit)

    def _within(self, inquiry_id: int, window: tuple[datetime, datetime]) -> list[Inquiry]:
        start, end = window
        return [
            i for i in self.store.inquiries.values() if i.id != inquiry_id and start <= i.created_at <= end
        ]

    @staticmethod
    def _newest(found: list[Inquiry], limit: int) -> list[Inquiry]:
        return sorted(found, key=lambda i: i.created_at, reverse=True)[:limit]
