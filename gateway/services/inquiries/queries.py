"""Listing inquiries: the filters a list may be narrowed by, as one SQL query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true

from gateway.domain.access import Actor, Scope
from gateway.domain.lifecycle import HANDLING
from gateway.persistence.models import Inquiry, InquiryCoDepartment

MAX_OFFSET = 2**31 - 1  # a page far past the end is empty, not a database overflow


@dataclass(frozen=True)
class InquiryFilter:
    """What a list may be narrowed by."""

    status: tuple[str, ...] = ()
    department: str | None = None
    kind: str | None = None
    channel: str | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None


def _like(text: str) -> str:
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
    if f.text:
        pattern = _like(f.text)
        query = query.where(
            or_(
                Inquiry.title.like(pattern, escape="\\"),
                Inquiry.content.like(pattern, escape="\\"),
                Inquiry.number.like(pattern, escape="\\"),
                Inquiry.external_id.like(pattern, escape="\\"),
            )
        )
    handling = [s.value for s in HANDLING]
    if f.overdue is not None:
        late = Inquiry.status.in_(handling) & (Inquiry.due_at < now)
        query = query.where(late if f.overdue else ~late)
    if f.due_soon is not None:
        soon = Inquiry.status.in_(handling) & (Inquiry.due_at >= now) & (Inquiry.due_at <= due_soon_limit)
        query = query.where(soon if f.due_soon else ~soon)
    return query
