"""知识库: past replies as the website published them, searched beside the intake form (即时答复)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, literal, or_
from sqlalchemy.orm import Session

from gateway.domain import messages
from gateway.domain.access import Actor
from gateway.domain.inquiry import Channel
from gateway.domain.outbox import OPEN_STATES, OutboxStatus
from gateway.domain.pii import redact_text
from gateway.persistence.models import Inquiry, OutboxMessage
from gateway.services.inquiries.queries import InquiryFilter, filtered
from gateway.services.people import citizen_of

# A publication on its way or delivered; a held (待审核), dead or discarded one was never shown to the public.
PUBLISHED_STATES = (*OPEN_STATES, OutboxStatus.SENT)
# Rows read per reply wanted: some are older messages of one reply or match only what redaction removed.
_PREFILTER = 3


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
        # Only what is published is searched: the citizen's own message (content) never is, so that a
        # search cannot tell whether a phone number or a name stands in an inquiry (the text is matched
        # once more below, as published).
        .where(
            or_(
                Inquiry.title.like(pattern, escape="\\"),
                Inquiry.public_reply.like(pattern, escape="\\"),
            )
        )
        .add_columns(OutboxMessage.payload)
        .order_by(Inquiry.replied_at.desc(), OutboxMessage.id.desc())
        .limit(limit * _PREFILTER)
    )
    found: dict[str, dict[str, Any]] = {}
    for inquiry, payload in session.execute(query).all():
        if inquiry.number in found:
            continue  # an older message of the same reply
        title = as_published(payload.get("title"), inquiry)
        reply = as_published(payload.get("public_reply"), inquiry)
        if text not in (title or "") and text not in (reply or ""):
            continue  # it matched only what publication removed (a number, a name, an edited phrase)
        found[inquiry.number] = {
            "number": inquiry.number,
            "title": title,
            "kind": inquiry.kind,
            "public_reply": reply,
            "department": inquiry.department_code,
            "replied_at": inquiry.replied_at,
        }
        if len(found) >= limit:
            break
    return list(found.values())


def as_published(text: str | None, inquiry: Inquiry) -> str | None:
    """Published text redacted once more with the inquiry's own citizen: a message written before
    today's redaction rules is shown to staff as those rules would publish it."""
    if not text:
        return text
    person = citizen_of(inquiry)
    return redact_text(text, person=person)


def _website_key() -> ColumnElement[str]:
    # The ordering key interconnect gives every message about an inquiry for the website
    # (f"inquiry:{id}:website", see interconnect._enqueue); ix_outbox_ordering_key finds them.
    return literal("inquiry:") + cast(Inquiry.id, String) + literal(f":{Channel.WEBSITE.value}")
