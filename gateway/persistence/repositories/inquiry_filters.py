"""The SQL of listing inquiries: the filters a list may be narrowed by, who may see which inquiry, and
the published replies (知识库) searched beside the intake form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, exists, false, literal, or_, select, true
from sqlalchemy.orm import Session

from gateway.domain import messages
from gateway.domain.access import Actor, Scope
from gateway.domain.inquiry import Channel
from gateway.domain.lifecycle import HANDLING
from gateway.domain.listing import ListFilter
from gateway.domain.outbox import OPEN_STATES, OutboxStatus
from gateway.domain.pii import has_digits
from gateway.persistence.models import Inquiry, InquiryCoDepartment, OutboxMessage


@dataclass(frozen=True)
class InquiryFilter(ListFilter):
    """What the inquiry list may be narrowed by: a list's filters, kind, channel, deadlines, intake days."""

    kind: str | None = None
    channel: str | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    # 重复来电: the caller's phone or ID number as typed; the service turns them into the keys below (and
    # audits the lookup), and the repository matches only the keys.
    phone: str | None = None
    id_number: str | None = None
    phone_key: str | None = None
    id_key: str | None = None
    masters_only: bool | None = None  # 并单: leave out the children (子单), which follow their master


@dataclass(frozen=True)
class Listing:
    """One page of a list as the repository reads it: the filters, whose list it is, the time the
    deadline filters count from, and the page."""

    filters: InquiryFilter
    actor: Actor
    now: datetime
    due_soon_limit: datetime  # a deadline up to here is 临期 (due soon)
    offset: int
    limit: int


# A search with this many digits does not look into what citizens wrote: a mask shows a phone's first three
# and last four digits, and guesses of two digits at a time beside them would spell out the rest.
PROBING_DIGITS = 2


def like(text: str) -> str:
    """A LIKE pattern (escape ``\\``) matching the text anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _held_by(department: str) -> ColumnElement[bool]:
    """The department leads the inquiry or helps with it (协办)."""
    helps = exists().where(
        InquiryCoDepartment.inquiry_id == Inquiry.id, InquiryCoDepartment.department_code == department
    )
    return or_(Inquiry.department_code == department, helps)


def within(scope: Scope) -> ColumnElement[bool]:
    """The SQL form of Scope.admits: the same conditions, for a query over many inquiries."""
    if scope.nothing:
        return false()
    clause: ColumnElement[bool] = true()
    if scope.system is not None:
        clause = clause & or_(Inquiry.channel == scope.system, Inquiry.forwarded_to == scope.system)
    if scope.department is not None:
        clause = clause & _held_by(scope.department)
    return clause


def _text_matches(text: str) -> ColumnElement[bool]:
    """Free text in the title, content, number or the channel's own id. Text with 2 digits or more
    matches only the numbers: free text may hold a citizen's phone or ID number, and a search must not tell
    which digits it has (phone=/id_number= look a caller up, audited)."""
    pattern = like(text)
    ids = [Inquiry.number.like(pattern, escape="\\"), Inquiry.external_id.like(pattern, escape="\\")]
    if has_digits(text, PROBING_DIGITS):
        return or_(*ids)
    return or_(Inquiry.title.like(pattern, escape="\\"), Inquiry.content.like(pattern, escape="\\"), *ids)


def filtered(f: InquiryFilter, actor: Actor, now: datetime, due_soon_limit: datetime) -> Select[Inquiry]:
    """The inquiries a caller may see that match the filters."""
    query = select(Inquiry).where(within(actor.scope))
    if f.status:
        query = query.where(Inquiry.status.in_(f.status))
    if f.department:
        query = query.where(_held_by(f.department))
    if f.kind:
        query = query.where(Inquiry.kind == f.kind)
    if f.channel:
        query = query.where(Inquiry.channel == f.channel)
    if f.created_from:
        query = query.where(Inquiry.created_at >= f.created_from)
    if f.created_to:
        query = query.where(Inquiry.created_at < f.created_to)
    if f.phone_key:
        query = query.where(Inquiry.citizen_phone_key == f.phone_key)
    if f.id_key:
        query = query.where(Inquiry.citizen_id_key == f.id_key)
    if f.text:
        query = query.where(_text_matches(f.text))
    if f.masters_only:
        query = query.where(Inquiry.master_id.is_(None))
    handling = [s.value for s in HANDLING]
    if f.overdue is not None:
        late = Inquiry.status.in_(handling) & (Inquiry.due_at < now)
        query = query.where(late if f.overdue else ~late)
    if f.due_soon is not None:
        soon = Inquiry.status.in_(handling) & (Inquiry.due_at >= now) & (Inquiry.due_at <= due_soon_limit)
        query = query.where(soon if f.due_soon else ~soon)
    return query


# A publication on its way or delivered; a held (待审核), dead or discarded one was never shown to the public.
PUBLISHED_STATES = (*OPEN_STATES, OutboxStatus.SENT)
# Rows read per reply wanted: some are older messages of one reply or match only what redaction removed.
_PREFILTER = 3


def published(
    session: Session, actor: Actor, text: str, now: datetime, limit: int
) -> list[tuple[Inquiry, dict[str, Any]]]:
    """(inquiry, payload of its reply.publish message) for replies the actor may read whose title or
    public reply mentions the text, newest first; ``limit`` replies wanted, a few times as many rows read."""
    pattern = like(text)
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
        # search cannot tell whether a phone number or a name stands in an inquiry (the caller matches
        # the text once more, as published).
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
    return [(inquiry, payload) for inquiry, payload in session.execute(query).all()]


def _website_key() -> ColumnElement[str]:
    # The ordering key the announcements give every message about an inquiry for the website
    # (f"inquiry:{id}:website"); ix_outbox_ordering_key finds them.
    return literal("inquiry:") + cast(Inquiry.id, String) + literal(f":{Channel.WEBSITE.value}")
