"""The one place where settings, the database, the adapters and the services are put together."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import requests

from adapters.base.http import HttpClient, make_session
from adapters.base.port import Inbound, Outbound
from gateway.config import Settings, SystemEndpoint
from gateway.delivery.worker import DeliveryWorker
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock, utcnow
from gateway.domain.messages import CATALOG_ITEMS
from gateway.persistence.db import Database, make_engine
from gateway.services.applications import ApplicationService
from gateway.services.catalog import CatalogService
from gateway.services.catalog_sync import CatalogSync
from gateway.services.evaluations import EvaluationService
from gateway.services.inbound import InboundService
from gateway.services.inquiries import InquiryService
from gateway.services.keys import KeyService
from gateway.services.outbox import OutboxService
from schemas.inquiry import load_inbound_inquiry


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
    receivers: Mapping[str, Inbound] = field(default_factory=dict)
    senders: Mapping[str, Outbound] = field(default_factory=dict)
    http_session: requests.Session | None = None

    def delivery_worker(self, worker_id: str | None = None) -> DeliveryWorker:
        """A delivery worker over this app's database and adapters."""
        return DeliveryWorker(
            self.db,
            self.senders,
            self.settings.delivery,
            self.clock,
            worker_id,
            hydrators={CATALOG_ITEMS: self.catalog.hydrate},
        )

    def catalog_sync(self, page_size: int = 500) -> CatalogSync:
        """A sync from the provincial 事项库 over its adapter."""
        from adapters.catalog_source import CatalogSourceClient
        from schemas.catalog import validate_item, validate_item_envelope

        endpoint = self.settings.systems["catalog_source"]
        assert self.http_session is not None
        client = CatalogSourceClient(_client("catalog_source", endpoint, self.http_session))
        return CatalogSync(
            self.db,
            self.settings,
            client,
            validate_item,
            self.clock,
            page_size,
            validate_envelope=validate_item_envelope,
            source_factory=partial(CatalogSourceClient.connect, endpoint.base_url, endpoint.timeout_seconds),
        )

    def close(self) -> None:
        """Release connections."""
        if self.http_session is not None:
            self.http_session.close()
        self.db.dispose()


def _client(system: str, endpoint: SystemEndpoint, session: requests.Session) -> HttpClient:
    return HttpClient(system, endpoint.base_url, session, timeout=(3.05, endpoint.timeout_seconds))


def build_adapters(
    settings: Settings, session: requests.Session
) -> tuple[dict[str, Inbound], dict[str, Outbound]]:
    """The real adapters for every configured system."""
    from adapters.department import DepartmentClient, DepartmentInbound
    from adapters.dept_hotline import DeptHotlineClient, DeptHotlineInbound
    from adapters.hotline import HotlineClient, HotlineInbound
    from adapters.website import WebsiteClient, WebsiteInbound
    from adapters.window import WindowClient, WindowInbound

    systems = settings.systems
    senders: dict[str, Outbound] = {
        "hotline": HotlineClient(_client("hotline", systems["hotline"], session)),
        "website": WebsiteClient(_client("website", systems["website"], session)),
        "window": WindowClient(_client("window", systems["window"], session)),
        "department": DepartmentClient(_client("department", systems["department"], session)),
        "dept_hotline": DeptHotlineClient(
            {
                line.code: _client(f"dept_hotline:{line.code}", line.endpoint, session)
                for line in settings.dept_lines
            }
        ),
    }
    receivers: dict[str, Inbound] = {
        "hotline": HotlineInbound(),
        "website": WebsiteInbound(),
        "window": WindowInbound(),
        "dept_hotline": DeptHotlineInbound([line.code for line in settings.dept_lines]),
        "department": DepartmentInbound(),
    }
    return receivers, senders


def build(settings: Settings, clock: Clock = utcnow) -> Services:
    """Wire real services for these settings."""
    db = Database(make_engine(settings.database_url))
    calendar = WorkdayCalendar(settings.calendar, logger=logging.getLogger("gateway.calendar"))
    inquiries = InquiryService(db, settings, calendar, clock)
    applications = ApplicationService(db, settings, calendar, clock)
    session = make_session(pool_size=max(16, settings.delivery.concurrency * 2))
    receivers, senders = build_adapters(settings, session)
    return Services(
        settings=settings,
        db=db,
        calendar=calendar,
        clock=clock,
        inquiries=inquiries,
        keys=KeyService(db, frozenset(d.code for d in settings.departments), clock),
        outbox=OutboxService(db, clock),
        inbound=InboundService(db, inquiries, clock, applications, validate_inquiry=load_inbound_inquiry),
        catalog=CatalogService(db),
        applications=applications,
        evaluations=EvaluationService(db, settings, calendar, clock),
        receivers=receivers,
        senders=senders,
        http_session=session,
    )
