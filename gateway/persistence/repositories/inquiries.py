"""The repository of inquiries, their events, transfers and co-departments: all the SQL of the area.

A use case collects its new rows in ``InquiryRows`` while it applies the rules and hands them to
``InquiryRepository.write`` when it is done: one Core INSERT per table (executemany), in foreign-key order,
without the ORM's per-object bookkeeping. The intake path writes every row once, with its final values:
the inquiry's id is taken before the insert (``find_or_allocate``: from the sequence on PostgreSQL; on
SQLite the next rowid, under the write lock the unit of work holds), so its number is part of the one
INSERT, not a second write.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, case, func, insert, select
from sqlalchemy.exc import IntegrityError

from gateway.domain.access import Actor
from gateway.domain.errors import DuplicateRecord
from gateway.domain.lifecycle import Action
from gateway.persistence.models import (
    Inquiry,
    InquiryCoDepartment,
    InquiryEvent,
    InquiryTransfer,
    OutboxMessage,
)
from gateway.persistence.repositories.base import Repository
from gateway.persistence.repositories.inquiry_figures import Figures
from gateway.persistence.repositories.inquiry_filters import InquiryFilter, Listing, filtered, published

INQUIRIES = cast(Table, Inquiry.__table__)
CO_DEPARTMENTS = cast(Table, InquiryCoDepartment.__table__)
EVENTS = cast(Table, InquiryEvent.__table__)
TRANSFERS = cast(Table, InquiryTransfer.__table__)
OUTBOX = cast(Table, OutboxMessage.__table__)
_INQUIRY_COLUMNS = tuple(c.key for c in INQUIRIES.columns)


@dataclass
class InquiryRows:
    """New rows of one unit of work, collected while the rules run and written together by the repository:
    inquiries as their (not persisted) objects, the rest as column values."""

    inquiries: list[Inquiry] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)

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
        self.events.append(
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
        self.transfers.append(
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


class InquiryRepository(Repository):
    """Inquiries, their events, transfers and co-departments (and the outbox rows they cause)."""

    def find_or_allocate(self, channel: str, external_id: str | None) -> tuple[int | None, int]:
        """The inquiry already taken in under (channel, external_id), if any, and the id a new one gets,
        in one query. Call it first in a write unit of work (on SQLite the write lock keeps the id free)."""
        query = _find_or_allocate(self.session.get_bind().dialect.name == "postgresql")
        row = self.session.execute(query, {"channel": channel, "external_id": external_id}).one()
        return row[0], int(row[1])

    def write(self, rows: InquiryRows) -> None:
        """Insert what was collected, one statement per table, parents before children; a new inquiry
        whose (channel, external_id) another transaction took first raises ``DuplicateRecord``."""
        tables: list[tuple[Table, list[dict[str, Any]]]] = [
            (INQUIRIES, [{key: getattr(i, key) for key in _INQUIRY_COLUMNS} for i in rows.inquiries]),
            (
                CO_DEPARTMENTS,
                [
                    {"inquiry_id": i.id, "department_code": c.department_code}
                    for i in rows.inquiries
                    for c in i.co_departments
                ],
            ),
            (EVENTS, rows.events),
            (TRANSFERS, rows.transfers),
            (OUTBOX, rows.outbox),
        ]
        try:
            for table, values in tables:
                if values:
                    self.session.execute(insert(table), values)
        except IntegrityError as error:
            if rows.inquiries and rows.inquiries[0].external_id is not None and _external_id_clash(error):
                raise DuplicateRecord("inquiry", "(channel, external_id)") from error
            raise  # any other integrity error is a fault, not a race: it stays the database's own

    def get(self, inquiry_id: int, *, for_update: bool = False) -> Inquiry | None:
        """One inquiry (locked for the transaction when it is to be changed)."""
        query = select(Inquiry).where(Inquiry.id == inquiry_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalar(query)

    def by_external(self, channel: str, external_id: str) -> Inquiry | None:
        """The inquiry a system sent under its own id."""
        return self.session.scalar(
            select(Inquiry).where(Inquiry.channel == channel, Inquiry.external_id == external_id)
        )

    def set_co_departments(self, inquiry: Inquiry, codes: Sequence[str]) -> None:
        """Replace the inquiry's co-departments (协办单位)."""
        if inquiry.co_departments:
            inquiry.co_departments.clear()
            if codes and inquiry in self.session:
                self.session.flush()  # delete the old rows first: re-adding the same one must not collide
        inquiry.co_departments.extend(InquiryCoDepartment(department_code=c) for c in codes)

    def events(self, inquiry_id: int) -> list[InquiryEvent]:
        """The inquiry's history, oldest first."""
        query = select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id)
        return list(self.session.scalars(query))

    def find(self, listing: Listing) -> tuple[list[Inquiry], int]:
        """One page of the inquiries the actor may see that match, newest first, and how many match."""
        query = filtered(listing.filters, listing.actor, listing.now, listing.due_soon_limit)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(
            query.order_by(Inquiry.id.desc()).offset(listing.offset).limit(listing.limit)
        ).all()
        return list(page), total

    def overdue_unescalated(self, actor: Actor, now: datetime, limit: int) -> list[int]:
        """Ids of overdue inquiries not escalated since their deadline passed, longest overdue first."""
        later_escalation = (
            select(InquiryEvent.id)
            .where(
                InquiryEvent.inquiry_id == Inquiry.id,
                InquiryEvent.action == Action.ESCALATE.value,
                InquiryEvent.created_at >= Inquiry.due_at,
            )
            .exists()
        )
        query = (
            filtered(InquiryFilter(overdue=True), actor, now, now)
            .where(~later_escalation)
            .where(Inquiry.master_id.is_(None))  # 并单: a child is escalated with its master
            .with_only_columns(Inquiry.id)
            .order_by(Inquiry.due_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def published_replies(
        self, actor: Actor, text: str, now: datetime, limit: int
    ) -> list[tuple[Inquiry, dict[str, Any]]]:
        """(inquiry, reply.publish payload) of replies the actor may read whose title or public reply
        mentions the text, newest reply first (see ``inquiry_filters.published``)."""
        return published(self.session, actor, text, now, limit)

    @property
    def figures(self) -> Figures:
        """The aggregates for supervisors (绩效考核)."""
        return Figures(self.session)


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


_EXTERNAL_ID_KEY = "uq_inquiries_channel_external_id"


def _external_id_clash(error: IntegrityError) -> bool:
    """Whether the error is the (channel, external_id) unique key: PostgreSQL names the constraint,
    SQLite the columns."""
    diagnosis = getattr(error.orig, "diag", None)
    if diagnosis is not None:
        return getattr(diagnosis, "constraint_name", None) == _EXTERNAL_ID_KEY
    return "inquiries.channel, inquiries.external_id" in str(error.orig)
