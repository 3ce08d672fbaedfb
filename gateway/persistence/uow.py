"""The SQLAlchemy unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.persistence.repositories.accounts import AccountRepository
from gateway.persistence.repositories.applications import ApplicationRepository
from gateway.persistence.repositories.attachments import AttachmentRepository
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.callers import CallerIndexRepository
from gateway.persistence.repositories.catalog import CatalogRepository
from gateway.persistence.repositories.co_departments import CoDepartmentRepository
from gateway.persistence.repositories.cursors import CursorRepository
from gateway.persistence.repositories.inbound import InboundRepository
from gateway.persistence.repositories.inquiries import InquiryRepository
from gateway.persistence.repositories.merges import MergeRepository
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.persistence.repositories.people import PeopleRepository
from gateway.persistence.repositories.supervision import SupervisionRepository


class SqlUnitOfWork:
    """One transaction over the database (see ``Database.writing`` and ``Database.reading``).

    Every repository shares the transaction's session, so what one writes the next one reads, and
    everything commits or rolls back together when the block ends. (A repository is one small object
    over the session: making all of them up front costs less than a lookup each.)
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.inquiries = InquiryRepository(session)
        self.outbox = OutboxRepository(session)
        self.applications = ApplicationRepository(session)
        self.catalog = CatalogRepository(session)
        self.accounts = AccountRepository(session)
        self.audit = AuditRepository(session)
        self.inbound = InboundRepository(session)
        self.cursors = CursorRepository(session)
        self.callers = CallerIndexRepository(session)
        self.people = PeopleRepository(session)
        self.co_departments = CoDepartmentRepository(session)
        self.supervision = SupervisionRepository(session)  # 督办单
        self.merges = MergeRepository(session)
        self.attachments = AttachmentRepository(session)

    def flush(self) -> None:
        """Send pending changes now (to see generated ids, or to order a delete before an insert)."""
        self.session.flush()
