"""What services hand back: plain snapshots, never live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Citizen:
    """来电人/留言人; masked unless the caller revealed it."""

    name: str | None
    phone: str | None
    id_number: str | None
    masked: bool = True


@dataclass(frozen=True)
class InquirySnapshot:
    """One inquiry as the API shows it."""

    id: int
    number: str
    channel: str
    external_id: str | None
    kind: str
    title: str | None
    content: str
    category: str | None
    address: str | None
    district: str | None
    citizen: Citizen
    public_consent: bool
    status: str
    department: str | None
    co_departments: list[str]
    routing_rule: str | None
    dispatched_at: datetime | None
    due_at: datetime | None
    calendar_estimated: bool
    deadline_state: str | None  # normal / due_soon / overdue while a department holds it
    escalation_count: int
    reply_note: str | None
    public_reply: str | None
    replied_at: datetime | None
    satisfaction: str | None
    solved: bool | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str] = field(default_factory=list)
    master_id: int | None = None  # 并单: the master (主单) this inquiry is merged into


@dataclass(frozen=True)
class EventSnapshot:
    """One stored transition."""

    id: int
    action: str
    from_status: str | None
    to_status: str
    actor: str
    actor_role: str
    note: str | None
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class OutboxSnapshot:
    """One outbox row, for administrators."""

    id: int
    target: str
    event_type: str
    ordering_key: str
    payload: dict[str, Any]
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    masked: bool = True  # personal data masked, free text redacted; False only from a reveal (audited)


@dataclass(frozen=True)
class Page:
    """One page of a list and the total it was cut from."""

    items: list[Any]
    total: int
