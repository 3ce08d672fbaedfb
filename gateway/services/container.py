"""The `Services` container: everything a request, a job or a command may call.

The type lives here, apart from the composition root (gateway.bootstrap, which builds it), so that the
API, the consoles, the jobs and the CLI import a type and never the wiring of real adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.config import Settings
from gateway.delivery.worker import DeliveryWorker
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock
from gateway.persistence.db import Database
from gateway.services.accounts import KeyService
from gateway.services.applications import ApplicationService, EvaluationService
from gateway.services.attachments import AttachmentMessages, AttachmentService
from gateway.services.catalog import CatalogService, CatalogSync
from gateway.services.co_departments import CoDepartmentService
from gateway.services.inbound import InboundService
from gateway.services.inquiries import InquiryService
from gateway.services.outbox import OutboxService
from gateway.services.supervision.service import SupervisionService
from gateway.services.system import SystemService


@dataclass
class Services:
    """Everything a request, a job or a command may call."""

    settings: Settings
    db: Database
    calendar: WorkdayCalendar
    clock: Clock
    inquiries: InquiryService
    keys: KeyService
    outbox: OutboxService
    inbound: InboundService
    catalog: CatalogService
    applications: ApplicationService
    evaluations: EvaluationService
    system: SystemService
    co_departments: CoDepartmentService  # 协办: co-departments' tasks and opinions
    supervision: SupervisionService  # 督办单
    attachments: AttachmentService  # 附件: rows in the database, bytes in the blob store
    attachment_messages: AttachmentMessages  # 附件 in messages to systems, and the signed links they fetch
    # Built by the wiring over the real adapters: a delivery worker (by worker id) and a catalog sync (by
    # page size); `closing` releases what the wiring opened (the HTTP session).
    make_delivery_worker: Callable[[str | None], DeliveryWorker]
    make_catalog_sync: Callable[[int], CatalogSync]
    closing: list[Callable[[], None]] = field(default_factory=list)

    def delivery_worker(self, worker_id: str | None = None) -> DeliveryWorker:
        """A delivery worker over this app's database and adapters."""
        return self.make_delivery_worker(worker_id)

    def catalog_sync(self, page_size: int = 500) -> CatalogSync:
        """A sync from the provincial 事项库 over its adapter."""
        return self.make_catalog_sync(page_size)

    def close(self) -> None:
        """Release connections."""
        for close in self.closing:
            close()
        self.db.dispose()
