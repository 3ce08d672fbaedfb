"""Publications (公开答复) to the website: their redaction, and the held ones (待审核) a supervisor approves
or rejects.

A reply's publication is redacted with the inquiry's own citizen when it is queued (see interconnect). When
redaction is not sure (a digit run it cannot classify), the message is queued as ``held``: no worker sends
it until a supervisor approves it (then it is queued as pending, possibly with an edited text, redacted
again) or rejects it (then it is discarded and never published). Both decisions are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.domain import messages
from gateway.domain.access import OUTBOX_MANAGE, Actor, require
from gateway.domain.clock import Clock
from gateway.domain.errors import InvalidInput, InvalidTransition, NotFound
from gateway.domain.outbox import OutboxStatus
from gateway.domain.pii import Person, redact
from gateway.persistence.models import OutboxMessage
from gateway.services import audit
from gateway.services.ports import Transactions, UnitOfWork

TYPES = (messages.REPLY_PUBLISH, messages.REPLY_TO_WRITER)
# The payload's fields that reach the website's page, redacted before they are queued.
PUBLISHED_FIELDS = ("title", "public_reply", "department_name")
REVIEW = "review"  # the payload key that says why a message was held, and how it was decided
APPROVE, REJECT = "approve", "reject"
# The held first: what a supervisor looks at by default.
STATUSES = (OutboxStatus.HELD, *(status for status in OutboxStatus if status is not OutboxStatus.HELD))


@dataclass(frozen=True)
class PublicationSnapshot:
    """One reply queued for the website, as a supervisor reviews it."""

    id: int
    inquiry_id: int | None
    number: str | None
    event_type: str
    status: str
    title: str | None
    text: str | None
    department_name: str | None
    doubts: list[dict[str, Any]]  # {field, start, end, digits}: where redaction was not sure
    created_at: datetime
    sent_at: datetime | None
    review: dict[str, Any] = field(default_factory=dict)
    allowed_actions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicationPage:
    """One page of publications and the total."""

    items: list[PublicationSnapshot]
    total: int


def redact_fields(
    fields: dict[str, str | None], person: Person
) -> tuple[dict[str, str | None], list[dict[str, Any]]]:
    """Each text redacted with the person, and the doubts of all of them ({field, start, end, digits})."""
    redacted: dict[str, str | None] = {}
    doubts: list[dict[str, Any]] = []
    for name, text in fields.items():
        if text is None:
            redacted[name] = None
            continue
        result = redact(text, person)
        redacted[name] = result.text
        doubts.extend(
            {"field": name, "start": d.start, "end": d.end, "digits": d.digits} for d in result.doubts
        )
    return redacted, doubts


def snapshot_of(row: OutboxMessage) -> PublicationSnapshot:
    """Snapshot a row; its text is the redacted one that is (or would be) sent."""
    payload: dict[str, Any] = dict(row.payload or {})
    review = payload.get(REVIEW) if isinstance(payload.get(REVIEW), dict) else {}
    assert isinstance(review, dict)
    inquiry_id = payload.get("inquiry_id")
    return PublicationSnapshot(
        id=row.id,
        inquiry_id=inquiry_id if isinstance(inquiry_id, int) else None,
        number=_str(payload.get("number")),
        event_type=row.event_type,
        status=row.status,
        title=_str(payload.get("title")),
        text=_str(payload.get("public_reply")),
        department_name=_str(payload.get("department_name")),
        doubts=list(review.get("doubts") or []),
        created_at=row.created_at,
        sent_at=row.sent_at,
        review={k: v for k, v in review.items() if k != "doubts"},
        allowed_actions=[APPROVE, REJECT] if row.status == OutboxStatus.HELD else [],
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class PublicationService:
    """Held publications for supervisors: list them, approve (possibly edited) or reject them, audited."""

    def __init__(self, db: Transactions, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def find(
        self, actor: Actor, *, status: str | None = OutboxStatus.HELD, offset: int = 0, limit: int = 20
    ) -> PublicationPage:
        """Replies queued for the website in a status (held by default), oldest held first."""
        require(actor, OUTBOX_MANAGE)
        with self.db.reading() as uow:
            rows, total = uow.outbox.find(
                status=status, event_types=TYPES, offset=offset, limit=limit, newest_first=False
            )
            return PublicationPage(items=[snapshot_of(r) for r in rows], total=total)

    def get(self, message_id: int, actor: Actor) -> PublicationSnapshot:
        """One publication."""
        require(actor, OUTBOX_MANAGE)
        with self.db.reading() as uow:
            return snapshot_of(_publication(uow, message_id))

    def approve(
        self, message_id: int, actor: Actor, *, text: str | None = None, title: str | None = None
    ) -> PublicationSnapshot:
        """Queue a held publication for sending, with the given text (and title) redacted again if any."""
        require(actor, OUTBOX_MANAGE)
        now = self.clock()
        with self.db.writing() as uow:
            row = _held(uow, message_id, APPROVE)
            _refuse_if_superseded(uow, row)
            payload: dict[str, Any] = dict(row.payload)
            review: dict[str, Any] = dict(payload.get(REVIEW) or {})
            edits = {k: v for k, v in (("public_reply", text), ("title", title)) if v is not None}
            for name, value in edits.items():
                if not value.strip():
                    raise InvalidInput("text" if name == "public_reply" else name, "must not be blank")
            if edits:
                redacted, doubts = redact_fields(dict(edits), _citizen(uow, payload.get("inquiry_id")))
                payload.update(redacted)
                review["doubts"] = doubts  # what a person approved despite it
            review.update(decision=APPROVE, by=actor.label, at=now.isoformat(), edited=sorted(edits))
            payload[REVIEW] = review
            row.payload = payload
            row.status, row.attempts, row.next_attempt_at, row.lease_until = (
                OutboxStatus.PENDING,
                0,
                now,
                None,
            )
            reason = "核准发布" + (
                "（已修改" + "、".join(_FIELD_NAMES[k] for k in sorted(edits)) + "）" if edits else ""
            )
            audit.record(uow.audit, actor, "publication_approve", ("outbox", row.id), reason, now)
            uow.flush()
            return snapshot_of(row)

    def reject(self, message_id: int, reason: str, actor: Actor) -> PublicationSnapshot:
        """Discard a held publication: it is never sent."""
        require(actor, OUTBOX_MANAGE)
        if not reason.strip():
            raise InvalidInput("reason", "must not be blank")
        now = self.clock()
        with self.db.writing() as uow:
            row = _held(uow, message_id, REJECT)
            payload: dict[str, Any] = dict(row.payload)
            review: dict[str, Any] = dict(payload.get(REVIEW) or {})
            review.update(decision=REJECT, by=actor.label, at=now.isoformat(), reason=reason)
            payload[REVIEW] = review
            row.payload = payload
            row.status, row.lease_until = OutboxStatus.DISCARDED, None
            audit.record(uow.audit, actor, "publication_reject", ("outbox", row.id), reason, now)
            uow.flush()
            return snapshot_of(row)


_FIELD_NAMES = {"public_reply": "答复内容", "title": "标题"}


def _publication(uow: UnitOfWork, message_id: int, *, lock: bool = False) -> OutboxMessage:
    row = uow.outbox.get(message_id, event_types=TYPES, lock=lock)
    if row is None:
        raise NotFound(f"publication {message_id} not found")
    return row


def _held(uow: UnitOfWork, message_id: int, action: str) -> OutboxMessage:
    row = _publication(uow, message_id, lock=True)
    if row.status != OutboxStatus.HELD:
        raise InvalidTransition(
            row.status, action, [], "only a held (待审核) publication can be approved or rejected"
        )
    return row


def _citizen(uow: UnitOfWork, inquiry_id: Any) -> Person:
    """The inquiry's own citizen (nobody if the inquiry is gone), to redact an edited text with."""
    if not isinstance(inquiry_id, int):
        return Person()
    return uow.people.of_inquiries([inquiry_id]).get(inquiry_id, Person())


def _refuse_if_superseded(uow: UnitOfWork, row: OutboxMessage) -> None:
    """A later reply of the same inquiry to the same system replaces this one: approving the older text
    would publish it over the newer."""
    later = uow.outbox.later_of_key(row, TYPES)
    if later is not None:
        raise InvalidTransition(
            row.status, APPROVE, [REJECT], f"a later reply of this inquiry (message {later}) replaces it"
        )
