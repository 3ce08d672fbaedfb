"""In-memory stand-ins for the services' ports (gateway/services/ports.py), for fast unit tests.

``FakeTransactions`` hands out ``FakeUnitOfWork``s over one ``FakeInquiryRepository``: inquiries are
transient ORM ``Inquiry`` objects in a dict, and what a use case writes (events, transfers, outbox
messages) is recorded in lists, in the order written. The other repositories of the unit of work are not
faked (touching one raises), except the audit log, which records its entries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from gateway.config import Settings, load_settings
from gateway.domain.access import Actor
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.errors import DuplicateRecord
from gateway.domain.lifecycle import HANDLING, Action
from gateway.persistence.models import Inquiry, InquiryCoDepartment, InquiryEvent
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
from gateway.services.inquiries import InquiryService
from tests.conftest import FakeClock
from tests.fake_merges import FakeMergeRepository
from tests.fake_supervision import FakeSupervisionRepository

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent


class FakeInquiryRepository:
    """Inquiries in a dict by id; events, transfers and outbox messages recorded as written."""

    def __init__(self) -> None:
        self.inquiries: dict[int, Inquiry] = {}
        self.recorded_events: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []

    # ---- the port -----------------------------------------------------------------------------

    def find_or_allocate(self, channel: str, external_id: str | None) -> tuple[int | None, int]:
        """The id of the inquiry taken in under (channel, external_id) if any, and the next free id."""
        found = self.by_external(channel, external_id) if external_id is not None else None
        return (found.id if found else None), max(self.inquiries, default=0) + 1

    def write(self, rows: InquiryRows) -> None:
        """Keep the new rows; a second inquiry under one (channel, external_id) is refused as in SQL."""
        for inquiry in rows.inquiries:
            if inquiry.external_id is not None and self.by_external(inquiry.channel, inquiry.external_id):
                raise DuplicateRecord("inquiry", "(channel, external_id)")
            self.inquiries[inquiry.id] = inquiry
        for values in rows.events:
            self.recorded_events.append({"id": len(self.recorded_events) + 1, **values})
        self.transfers.extend(rows.transfers)
        self.messages.extend(rows.outbox)

    def get(self, inquiry_id: int, *, for_update: bool = False) -> Inquiry | None:
        """One inquiry (there is nothing to lock)."""
        return self.inquiries.get(inquiry_id)

    def by_external(self, channel: str, external_id: str) -> Inquiry | None:
        """The inquiry a system sent under its own id."""
        for inquiry in self.inquiries.values():
            if (inquiry.channel, inquiry.external_id) == (channel, external_id):
                return inquiry
        return None

    def set_co_departments(self, inquiry: Inquiry, codes: Sequence[str]) -> None:
        """Replace the inquiry's co-departments."""
        inquiry.co_departments.clear()
        inquiry.co_departments.extend(InquiryCoDepartment(department_code=c) for c in codes)

    def events(self, inquiry_id: int) -> list[InquiryEvent]:
        """The inquiry's history, oldest first, as (transient) rows."""
        return [InquiryEvent(**e) for e in self.recorded_events if e["inquiry_id"] == inquiry_id]

    def find(self, listing: Listing) -> tuple[list[Inquiry], int]:
        """Status, kind and channel filters only (the SQL one is tested against the database)."""
        filters, actor, offset, limit = listing.filters, listing.actor, listing.offset, listing.limit
        if (filters.department, filters.overdue, filters.due_soon, filters.text) != (None,) * 4:
            raise NotImplementedError("the fake filters by status, kind and channel only")
        found = [
            i
            for i in sorted(self.inquiries.values(), key=lambda i: -i.id)
            if self._admits(actor, i)
            and (not filters.status or i.status in filters.status)
            and (filters.kind is None or i.kind == filters.kind)
            and (filters.channel is None or i.channel == filters.channel)
        ]
        return found[offset : offset + limit], len(found)

    def overdue_unescalated(self, actor: Actor, now: datetime, limit: int) -> list[int]:
        """Held inquiries past their deadline with no 督办 since it passed, longest overdue first."""

        def escalated_since(inquiry: Inquiry) -> bool:
            return any(
                e["inquiry_id"] == inquiry.id
                and e["action"] == Action.ESCALATE.value
                and inquiry.due_at is not None
                and e["created_at"] >= inquiry.due_at
                for e in self.recorded_events
            )

        late = [
            i
            for i in self.inquiries.values()
            if self._admits(actor, i)
            and i.status in {s.value for s in HANDLING}
            and i.due_at is not None
            and i.due_at < now
            and not escalated_since(i)
            and i.master_id is None  # 并单: a child is escalated with its master
        ]
        return [i.id for i in sorted(late, key=lambda i: (i.due_at, i.id))][:limit]

    def published_replies(
        self, actor: Actor, text: str, now: datetime, limit: int
    ) -> list[tuple[Inquiry, dict[str, Any]]]:
        """Not faked: the search is SQL (tests/web/test_knowledge_panel.py)."""
        raise NotImplementedError("published_replies is tested against the database")

    @property
    def figures(self) -> Figures:
        """Not faked: the aggregates are SQL (tests/web/test_supervisor.py)."""
        raise NotImplementedError("figures are tested against the database")

    # ---- for tests ----------------------------------------------------------------------------

    @staticmethod
    def _admits(actor: Actor, inquiry: Inquiry) -> bool:
        departments = [inquiry.department_code, *(c.department_code for c in inquiry.co_departments)]
        return actor.scope.admits(inquiry.channel, inquiry.forwarded_to, departments)

    def sent(self, inquiry_id: int) -> list[tuple[str, str]]:
        """(target, event type) of the messages about one inquiry, in the order written."""
        return [
            (m["target"], m["event_type"]) for m in self.messages if m["payload"]["inquiry_id"] == inquiry_id
        ]

    def actions(self, inquiry_id: int) -> list[str]:
        """The actions of the inquiry's recorded events."""
        return [e["action"] for e in self.recorded_events if e["inquiry_id"] == inquiry_id]


class RecordedAudit(AuditRepository):
    """The audit log as a list of entries."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, **entry: Any) -> None:
        """Keep the entry."""
        self.entries.append(entry)


class NotFaked:
    """Stands for a repository the fake does not have: any use of it says so."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> NoReturn:
        raise NotImplementedError(f"the fake unit of work has no {self._name} repository ({attribute})")


def _not_faked(name: str, kind: type[T]) -> T:
    return cast(T, NotFaked(name))


class FakeUnitOfWork:
    """One unit of work over the shared fake repositories (inquiries and the audit log; the others are
    stand-ins that fail when used)."""

    def __init__(
        self,
        inquiries: FakeInquiryRepository,
        audit: RecordedAudit,
        supervision: FakeSupervisionRepository | None = None,
    ) -> None:
        self.inquiries = inquiries
        self.supervision = supervision or FakeSupervisionRepository()  # 督办单
        self.audit: AuditRepository = audit
        self.outbox = _not_faked("outbox", OutboxRepository)
        self.applications = _not_faked("applications", ApplicationRepository)
        self.catalog = _not_faked("catalog", CatalogRepository)
        self.accounts = _not_faked("accounts", AccountRepository)
        self.inbound = _not_faked("inbound", InboundRepository)
        self.cursors = _not_faked("cursors", CursorRepository)
        self.callers = _not_faked("callers", CallerIndexRepository)
        self.people = _not_faked("people", PeopleRepository)
        self.co_departments = _not_faked("co_departments", CoDepartmentRepository)
        self.merges = FakeMergeRepository(inquiries)
        self.attachments = _not_faked("attachments", AttachmentRepository)

    def flush(self) -> None:
        """Nothing is pending in memory."""


class FakeTransactions:
    """Units of work over one in-memory store. A failed write unit of work drops the rows and audit entries
    it added; fields it changed in place on existing inquiries stay changed (the fake keeps no copy of
    them), so a test of a failure asserts on what was added, not on those fields."""

    def __init__(self) -> None:
        self.inquiries = FakeInquiryRepository()
        self.audit = RecordedAudit()
        self.supervision = FakeSupervisionRepository()

    @contextmanager
    def writing(self) -> Iterator[FakeUnitOfWork]:
        """A unit of work whose new rows are dropped if the block raises."""
        store = self.inquiries
        before = (
            dict(store.inquiries),
            len(store.recorded_events),
            len(store.transfers),
            len(store.messages),
            len(self.audit.entries),
        )
        try:
            notices = dict(self.supervision.notices)
            yield FakeUnitOfWork(store, self.audit, self.supervision)
        except BaseException:
            self.supervision.notices = notices  # new notices dropped (changed ones stay changed, as above)
            store.inquiries = before[0]
            del store.recorded_events[before[1] :], store.transfers[before[2] :], store.messages[before[3] :]
            del self.audit.entries[before[4] :]
            raise

    @contextmanager
    def reading(self) -> Iterator[FakeUnitOfWork]:
        """A unit of work for reading."""
        yield FakeUnitOfWork(self.inquiries, self.audit, self.supervision)


def fake_settings(**interconnect: Any) -> Settings:
    """The shipped configuration (config.yaml), with the 互联互通 routes changed as given."""
    settings = load_settings(
        ROOT / "config.yaml",
        env={
            "GATEWAY_DATABASE_URL": "sqlite://",
            "GATEWAY_SECRET_KEY": "t",
            "GATEWAY_CALLER_KEY_SECRET": "k",
        },
    )
    if interconnect:
        settings = dataclasses.replace(
            settings, interconnect=dataclasses.replace(settings.interconnect, **interconnect)
        )
    return settings


def fake_inquiry_service(
    settings: Settings | None = None,
) -> tuple[InquiryService, FakeTransactions, FakeClock]:
    """An InquiryService over the fake, the shipped rules and calendar, and a clock to move."""
    settings = settings or fake_settings()
    db, clock = FakeTransactions(), FakeClock()
    return InquiryService(db, settings, WorkdayCalendar(settings.calendar), clock), db, clock
