"""Writing and reading the outbox; sending it belongs to the delivery worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.domain.access import OUTBOX_MANAGE, SYSTEMS, Actor
from gateway.domain.errors import Forbidden, InvalidTransition, NotFound
from gateway.persistence.db import Database
from gateway.persistence.models import OutboxMessage
from gateway.services import audit
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
    """The outbox for administrators: list it, resend or discard dead letters (each audited)."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def get(self, message_id: int) -> OutboxView:
        """One message."""
        with self.db.read() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            return to_view(row)

    def resend(self, message_id: int, reason: str, actor: Actor) -> OutboxView:
        """Put a dead letter back in the queue with fresh attempts."""
        return self._dead_letter_action(message_id, "resend", reason, actor)

    def discard(self, message_id: int, reason: str, actor: Actor) -> OutboxView:
        """Give up on a dead letter for good (it stops holding back later messages)."""
        return self._dead_letter_action(message_id, "discard", reason, actor)

    def _dead_letter_action(self, message_id: int, action: str, reason: str, actor: Actor) -> OutboxView:
        if not actor.can(OUTBOX_MANAGE):
            raise Forbidden(f"role '{actor.role}' may not {OUTBOX_MANAGE}")
        now = self.clock()
        with self.db.unit_of_work() as session:
            row = session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
            )
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            if row.status != "dead":
                raise InvalidTransition(
                    row.status, action, [], "only dead letters can be resent or discarded"
                )
            if action == "resend":
                row.status, row.attempts, row.next_attempt_at, row.lease_until = "pending", 0, now, None
            else:
                row.status = "discarded"
            audit.record(session, actor, f"outbox_{action}", ("outbox", row.id), reason, now)
            session.flush()
            return to_view(row)

    def find(self, *, status: str | None, target: str | None, offset: int, limit: int) -> Page:
        """Messages, newest first."""
        query = select(OutboxMessage)
        if status:
            query = query.where(OutboxMessage.status == status)
        if target:
            query = query.where(OutboxMessage.target == target)
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(OutboxMessage.id.desc()).offset(min(offset, 2**31 - 1)).limit(limit)
            )
            return Page(items=[to_view(r) for r in rows], total=total)
