"""Writing and reading the outbox; sending it belongs to the delivery worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.domain.access import SYSTEMS
from gateway.persistence.db import Database
from gateway.persistence.models import OutboxMessage
from gateway.services.views import OutboxView, Page

STATUSES = ("pending", "sending", "sent", "dead", "discarded")


def enqueue(
    session: Session,
    *,
    target: str,
    event_type: str,
    ordering_key: str,
    payload: dict[str, Any],
    idempotency_key: str,
    now: datetime,
) -> OutboxMessage:
    """Add a message in the caller's transaction, so it exists exactly when the change does."""
    if target not in SYSTEMS:
        raise ValueError(f"unknown outbox target {target!r}")
    message = OutboxMessage(
        target=target,
        event_type=event_type,
        ordering_key=ordering_key,
        payload=payload,
        idempotency_key=idempotency_key,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message


def to_view(row: OutboxMessage) -> OutboxView:
    """Snapshot a row."""
    return OutboxView(
        id=row.id,
        target=row.target,
        event_type=row.event_type,
        ordering_key=row.ordering_key,
        payload=dict(row.payload),
        idempotency_key=row.idempotency_key,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


class OutboxService:
    """Read access to the outbox for administrators."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def list(
        self, *, status: str | None, target: str | None, offset: int, limit: int
    ) -> Page:
        """Messages, newest first."""
        query = select(OutboxMessage)
        if status:
            query = query.where(OutboxMessage.status == status)
        if target:
            query = query.where(OutboxMessage.target == target)
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.order_by(OutboxMessage.id.desc()).offset(min(offset, 2**31 - 1)).limit(limit))
            return Page(items=[to_view(r) for r in rows], total=total)
