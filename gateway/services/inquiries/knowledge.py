"""知识库: past replies as the website published them, searched beside the intake form (即时答复)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain.access import Actor
from gateway.domain.pii import redact_text
from gateway.persistence.models import Inquiry
from gateway.services.people import citizen_of
from gateway.services.ports import InquiryRepository


def published_replies(
    inquiries: InquiryRepository, actor: Actor, text: str, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Replies the actor may read, mentioning the text, as their reply.publish message carries them."""
    found: dict[str | None, dict[str, Any]] = {}
    for inquiry, payload in inquiries.published_replies(actor, text, now, limit):
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
