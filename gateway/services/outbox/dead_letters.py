"""Dead letters (死信): messages every attempt failed for, put back in the queue or given up, audited."""

from __future__ import annotations

from datetime import datetime

from gateway.domain.access import Actor
from gateway.domain.errors import InvalidTransition, NotFound
from gateway.domain.outbox import OutboxStatus
from gateway.services import audit
from gateway.services.outbox.snapshots import snapshots
from gateway.services.ports import UnitOfWork
from gateway.services.snapshots import OutboxSnapshot

RESEND, DISCARD = "resend", "discard"


def settle(
    uow: UnitOfWork, message_id: int, action: str, reason: str, actor: Actor, now: datetime
) -> OutboxSnapshot:
    """Resend (back to pending with fresh attempts) or discard (it stops holding back later messages) a
    dead letter, in the caller's unit of work; the action is audited with its reason. The caller has
    checked that the actor may (``require(actor, OUTBOX_MANAGE)``)."""
    row = uow.outbox.get(message_id, lock=True)
    if row is None:
        raise NotFound(f"outbox message {message_id} not found")
    if row.status != OutboxStatus.DEAD:
        raise InvalidTransition(row.status, action, [], "only dead letters can be resent or discarded")
    if action == RESEND:
        row.status, row.attempts, row.next_attempt_at, row.lease_until = (
            OutboxStatus.PENDING,
            0,
            now,
            None,
        )
    else:
        row.status = OutboxStatus.DISCARDED
    audit.record(uow.audit, actor, f"outbox_{action}", ("outbox", row.id), reason, now)
    uow.flush()
    return snapshots(uow.people, [row])[0]
