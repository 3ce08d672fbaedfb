"""An inquiry's writes in bulk: a new inquiry, its co-departments, events, transfers and outbox rows.

A use case collects the rows while it applies the rules and writes them when it is done: one Core
INSERT per table (executemany), in foreign-key order, without the ORM's per-object bookkeeping. The
intake path writes every row once, with its final values: the inquiry's id is taken before the insert
(from the sequence on PostgreSQL; on SQLite the next rowid, under the write lock the unit of work holds),
so its number is part of the one INSERT, not a second write.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, case, func, insert, select
from sqlalchemy.orm import Session

from gateway.persistence.models import (
    Inquiry,
    InquiryCoDepartment,
    InquiryEvent,
    InquiryTransfer,
    OutboxMessage,
)

INQUIRIES = cast(Table, Inquiry.__table__)
CO_DEPARTMENTS = cast(Table, InquiryCoDepartment.__table__)
EVENTS = cast(Table, InquiryEvent.__table__)
TRANSFERS = cast(Table, InquiryTransfer.__table__)
OUTBOX = cast(Table, OutboxMessage.__table__)
_ORDER = (INQUIRIES, CO_DEPARTMENTS, EVENTS, TRANSFERS, OUTBOX)  # parents before children
_INQUIRY_COLUMNS = tuple(c.key for c in INQUIRIES.columns)


class InquiryRows:
    """Rows of one unit of work, written together by ``write``."""

    def __init__(self) -> None:
        self._rows: dict[Table, list[dict[str, Any]]] = {table: [] for table in _ORDER}

    def inquiry(self, inquiry: Inquiry) -> None:
        """A new inquiry, as its (not persisted) object stands now, co-departments included."""
        self._rows[INQUIRIES].append({key: getattr(inquiry, key) for key in _INQUIRY_COLUMNS})
        self._rows[CO_DEPARTMENTS].extend(
            {"inquiry_id": inquiry.id, "department_code": c.department_code} for c in inquiry.co_departments
        )

    def event(
        self,
        *,
        inquiry_id: int,
        action: str,
        from_status: str | None,
        to_status: str,
        actor: str,
        actor_role: str,
        note: str | None,
        data: dict[str, Any],
        created_at: datetime,
    ) -> None:
        """One stored transition."""
        self._rows[EVENTS].append(
            {
                "inquiry_id": inquiry_id,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "actor": actor,
                "actor_role": actor_role,
                "note": note,
                "data": data,
                "created_at": created_at,
            }
        )

    def transfer(
        self,
        *,
        inquiry_id: int,
        direction: str,
        line: str,
        transferred_at: datetime,
        call_id: str | None = None,
        agent: str | None = None,
        reason: str | None = None,
    ) -> None:
        """One 双向转接 record."""
        self._rows[TRANSFERS].append(
            {
                "inquiry_id": inquiry_id,
                "direction": direction,
                "line": line,
                "call_id": call_id,
                "agent": agent,
                "reason": reason,
                "transferred_at": transferred_at,
            }
        )

    def outbox(self, values: dict[str, Any]) -> None:
        """One outbox message (all messages of a unit of work carry the same keys)."""
        self._rows[OUTBOX].append(values)

    def write(self, session: Session) -> None:
        """Insert what was collected, one statement per table, in the session's transaction."""
        for table, rows in self._rows.items():
            if rows:
                session.execute(insert(table), rows)
                rows.clear()


def find_or_allocate(session: Session, channel: str, external_id: str | None) -> tuple[int | None, int]:
    """The inquiry already taken in under (channel, external_id), if any, and the id a new one gets, in
    one query. Call it first in a write unit of work (on SQLite the write lock keeps the id free)."""
    query = _find_or_allocate(session.get_bind().dialect.name == "postgresql")
    row = session.execute(query, {"channel": channel, "external_id": external_id}).one()
    return row[0], int(row[1])


@functools.cache
def _find_or_allocate(postgresql: bool) -> Select[Any]:
    # Built once: the statement is the same on every intake, only its parameters change. A NULL
    # external_id matches nothing (=), as NULLs never collide in the unique constraint.
    existing = (
        select(Inquiry.id)
        .where(Inquiry.channel == bindparam("channel"), Inquiry.external_id == bindparam("external_id"))
        .scalar_subquery()
    )
    if postgresql:
        # CASE evaluates only the branch taken: a repeat draws no value from the sequence.
        sequence = func.pg_get_serial_sequence("inquiries", "id")
        new_id: Any = case((existing.is_(None), func.nextval(sequence)), else_=0)
    else:
        # What SQLite itself would give (no AUTOINCREMENT: the largest rowid + 1).
        new_id = select(func.coalesce(func.max(Inquiry.id), 0) + 1).scalar_subquery()
    return select(existing, new_id)
