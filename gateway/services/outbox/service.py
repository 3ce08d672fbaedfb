"""The outbox for administrators: list it, reveal one message, act on dead letters."""

from __future__ import annotations

from gateway.domain.access import OUTBOX, OUTBOX_MANAGE, PII, Actor, require
from gateway.domain.clock import Clock
from gateway.domain.errors import NotFound
from gateway.services import audit
from gateway.services.outbox import dead_letters
from gateway.services.outbox.snapshots import full_snapshot, snapshots
from gateway.services.ports import Transactions
from gateway.services.snapshots import OutboxSnapshot, Page


class OutboxService:
    """The outbox for administrators: list it (personal data masked), reveal one message in full, resend or
    discard dead letters (each of the last three audited)."""

    def __init__(self, db: Transactions, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def get(self, message_id: int) -> OutboxSnapshot:
        """One message, personal data masked."""
        with self.db.reading() as uow:
            row = uow.outbox.get(message_id)
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            return snapshots(uow.people, [row])[0]

    def reveal(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """One message with its payload in full; the read is written to the audit log with its reason."""
        require(actor, PII, OUTBOX)
        with self.db.writing() as uow:
            row = uow.outbox.get(message_id)
            if row is None:
                raise NotFound(f"outbox message {message_id} not found")
            audit.record(uow.audit, actor, "reveal_pii", ("outbox", row.id), reason, self.clock())
            return full_snapshot(row)

    def resend(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """Put a dead letter back in the queue with fresh attempts."""
        return self._settle(message_id, dead_letters.RESEND, reason, actor)

    def discard(self, message_id: int, reason: str, actor: Actor) -> OutboxSnapshot:
        """Give up on a dead letter for good (it stops holding back later messages)."""
        return self._settle(message_id, dead_letters.DISCARD, reason, actor)

    def _settle(self, message_id: int, action: str, reason: str, actor: Actor) -> OutboxSnapshot:
        require(actor, OUTBOX_MANAGE)
        now = self.clock()
        with self.db.writing() as uow:
            return dead_letters.settle(uow, message_id, action, reason, actor, now)

    def find(self, *, status: str | None, target: str | None, offset: int, limit: int) -> Page:
        """Messages, newest first."""
        with self.db.reading() as uow:
            rows, total = uow.outbox.find(status=status, target=target, offset=offset, limit=limit)
            return Page(items=snapshots(uow.people, rows), total=total)
