"""SQLAlchemy 2 models: inquiries and their events, the outbox, API keys and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from gateway.domain.outbox import BLOCKING_STATES, OPEN_STATES, OutboxStatus
from gateway.persistence.types import UTCDateTime

# SQLite stores BIGINT primary keys as INTEGER only when declared INTEGER; keep rowid semantics there.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Inquiry(Base):
    """诉求: one citizen request from any channel."""

    __tablename__ = "inquiries"
    __table_args__ = (
        # Idempotent intake: one inquiry per (channel, external_id); NULL external_ids never collide.
        UniqueConstraint("channel", "external_id", name="uq_inquiries_channel_external_id"),
        Index("ix_inquiries_status_due_at", "status", "due_at"),
        Index("ix_inquiries_created_at", "created_at"),
        # 重复来电: a caller's inquiries, newest first, found by the keyed hash of the phone or ID number.
        Index("ix_inquiries_citizen_phone_key", "citizen_phone_key", "id", "created_at"),
        Index("ix_inquiries_citizen_id_key", "citizen_id_key", "id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(64))
    citizen_name: Mapped[str | None] = mapped_column(String(64))
    citizen_phone: Mapped[str | None] = mapped_column(String(32))
    citizen_id_number: Mapped[str | None] = mapped_column(String(32))
    # HMAC-SHA256 (hex) of the normalised phone and ID number (gateway.domain.caller_keys): never the number.
    citizen_phone_key: Mapped[str | None] = mapped_column(String(64))
    citizen_id_key: Mapped[str | None] = mapped_column(String(64))
    public_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24))
    department_code: Mapped[str | None] = mapped_column(String(32), index=True)
    routing_rule: Mapped[str | None] = mapped_column(String(100))
    dispatched_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    calendar_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_workdays: Mapped[int | None] = mapped_column(Integer)
    escalation_count: Mapped[int] = mapped_column(Integer, default=0)
    # 互联互通: the other system that also holds this inquiry (e.g. a website message forwarded to 12345)
    forwarded_to: Mapped[str | None] = mapped_column(String(16))
    reply_note: Mapped[str | None] = mapped_column(Text)
    public_reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    solved: Mapped[bool | None] = mapped_column(Boolean)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # 并单 (issue 14): a duplicate merged into its master (主单), whose lifecycle it follows
    master_id: Mapped[int | None] = mapped_column(ForeignKey("inquiries.id"), index=True)
    merged_at: Mapped[datetime | None]
    merged_by: Mapped[str | None] = mapped_column(String(100))

    co_departments: Mapped[list[InquiryCoDepartment]] = relationship(
        cascade="all, delete-orphan", order_by="InquiryCoDepartment.department_code", lazy="selectin"
    )


# 并单 candidates: the same place within days (gateway.domain.merging), read by district and address.
Index("ix_inquiries_district_address", Inquiry.district, Inquiry.address, Inquiry.created_at)


class InquiryCoDepartment(Base):
    """协办: a department helping the lead department."""

    __tablename__ = "inquiry_co_departments"

    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    answered_at: Mapped[datetime | None]  # when it gave its 协办意见 (opinion_models); due date: domain


class InquiryEvent(Base):
    """One stored transition: who did what, when, from which state to which."""

    __tablename__ = "inquiry_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


# The outbox's states that partial indexes cover (gateway.domain.outbox); the delivery worker's claim
# states the same sets.


def status_among(states: tuple[str, ...]) -> str:
    """`status IN ('a', 'b')`: a partial index's predicate, written the one way SQLite can match."""
    return "status IN (" + ", ".join(f"'{state}'" for state in states) + ")"


OPEN = text(status_among(OPEN_STATES))
BLOCKING_ROWS = text(status_among(BLOCKING_STATES))


class OutboxMessage(Base):
    """A message for an external system, written in the transaction of the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # Sent messages are kept (the record of what went out), so the outbox only grows. The worker's
        # claim (open messages in id order) and its hold-back check (an earlier open or dead message of
        # the same key) read these partial indexes, which hold the open rows alone: without them a
        # PostgreSQL claim walked the primary key past every sent row (19 ms at 200,000 sent rows,
        # linear in the history). The queries repeat the predicates verbatim (SQLite requires it).
        Index("ix_outbox_open", "id", postgresql_where=OPEN, sqlite_where=OPEN),
        Index(
            "ix_outbox_blocking_key",
            "ordering_key",
            "id",
            postgresql_where=BLOCKING_ROWS,
            sqlite_where=BLOCKING_ROWS,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    target: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    # Messages with the same ordering key are delivered in id order (e.g. one inquiry's messages).
    ordering_key: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class ApiKey(Base):
    """A caller's key, stored only as its SHA-256 (keys are random, so no slow hash is needed)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str | None] = mapped_column(String(32))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who read personal data or touched a dead letter, when, and why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class InquiryTransfer(Base):
    """双向转接: a call handed between 12345 and a retained specialist line (e.g. 12348)."""

    __tablename__ = "inquiry_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # "in": from the line to 12345; "out": to the line
    line: Mapped[str] = mapped_column(String(16))
    call_id: Mapped[str | None] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    transferred_at: Mapped[datetime]


class WebhookReceipt(Base):
    """A webhook-id already taken in; a repeat is answered as received and creates nothing."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("system", "webhook_id", name="uq_webhook_receipts_system_webhook_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    system: Mapped[str] = mapped_column(String(32))
    webhook_id: Mapped[str] = mapped_column(String(200))
    refs: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the webhook created or found
    received_at: Mapped[datetime] = mapped_column(index=True)


class SyncCursor(Base):
    """Where a polling job resumes (e.g. the hotline's last update time seen)."""

    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime]
