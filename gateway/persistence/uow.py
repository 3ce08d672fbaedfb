"""The SQLAlchemy unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session

from gateway.persistence.repositories.accounts import AccountRepository
from gateway.persistence.repositories.applications import ApplicationRepository
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.catalog import CatalogRepository
from gateway.persistence.repositories.cursors import CursorRepository
from gateway.persistence.repositories.inbound import InboundRepository
from gateway.persistence.repositories.inquiries import InquiryRepository
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.persistence.repositories.people import PeopleRepository


class SqlUnitOfWork:
    """One transaction over the database (see ``Database.writing`` and ``Database.reading``).

    Each repository is made on first use and shares the transaction's session, so what one writes the
    next one reads, and everything commits or rolls back together when the block ends.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def flush(self) -> None:
        """Send pending changes now (to see generated ids, or to order a delete before an insert)."""
        self.session.flush()

    @cached_property
    def inquiries(self) -> InquiryRepository:
        return InquiryRepository(self.session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @cached_property
    def applications(self) -> ApplicationRepository:
        return ApplicationRepository(self.session)

    @cached_property
    def catalog(self) -> CatalogRepository:
        return CatalogRepository(self.session)

    @cached_property
    def accounts(self) -> AccountRepository:
        return AccountRepository(self.session)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.session)

    @cached_property
    def inbound(self) -> InboundRepository:
        return InboundRepository(self.session)

    @cached_property
    def cursors(self) -> CursorRepository:
        return CursorRepository(self.session)

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.session)
