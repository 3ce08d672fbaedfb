"""Listing inquiries: the filters a list may be narrowed by, and the limits a query is cut to."""

from __future__ import annotations

from datetime import datetime

from gateway.config import Settings
from gateway.domain.calendar import WorkdayCalendar
from gateway.persistence.repositories.inquiry_filters import InquiryFilter

__all__ = ["MAX_OFFSET", "OVERDUE_SWEEP", "InquiryFilter", "due_soon_limit"]

MAX_OFFSET = 2**31 - 1  # a page far past the end is empty, not a database overflow
OVERDUE_SWEEP = 500  # inquiries escalated per sweep at most; the next sweep takes the rest


def due_soon_limit(settings: Settings, calendar: WorkdayCalendar, now: datetime) -> datetime:
    """The deadline up to which a held inquiry counts as 临期 (due soon)."""
    return calendar.add_workdays(now, settings.deadlines.due_soon_workdays).at
