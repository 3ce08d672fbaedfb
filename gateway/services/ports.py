"""The ports services are handed: a source of units of work, and the unit of work with its repositories.

Services import these types, never SQLAlchemy: the database (``gateway.persistence.db.Database``) is one
implementation, an in-memory fake in the tests is another (tests/fakes.py). The repository types below
are the persistence classes until an area defines a protocol of its own for a fake to implement, as
inquiries do (``InquiryRepository``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from gateway.domain.access import Actor
from gateway.persistence.models import Inquiry, InquiryEvent
from gateway.persistence.repositories.accounts import AccountRepository
from gateway.persistence.repositories.applications import ApplicationRepository
from gateway.persistence.repositories.attachments import AttachmentRepository
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.callers import CallerIndexRepository
from gateway.persistence.repositories.catalog import CatalogRepository
from gateway.persistence.repositories.co_departments import CoDepartmentRepository
from gateway.persistence.repositories.cursors import CursorRepository
from gateway.persistence.repositories.inbound import InboundRepository
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.persistence.repositories.inquiry_figures import Figures
from gateway.persistence.repositories.inquiry_filters import Listing
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.persistence.repositories.people import PeopleRepository
from gateway.services.supervision.port import NoticeRepository


class InquiryRepository(Protocol):
    """Inquiries, their events, transfers and co-departments (persistence.repositories.inquiries is the SQL
    one). Inquiries are ORM objects, changed in place; new rows go in one ``write``."""

    def find_or_allocate(self, channel: str, external_id: str | None) -> tuple[int | None, int]:
        """The id of the inquiry taken in under (channel, external_id) if any, and the id a new one gets."""

    def write(self, rows: InquiryRows) -> None:
        """Add the collected new rows; raises ``DuplicateRecord`` when another transaction took the new
        inquiry's (channel, external_id) first."""

    def get(self, inquiry_id: int, *, for_update: bool = False) -> Inquiry | None:
        """One inquiry (locked for the transaction when it is to be changed)."""

    def by_external(self, channel: str, external_id: str) -> Inquiry | None:
        """The inquiry a system sent under its own id."""

    def set_co_departments(self, inquiry: Inquiry, codes: Sequence[str]) -> None:
        """Replace the inquiry's co-departments (协办单位)."""

    def events(self, inquiry_id: int) -> list[InquiryEvent]:
        """The inquiry's history, oldest first."""

    def find(self, listing: Listing) -> tuple[list[Inquiry], int]:
        """One page of what the actor may see and the filters match, newest first, and the total."""

    def overdue_unescalated(self, actor: Actor, now: datetime, limit: int) -> list[int]:
        """Ids of overdue inquiries not escalated since their deadline passed, longest overdue first."""

    def published_replies(
        self, actor: Actor, text: str, now: datetime, limit: int
    ) -> list[tuple[Inquiry, dict[str, Any]]]:
        """(inquiry, reply.publish payload) of replies the actor may read mentioning the text."""

    @property
    def figures(self) -> Figures:
        """The aggregates for supervisors (绩效考核)."""


class MergeRepository(Protocol):
    """并单: masters, children and duplicate candidates (persistence.repositories.merges is the SQL one)."""

    def children(self, master_id: int, *, for_update: bool = False) -> list[Inquiry]:
        """The inquiries merged into the master, oldest first."""

    def child_count(self, master_id: int) -> int:
        """How many inquiries are merged into this one."""

    def same_caller(
        self,
        inquiry_id: int,
        keys: tuple[str | None, str | None],
        window: tuple[datetime, datetime],
        limit: int,
    ) -> list[Inquiry]:
        """Other inquiries in the window with the same phone key or ID key, newest first."""

    def same_place(
        self, inquiry_id: int, place: tuple[str, str], window: tuple[datetime, datetime], limit: int
    ) -> list[Inquiry]:
        """Other inquiries in the window at the same (district, address), newest first."""


class UnitOfWork(Protocol):
    """One transaction: what its repositories write commits together, or not at all. Each attribute is the
    repository of one area over the transaction."""

    outbox: OutboxRepository
    applications: ApplicationRepository
    catalog: CatalogRepository
    accounts: AccountRepository
    audit: AuditRepository
    inbound: InboundRepository
    cursors: CursorRepository
    callers: CallerIndexRepository  # the keys of the caller index (重复来电)
    people: PeopleRepository  # the citizens behind inquiries and applications (to redact free text with)
    co_departments: CoDepartmentRepository  # 协办: co-departments' tasks and opinions
    attachments: AttachmentRepository  # 附件 rows (their bytes are in the blob store)

    @property
    def inquiries(self) -> InquiryRepository:
        """Inquiries, behind their own port (so the in-memory fake can stand in)."""

    @property
    def supervision(self) -> NoticeRepository:
        """督办单 (supervision notices), behind their own port."""

    @property
    def merges(self) -> MergeRepository:
        """并单: children of a master and duplicate candidates, behind their own port (for the fake)."""

    def flush(self) -> None:
        """Send pending changes now, inside the transaction."""


class Transactions(Protocol):
    """Where units of work come from (the database, or a fake)."""

    def writing(self) -> AbstractContextManager[UnitOfWork]:
        """A write transaction: commits when the block ends, rolls back on any exception."""

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work, rolled back at the end."""
