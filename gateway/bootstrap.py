"""The one place where settings, the database and the services are put together."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gateway.config import Settings
from gateway.domain.calendar import WorkdayCalendar
from gateway.persistence.db import Database, make_engine
from gateway.services.inquiries import Clock, InquiryService, utcnow
from gateway.services.keys import KeyService
from gateway.services.outbox import OutboxService


@dataclass
class Services:
    """Everything a request or a command may call."""

    settings: Settings
    db: Database
    calendar: WorkdayCalendar
    inquiries: InquiryService
    keys: KeyService
    outbox: OutboxService


def build(settings: Settings, clock: Clock = utcnow) -> Services:
    """Wire real services for these settings."""
    db = Database(make_engine(settings.database_url))
    calendar = WorkdayCalendar(settings.calendar, logger=logging.getLogger("gateway.calendar"))
    return Services(
        settings=settings,
        db=db,
        calendar=calendar,
        inquiries=InquiryService(db, settings, calendar, clock),
        keys=KeyService(db, frozenset(d.code for d in settings.departments), clock),
        outbox=OutboxService(db),
    )
