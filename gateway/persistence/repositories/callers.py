"""The caller index (重复来电): reading the numbers that need a key, and writing the keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select, update

from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.base import Repository

CallerNumbers = tuple[int, str | None, str | None]
"""(inquiry id, phone, ID number) as stored."""
CallerKeyRow = tuple[int, str | None, str | None]
"""(inquiry id, phone key, ID number key)."""


class CallerIndexRepository(Repository):
    """Keys of inquiries' callers, written in batches (after a migration, or a new secret)."""

    def numbers(self, after_id: int, limit: int, *, every: bool) -> list[CallerNumbers]:
        """Inquiries after ``after_id`` with a number and, unless ``every``, a key missing; by id."""
        query = select(Inquiry.id, Inquiry.citizen_phone, Inquiry.citizen_id_number).where(
            Inquiry.id > after_id,
            or_(Inquiry.citizen_phone.is_not(None), Inquiry.citizen_id_number.is_not(None)),
        )
        if not every:
            query = query.where(
                or_(
                    Inquiry.citizen_phone.is_not(None) & Inquiry.citizen_phone_key.is_(None),
                    Inquiry.citizen_id_number.is_not(None) & Inquiry.citizen_id_key.is_(None),
                )
            )
        rows = self.session.execute(query.order_by(Inquiry.id).limit(limit))
        return [(r.id, r.citizen_phone, r.citizen_id_number) for r in rows]

    def set_keys(self, rows: Sequence[CallerKeyRow]) -> None:
        """Write the keys of these inquiries (by primary key, in one statement per batch)."""
        if rows:
            self.session.execute(
                update(Inquiry),
                [{"id": i, "citizen_phone_key": p, "citizen_id_key": k} for i, p, k in rows],
            )
