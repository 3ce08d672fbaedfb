"""The one place where settings, the database, the adapters and the services are put together."""

from __future__ import annotations

import logging
from functools import partial

import requests

from adapters.base.apart import ahead, pages_apart
from adapters.base.http import HttpClient, make_session
from adapters.base.port import Inbound, Outbound, Poller
from adapters.base.webhooks import verify
from gateway.config import Settings, SystemEndpoint
from gateway.delivery.worker import DeliveryWorker
from gateway.domain.attachments import AttachmentPolicy, BlobStore
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock, utcnow
from gateway.domain.messages import CATALOG_ITEMS, REPLY_PUBLISH, WORKORDER_CREATE
from gateway.persistence.db import Database, make_engine
from gateway.services.accounts import KeyService
from gateway.services.applications import ApplicationService, EvaluationService
from gateway.services.attachments import AttachmentMessages, AttachmentService
from gateway.services.catalog import CatalogService, CatalogSync
from gateway.services.co_departments import CoDepartmentService
from gateway.services.container import Services
from gateway.services.inbound import InboundService
from gateway.services.inquiries import InquiryService
from gateway.services.outbox import OutboxService
from gateway.services.supervision.service import SupervisionService
from gateway.services.system import SystemService
from schemas.catalog import validate_item, validate_item_envelope
from schemas.inquiry import load_inbound_inquiry

__all__ = ["Services", "build", "build_adapters", "catalog_sync"]  # Services: the type, built here


def _client(system: str, endpoint: SystemEndpoint, session: requests.Session) -> HttpClient:
    return HttpClient(system, endpoint.base_url, session, timeout=(3.05, endpoint.timeout_seconds))


def build_adapters(
    settings: Settings, session: requests.Session
) -> tuple[dict[str, Inbound], dict[str, Outbound]]:
    """The real adapters for every configured system: (receivers of pushes, senders of messages)."""
    receivers, senders, _ = _adapters(settings, session)
    return receivers, senders


def _adapters(
    settings: Settings, session: requests.Session
) -> tuple[dict[str, Inbound], dict[str, Outbound], dict[str, Poller]]:
    """Receivers of pushes, senders of messages and pollers of change lists, by system."""
    from adapters.department import DepartmentClient, DepartmentInbound
    from adapters.dept_hotline import DeptHotlineClient, DeptHotlineInbound
    from adapters.hotline import HotlineClient, HotlineInbound
    from adapters.website import WebsiteClient, WebsiteInbound
    from adapters.window import WindowClient, WindowInbound

    systems = settings.systems
    hotline = HotlineClient(_client("hotline", systems["hotline"], session))
    senders: dict[str, Outbound] = {
        "hotline": hotline,
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
    return receivers, senders, {"hotline": hotline}


def catalog_sync(
    db: Database, settings: Settings, session: requests.Session, clock: Clock, page_size: int
) -> CatalogSync:
    """A sync from the provincial 事项库 over its adapter (a full one reads pages in a child process)."""
    from adapters.catalog_source import CatalogSourceClient

    endpoint = settings.systems["catalog_source"]
    client = CatalogSourceClient(_client("catalog_source", endpoint, session))
    return CatalogSync(
        db,
        settings,
        client,
        validate_item,
        clock,
        page_size,
        validate_envelope=validate_item_envelope,
        source_factory=partial(CatalogSourceClient.connect, endpoint.base_url, endpoint.timeout_seconds),
        read_apart=pages_apart,
        read_ahead=ahead,
    )


def blob_store(policy: AttachmentPolicy) -> BlobStore:
    """Where attachments' bytes go: files under a directory (one instance), or S3 storage (several)."""
    if policy.storage == "s3":
        from adapters.objectstore import S3BlobStore

        return S3BlobStore.connect(
            policy.s3_bucket,
            endpoint_url=policy.s3_endpoint_url,
            region=policy.s3_region,
            prefix=policy.s3_prefix,
        )
    from gateway.persistence.blobs import FileBlobStore

    return FileBlobStore(policy.directory)


def build(settings: Settings, clock: Clock = utcnow) -> Services:
    """Wire real services for these settings."""
    db = Database(make_engine(settings.database_url))
    calendar = WorkdayCalendar(settings.calendar, logger=logging.getLogger("gateway.calendar"))
    inquiries = InquiryService(db, settings, calendar, clock)
    applications = ApplicationService(db, settings, calendar, clock)
    session = make_session(pool_size=max(16, settings.delivery.concurrency * 2))
    receivers, senders, pollers = _adapters(settings, session)
    catalog = CatalogService(db)
    attachments = AttachmentService(db, settings.attachments, blob_store(settings.attachments), clock)
    attachment_messages = AttachmentMessages(attachments, settings.secret_key)
    hydrators = {
        CATALOG_ITEMS: catalog.hydrate,
        WORKORDER_CREATE: attachment_messages.for_work_order,  # 附件 as signed links for 12345
        REPLY_PUBLISH: attachment_messages.for_publication,  # the public 附件 with the reply
    }

    def delivery_worker(worker_id: str | None) -> DeliveryWorker:
        return DeliveryWorker(db, senders, settings.delivery, clock, worker_id, hydrators=hydrators)

    inbound = InboundService(
        db,
        inquiries,
        clock,
        applications,
        validate_inquiry=load_inbound_inquiry,
        verify=verify,
        receivers=receivers,
        pollers=pollers,
        secrets=settings.webhook_secrets,
        attachments=attachments,
        # 12345 sends recordings and photos as links its adapter fetches
        fetchers={"hotline": senders["hotline"].fetch},  # type: ignore[attr-defined]
    )
    return Services(
        settings=settings,
        db=db,
        calendar=calendar,
        clock=clock,
        inquiries=inquiries,
        keys=KeyService(db, frozenset(d.code for d in settings.departments), clock),
        outbox=OutboxService(db, clock),
        inbound=inbound,
        catalog=catalog,
        applications=applications,
        evaluations=EvaluationService(db, settings, calendar, clock),
        system=SystemService(db, clock),
        co_departments=CoDepartmentService(db, settings, calendar, clock),
        supervision=SupervisionService(db, inquiries, clock),
        attachments=attachments,
        attachment_messages=attachment_messages,
        make_delivery_worker=delivery_worker,
        make_catalog_sync=partial(catalog_sync, db, settings, session, clock),
        closing=[session.close],
    )
