"""The outbox's new messages: what a change announces to another system, written in its transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, Unpack

from gateway.domain.access import SYSTEMS
from gateway.domain.outbox import OutboxStatus
from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.outbox import OutboxRepository


class MessageFields(TypedDict):
    """What a caller says about a new message (all required, by keyword)."""

    target: str
    event_type: str
    ordering_key: str
    payload: dict[str, Any]
    idempotency_key: str
    now: datetime


def enqueue(outbox: OutboxRepository, **fields: Unpack[MessageFields]) -> OutboxMessage:
    """Add a message in the caller's unit of work (``uow.outbox``), so it exists exactly when the change
    does."""
    return outbox.add(message(**fields))


def message(*, status: str = OutboxStatus.PENDING, **fields: Unpack[MessageFields]) -> dict[str, Any]:
    """A new message's row, for the caller to write in its transaction (enqueue, or in bulk)."""
    if fields["target"] not in SYSTEMS:
        raise ValueError(f"unknown outbox target {fields['target']!r}")
    now = fields["now"]
    return {
        "target": fields["target"],
        "event_type": fields["event_type"],
        "ordering_key": fields["ordering_key"],
        "payload": fields["payload"],
        "idempotency_key": fields["idempotency_key"],
        "status": str(status),
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
