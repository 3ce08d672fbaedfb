"""Writing and reading the outbox; sending it belongs to the delivery worker."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.domain.access import OUTBOX, OUTBOX_MANAGE, PII, SYSTEMS, Actor
from gateway.domain.clock import Clock
from gateway.domain.disclosure import mask_payload, people_in, redact_all
from gateway.domain.errors import Forbidden, InvalidTransition, NotFound
from gateway.domain.outbox import OutboxStatus
from gateway.domain.pii import Person
from gateway.persistence.db import Database
from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.services import audit, people
from gateway.services.snapshots import OutboxSnapshot, Page


def enqueue(
    outbox: OutboxRepository,
    *,
    target: str,
    event_type: str,
    ordering_key: str,
    payload: dict[str, Any],
    idempotency_key: str,
    now: datetime,
) -> OutboxMessage:
    """Add a message in the caller's unit of work (``uow.outbox``), so it exists exactly when the change
    does."""
    values = message(
        target=target,
        event_type=event_type,
        ordering_key=ordering_key,
        payload=payload,
        idempotency_key=idempotency_key,
        now=now,
    )
    return outbox.add(values)


def message(
    *,
    target: str,
    event_type: str,
    ordering_key: str,
    payload: dict[str, Any],
    idempotency_key: str,
    now: datetime,
    status: str = OutboxStatus.PENDING,
) -> dict[str, Any]:
    """A new message's row, for the caller to write in its transaction (enqueue, or in bulk)."""
    if target not in SYSTEMS:
        raise ValueError(f"unknown outbox target {target!r}")
    return {
        "target": target,
        "event_type": event_type,
        "ordering_key": ordering_key,
        "payload": payload,
        "idempotency_key": idempotency_key,
        "status": str(status),
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def to_view(row: OutboxMessage, stored: Iterable[Person] = ()) -> OutboxSnapshot:
    """Snapshot a row for staff: the people in its payload masked, its free text and last error redacted
    with them and with the stored citizens given (snapshots() finds those)."""
    payload, stored = dict(row.payload or {}), list(stored)
    last_error = redact_all(row.last_error, [*people_in(payload), *stored])
    return _snapshot(row, mask_payload(payload, stored), last_error, masked=True)


def full_view(row: OutboxMessage) -> OutboxSnapshot:
    """Snapshot a row with its payload in full: only for a reveal, which is audited."""
    return _snapshot(row, dict(row.payload or {}), row.last_error, masked=False)


def _snapshot(
    row: OutboxMessage, payload: dict[str, Any], last_error: str | None, masked: bool
) -> OutboxSnapshot:
    return OutboxSnapshot(
        id=row.id,
        target=row.target,
        event_type=row.event_type,
        ordering_key=row.ordering_key,
        payload=payload,
        idempotency_key=row.idempotency_key,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        masked=masked,
    )


def snapshots(session: Session, rows: Sequence[OutboxMessage]) -> list[OutboxSnapshot]:
    """Masked snapshots; free text is also redacted with the stored citizen of each message's inquiry or
    application, who may be named in a note or reason whose payload carries no person."""
    payloads = [r.payload or {} for r in rows]
    inquiries = people.of_inquiries(
        session, (p["inquiry_id"] for p in payloads if isinstance(p.get("inquiry_id"), int))
    )
    applications = people.of_applications(
        session,
        ids=(p["application_id"] for p in payloads if isinstance(p.get("application_id"), int)),
        receipt_nos=(p["receipt_no"] for p in payloads if isinstance(p.get("receipt_no"), str)),
    )

    def stored(payload: dict[str, Any]) -> list[Person]:
        inquiry_id, app_id, receipt_no = (
            payload.get(k) for k in ("inquiry_id", "application_id", "receipt_no")
        )
        found = [
            inquiries.get(inquiry_id) if isinstance(inquiry_id, int) else None,
            applications.get(app_id) if isinstance(app_id, int) else None,
            applications.get(receipt_no) if isinstance(receipt_no, str) else None,
        ]
        return list(dict.fromkeys(p for p in found if p))

    return [to_view(row, stored(payload)) for row, payload in zip(rows, payloads, strict=True)]


class OutboxService:
    """The outbox for administrators: list it (personal data masked), reveal one message in full, resend or
    discard dead letters (each of the last three audited)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def get(self, message_id: int) -> OutboxSnapshot:
        """One message, personal data masked."""
        with self.db.read() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            return snapshots(session, [row])[0]

    def reveal(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """One message with its payload in full; the read is written to the audit log with its reason."""
        for permission in (PII, OUTBOX):
            if not actor.can(permission):
                raise Forbidden(f"role '{actor.role}' may not {permission}")
        with self.db.unit_of_work() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            audit.record(
                AuditRepository(session), actor, "reveal_pii", ("outbox", row.id), reason, self.clock()
            )
            return full_view(row)

    def resend(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """Put a dead letter back in the queue with fresh attempts."""
        return self._dead_letter_action(message_id, "resend", reason, actor)

    def discard(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """Give up on a dead letter for good (it stops holding back later messages)."""
        return self._dead_letter_action(message_id, "discard", reason, actor)

    def _dead_letter_action(self, message_id: int, action: str, reason: str, actor: Actor) -> OutboxSnapshot:
        if not actor.can(OUTBOX_MANAGE):
            raise Forbidden(f"role '{actor.role}' may not {OUTBOX_MANAGE}")
        now = self.clock()
        with self.db.unit_of_work() as session:
            row = session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
            )
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            if row.status != OutboxStatus.DEAD:
                raise InvalidTransition(
                    row.status, action, [], "only dead letters can be resent or discarded"
                )
            if action == "resend":
                row.status, row.attempts, row.next_attempt_at, row.lease_until = (
                    OutboxStatus.PENDING,
                    0,
                    now,
                    None,
                )
            else:
                row.status = OutboxStatus.DISCARDED
            audit.record(AuditRepository(session), actor, f"outbox_{action}", ("outbox", row.id), reason, now)
            session.flush()
            return snapshots(session, [row])[0]

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
            ).all()
            return Page(items=snapshots(session, rows), total=total)
