"""Polling: what a system lists as changed since the stored cursor, taken in record by record through the
inbound path (the same validation and receipts as its pushes)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from gateway.domain.inbound import InboundEvent
from gateway.domain.ports import Listed, Poller
from gateway.services.inbound.outcomes import REJECTED, PollResult, Receipt, Refused

log = logging.getLogger(__name__)


class InboundPath(Protocol):
    """The one path every event goes through (the inbound service), as polling uses it."""

    def handle(self, system: str, events: Sequence[InboundEvent], webhook_id: str | None = None) -> Receipt:
        """Validate the events, then apply each not taken in before."""

    def seen(self, system: str, receipt_id: str) -> Receipt | None:
        """The receipt of an id already taken in, if any."""

    def remember(self, system: str, receipt_id: str, refs: dict[str, Any]) -> None:
        """Record an id as taken in."""

    def cursor(self, name: str) -> str | None:
        """Where a polling job resumes."""

    def save_cursor(self, name: str, value: str | None, now: datetime | None = None) -> None:
        """Remember where a polling job got to."""


def poll(path: InboundPath, poller: Poller, system: str, cursor_name: str, page_size: int) -> PollResult:
    """Take in what the poller lists as changed since the stored cursor, record by record.

    The cursor moves only past records taken in: applied, known already, or refused for good (bad
    input: reported once, never retried until the system changes the record). Any other failure
    stops the run with the cursor at the last record taken in, so the next run starts with the one
    that failed; a run killed outright resumes from the last page saved, and receipts stop doubles.
    """
    saved = position = path.cursor(cursor_name)
    received = repeated = 0
    rejections: list[str] = []
    try:
        for page in poller.changes(saved, page_size):
            for record in page:
                taken = take_listed(path, system, record)
                if isinstance(taken, str):
                    rejections.append(f"{record.reference}: {taken}")
                else:
                    received, repeated = received + taken[0], repeated + taken[1]
                position = record.position
            if position != saved:
                path.save_cursor(cursor_name, position)
                saved = position
    except Exception:
        if position != saved:
            path.save_cursor(cursor_name, position)  # what was taken in before the failure stays taken
        raise
    return PollResult(received, repeated, len(rejections), position, "; ".join(rejections)[:2000])


def take_listed(path: InboundPath, system: str, record: Listed) -> tuple[int, int] | str:
    """(events applied, events known) for a record taken in, or the reason it was refused."""
    mark = f"{REJECTED}{record.reference}@{record.position}"
    earlier = path.seen(system, mark)
    if earlier is not None:
        return (0, len(record.events))  # refused before as it is; reported then
    try:
        if record.problem is not None:
            raise Refused(400, str(record.problem), f"field={record.problem.field}")
        receipt = path.handle(system, record.events)
    except Refused as err:
        log.warning("listed record refused system=%s reference=%s %s", system, record.reference, err.cause)
        path.remember(system, mark, {"numbers": [], "rejected": err.reason[:500]})
        return err.reason
    return (receipt.applied, len(record.events) - receipt.applied)
