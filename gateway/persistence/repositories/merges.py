"""The SQL of 并单 (merging duplicates): an inquiry's children, and the candidates it may duplicate.

Candidates are read by index: the same caller by the keyed hashes of phone and ID number (never the
numbers themselves), the same place by (district, address, created_at). Scoring the text is the
service's business (gateway.domain.similarity).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.base import Repository


class MergeRepository(Repository):
    """Masters, children and duplicate candidates among the inquiries."""

    def children(self, master_id: int, *, for_update: bool = False) -> list[Inquiry]:
        """The inquiries merged into the master, oldest first (locked when they are to follow it)."""
        query = select(Inquiry).where(Inquiry.master_id == master_id).order_by(Inquiry.id)
        if for_update:
            query = query.with_for_update()
        return list(self.session.scalars(query))

    def child_count(self, master_id: int) -> int:
        """How many inquiries are merged into this one."""
        query = select(func.count()).select_from(Inquiry).where(Inquiry.master_id == master_id)
        return int(self.session.scalar(query) or 0)

    def same_caller(
        self,
        inquiry_id: int,
        keys: tuple[str | None, str | None],
        window: tuple[datetime, datetime],
        limit: int,
    ) -> list[Inquiry]:
        """Other inquiries taken in within the window whose caller has the same phone key or ID key,
        newest first."""
        phone_key, id_key = keys
        matches = []
        if phone_key:
            matches.append(Inquiry.citizen_phone_key == phone_key)
        if id_key:
            matches.append(Inquiry.citizen_id_key == id_key)
        if not matches:
            return []
        start, end = window
        query = (
            select(Inquiry)
            .where(or_(*matches), Inquiry.id != inquiry_id)
            .where(Inquiry.created_at >= start, Inquiry.created_at <= end)
            .order_by(Inquiry.created_at.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def same_place(
        self,
        inquiry_id: int,
        place: tuple[str, str],
        window: tuple[datetime, datetime],
        limit: int,
    ) -> list[Inquiry]:
        """Other inquiries taken in within the window at the same district and address, newest first."""
        district, address = place
        start, end = window
        query = (
            select(Inquiry)
            .where(Inquiry.district == district, Inquiry.address == address, Inquiry.id != inquiry_id)
            .where(Inquiry.created_at >= start, Inquiry.created_at <= end)
            .order_by(Inquiry.created_at.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))
