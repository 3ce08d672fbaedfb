"""The repository of the outbox: messages to external systems, claimed and settled by the worker.

Claiming is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``. On PostgreSQL the
row locks let several workers on several hosts claim disjoint rows; on SQLite the lock clause is dropped
and the write transaction starts with BEGIN IMMEDIATE, so one claim runs at a time. A claim is a lease:
a worker that dies mid-send leaves rows in ``sending`` whose lease runs out, and any worker takes them up
again. Only the oldest unfinished message of each ordering key is claimable, so one inquiry's messages
to one receiver arrive in order, and a dead letter holds back the messages behind it until it is resent
or discarded.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Update,
    and_,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from gateway.domain.outbox import BLOCKING_STATES, OPEN_STATES, OutboxStatus
from gateway.domain.ports import OutboundMessage
from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.base import Repository

_MAX_OFFSET = 2**31 - 1  # what every database takes as an OFFSET


class OutboxRepository(Repository):
    """Outbox messages; a message is added in the transaction of the change it announces."""

    def add(self, values: dict[str, Any]) -> OutboxMessage:
        """One message (values as ``services.outbox.message`` builds them), returned as its row."""
        row = OutboxMessage(**values)
        self.session.add(row)
        return row

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Several messages in one statement (all carry the same keys)."""
        if rows:
            self.session.execute(insert(OutboxMessage), list(rows))

    # ---- staff: finding and changing messages ---------------------------------------------------

    def get(
        self, message_id: int, *, event_types: Collection[str] = (), lock: bool = False
    ) -> OutboxMessage | None:
        """One message (of one of these types, if given); locked for update if asked."""
        query = select(OutboxMessage).where(OutboxMessage.id == message_id)
        if event_types:
            query = query.where(OutboxMessage.event_type.in_(event_types))
        return self.session.scalar(query.with_for_update() if lock else query)

    def find(
        self,
        *,
        status: str | None,
        target: str | None = None,
        event_types: Collection[str] = (),
        offset: int,
        limit: int,
        newest_first: bool = True,
    ) -> tuple[list[OutboxMessage], int]:
        """One page of messages (in a status, to a target, of types, when given) and the total."""
        query = select(OutboxMessage)
        if event_types:
            query = query.where(OutboxMessage.event_type.in_(event_types))
        if status:
            query = query.where(OutboxMessage.status == status)
        if target:
            query = query.where(OutboxMessage.target == target)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        order = OutboxMessage.id.desc() if newest_first else OutboxMessage.id
        rows = self.session.scalars(query.order_by(order).offset(min(offset, _MAX_OFFSET)).limit(limit))
        return list(rows), total

    def later_of_key(self, row: OutboxMessage, event_types: Collection[str]) -> int | None:
        """The id of a later message of these types with the same ordering key that is not discarded."""
        return self.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.ordering_key == row.ordering_key,
                OutboxMessage.event_type.in_(event_types),
                OutboxMessage.id > row.id,
                OutboxMessage.status != OutboxStatus.DISCARDED,
            )
            .limit(1)
        )

    # ---- the delivery worker: claim and settle --------------------------------------------------

    def claim(
        self,
        now: datetime,
        *,
        lease_until: datetime,
        limit: int,
        exclude: Collection[str] = (),
        only: str | None = None,
    ) -> list[OutboundMessage]:
        """Lease up to `limit` due messages (see the module's docstring); in id order, each with its
        attempt counted."""
        statement = claim_statement(now, lease_until=lease_until, limit=limit, exclude=exclude, only=only)
        rows = self.session.execute(statement, execution_options={"synchronize_session": False}).all()
        return [
            OutboundMessage(
                id=r.id,
                target=r.target,
                event_type=r.event_type,
                payload=dict(r.payload),
                idempotency_key=r.idempotency_key,
                attempt=r.attempts,
            )
            for r in sorted(rows, key=lambda r: r.id)
        ]

    def settle(self, message_id: int, attempts: int, values: dict[str, object]) -> None:
        """Record a send's outcome, only if this claim (its attempt) still holds the message's lease."""
        # A worker whose lease ran out and was overtaken writes nothing (the receiver drops the repeat
        # by its idempotency key).
        mine = and_(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.attempts == attempts,
        )
        self.session.execute(update(OutboxMessage).where(mine).values(**values))


def claim_statement(
    now: datetime,
    *,
    lease_until: datetime,
    limit: int,
    exclude: Collection[str] = (),
    only: str | None = None,
) -> Update:
    """The claim: up to `limit` due messages whose key no earlier open or dead message holds back,
    leased until the time given, in one UPDATE ... RETURNING."""
    # The candidate rows are an alias, so the subquery never correlates with the UPDATE's own table.
    row = aliased(OutboxMessage, name="candidate")
    earlier = aliased(OutboxMessage, name="earlier")
    held_back = exists().where(
        earlier.ordering_key == row.ordering_key,
        earlier.id < row.id,
        _among(earlier.status, BLOCKING_STATES),  # ix_outbox_blocking_key
    )
    due = or_(
        and_(row.status == OutboxStatus.PENDING, row.next_attempt_at <= now),
        and_(row.status == OutboxStatus.SENDING, row.lease_until < now),
    )
    candidates = select(row.id).where(_among(row.status, OPEN_STATES), due, ~held_back)  # ix_outbox_open
    if exclude:
        candidates = candidates.where(row.target.not_in(sorted(exclude)))
    if only:
        candidates = candidates.where(row.target == only)
    candidates = candidates.order_by(row.id).limit(limit).with_for_update(skip_locked=True, of=row)
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
        .values(status=OutboxStatus.SENDING, lease_until=lease_until, attempts=OutboxMessage.attempts + 1)
        .returning(
            OutboxMessage.id,
            OutboxMessage.target,
            OutboxMessage.event_type,
            OutboxMessage.payload,
            OutboxMessage.idempotency_key,
            OutboxMessage.attempts,
        )
    )


def _among(column: InstrumentedAttribute[str], states: tuple[str, ...]) -> ColumnElement[bool]:
    """`column IN ('a', 'b')` with the states as literals, as models.status_among writes the partial
    indexes' predicates: SQLite uses a partial index only for a query term identical to its
    predicate, never for bound parameters."""
    return column.in_([literal_column(f"'{state}'") for state in states])
