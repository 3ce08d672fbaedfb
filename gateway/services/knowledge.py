"""知识库: past replies as the website published them, searched beside the intake form (即时答复)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, literal, or_
from sqlalchemy.orm import Session

from gateway.domain import messages
from gateway.domain.access import Actor
from gateway.domain.inquiry import Channel
from gateway.domain.pii import Person, redact_text
from gateway.persistence.models import OPEN_STATES, Inquiry, OutboxMessage
from gateway.services.inquiry_queries import InquiryFilter, filtered

# A publication on its way or delivered; a held (待审核), dead or discarded one was never shown to the public.
PUBLISHED_STATES = (*OPEN_STATES, "sent")


def published_replies(
    session: Session, actor: Actor, text: str, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Replies the actor may read, mentioning the text, as their reply.publish message carries them."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        filtered(InquiryFilter(), actor, now, now)
        .join(
            OutboxMessage,
            and_(
                OutboxMessage.ordering_key == _website_key(),
                OutboxMessage.event_type == messages.REPLY_PUBLISH,
                OutboxMessage.status.in_(PUBLISHED_STATES),
                # The current reply's publication, not one from before a 重办 (replied_at is then reset).
                OutboxMessage.created_at >= Inquiry.replied_at,
            ),
        )
        .where(
            or_(
                Inquiry.title.like(pattern, escape="\\"),
                Inquiry.content.like(pattern, escape="\\"),
                Inquiry.public_reply.like(pattern, escape="\\"),
            )
        )
        .add_columns(OutboxMessage.payload)
        .order_by(Inquiry.replied_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    found: dict[str, dict[str, Any]] = {}
    for inquiry, payload in session.execute(query).all():
        if inquiry.number in found:
            continue  # an older message of the same reply
        found[inquiry.number] = {
            "number": inquiry.number,
            "title": as_published(payload.get("title"), inquiry),
            "kind": inquiry.kind,
            "public_reply": as_published(payload.get("public_reply"), inquiry),
            "department": inquiry.department_code,
            "replied_at": inquiry.replied_at,
        }
    return list(found.values())


def as_published(text: str | None, inquiry: Inquiry) -> str | None:
    """Published text redacted once more with the inquiry's own citizen: a message written before
    today's redaction rules is shown to staff as those rules would publish it."""
    if not text:
        return text
    person = Person(inquiry.citizen_name, inquiry.citizen_phone, inquiry.citizen_id_number)
    return redact_text(text, person=person)


def _website_key() -> ColumnElement[str]:
    # The ordering key interconnect gives every message about an inquiry for the website
    # (f"inquiry:{id}:website", see interconnect._enqueue); ix_outbox_ordering_key finds them.
    return literal("inquiry:") + cast(Inquiry.id, String) + literal(f":{Channel.WEBSITE.value}")
