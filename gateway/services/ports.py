"""The ports services are handed: a source of units of work, and the unit of work with its repositories.

Services import these types, never SQLAlchemy: the database (``gateway.persistence.db.Database``) is one
implementation, an in-memory fake in the tests is another. The repository types below are the persistence
classes until an area defines a protocol of its own for a fake to implement.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from gateway.persistence.repositories.accounts import AccountRepository
from gateway.persistence.repositories.applications import ApplicationRepository
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.catalog import CatalogRepository
from gateway.persistence.repositories.cursors import CursorRepository
from gateway.persistence.repositories.inbound import InboundRepository
from gateway.persistence.repositories.inquiries import InquiryRepository
from gateway.persistence.repositories.outbox import OutboxRepository


class UnitOfWork(Protocol):
    """One transaction: what its repositories write commits together, or not at all."""

    @property
    def inquiries(self) -> InquiryRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def inbound(self) -> InboundRepository: ...

    @property
    def cursors(self) -> CursorRepository: ...

    def flush(self) -> None:
        """Send pending changes now, inside the transaction."""


class Transactions(Protocol):
    """Where units of work come from (the database, or a fake)."""

    def writing(self) -> AbstractContextManager[UnitOfWork]:
        """A write transaction: commits when the block ends, rolls back on any exception."""

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work, rolled back at the end."""
