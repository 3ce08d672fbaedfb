"""Listing inquiries: the filters a list may be narrowed by, and the limits a query is cut to."""

from __future__ import annotations

from datetime import datetime

from gateway.config import Settings
from gateway.domain.access import Actor
from gateway.domain.calendar import WorkdayCalendar
from gateway.persistence.repositories.inquiry_filters import InquiryFilter, Listing

__all__ = ["MAX_OFFSET", "OVERDUE_SWEEP", "InquiryFilter", "Listing", "due_soon_limit", "listing"]

MAX_OFFSET = 2**31 - 1  # a page far past the end is empty, not a database overflow
OVERDUE_SWEEP = 500  # inquiries escalated per sweep at most; the next sweep takes the rest


def due_soon_limit(settings: Settings, calendar: WorkdayCalendar, now: datetime) -> datetime:
    """The deadline up to which a held inquiry counts as 临期 (due soon)."""
    return calendar.add_workdays(now, settings.deadlines.due_soon_workdays).at


def listing(
    filters: InquiryFilter, actor: Actor, now: datetime, soon: datetime, *, offset: int, limit: int
) -> Listing:
    """The repository's query for one page of a list: the offset cut to what the database can count."""
    return Listing(filters, actor, now, soon, min(offset, MAX_OFFSET), limit)
