"""互联互通: the outbound messages the inquiries area emits: which system hears of which change to an
inquiry, in which message (outbox target and event type), and with what personal data left out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.config import Settings
from gateway.domain import messages
from gateway.domain.calendar import beijing_iso
from gateway.domain.inquiry import Channel
from gateway.domain.lifecycle import INTAKE, Action
from gateway.domain.outbox import OutboxStatus
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services import outbox, publications
from gateway.services.people import citizen_of
from gateway.services.records import picked

HOTLINE = Channel.HOTLINE.value
WEBSITE = Channel.WEBSITE.value
DEPT_HOTLINE = Channel.DEPT_HOTLINE.value


@dataclass(frozen=True)
class Happened:
    """What an event says, as the messages it causes read it."""

    action: str
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def announce(
    rows: InquiryRows,
    settings: Settings,
    inquiry: Inquiry,
    event: Happened,
    now: datetime,
    *,
    transfer: bool = True,
) -> None:
    """Add every outbox message this event causes to the rows the caller writes in its transaction;
    ``transfer=False`` (a 并单 child following its master) sends no 部门专线 transfer: the master's is the
    one the line works on."""
    routes = settings.interconnect
    if event.action == INTAKE:
        if inquiry.channel in routes.forward_to_hotline and inquiry.channel != HOTLINE:
            inquiry.forwarded_to = HOTLINE
            _enqueue(rows, inquiry, event, HOTLINE, messages.WORKORDER_CREATE, _work_order(inquiry), now)
        return
    publication = _publication(settings, inquiry) if event.action == Action.REPLY.value else None
    doubtful = bool(publication and publication.get(publications.REVIEW))
    # The status messages carry the public answer as the website is given it, and not at all while a
    # person has still to approve it (待审核): a held text reaches no system before it is approved.
    shown = None if doubtful or publication is None else publication["public_reply"]
    for target in _status_targets(settings, inquiry):
        payload = _status(settings, inquiry, event, target, now, shown)
        _enqueue(rows, inquiry, event, target, messages.STATUS_CHANGED, payload, now)
    if publication is not None and inquiry.public_reply:
        event_type = None
        if inquiry.public_consent and inquiry.channel in routes.publish_replies_from:
            event_type = messages.REPLY_PUBLISH
        elif routes.reply_to_writer and inquiry.channel == WEBSITE and inquiry.external_id:
            # Not to be published: the reply still goes back to the writer's own message on the
            # website, where only they see it (领导信箱 answers its writer either way).
            event_type = messages.REPLY_TO_WRITER
        if event_type is not None:
            # Redaction was not sure of something: 待审核, sent only once a supervisor approves it.
            status = OutboxStatus.HELD if doubtful else OutboxStatus.PENDING
            _enqueue(rows, inquiry, event, WEBSITE, event_type, publication, now, status)
    if transfer and event.action == Action.DISPATCH.value:
        _transfer_if_line(rows, settings, inquiry, event, now)


def _status_targets(settings: Settings, inquiry: Inquiry) -> list[str]:
    targets = []
    # The origin hears about an inquiry it sent us (it knows it by its own id); one logged straight
    # into the gateway, e.g. on the operator console, has no record there to update.
    if settings.interconnect.notify_origin and inquiry.channel != Channel.API.value and inquiry.external_id:
        targets.append(inquiry.channel)
    if inquiry.forwarded_to and inquiry.forwarded_to not in targets:
        targets.append(inquiry.forwarded_to)
    return targets


def _enqueue(
    rows: InquiryRows,
    inquiry: Inquiry,
    event: Happened,
    target: str,
    event_type: str,
    payload: dict[str, Any],
    now: datetime,
    status: str = OutboxStatus.PENDING,
) -> None:
    message = outbox.message(
        target=target,
        event_type=event_type,
        # Order is kept per inquiry and receiver: a reply never overtakes the dispatch before it.
        ordering_key=f"inquiry:{inquiry.id}:{target}",
        payload=payload,
        # Made once, stored with the message and sent on every attempt, so receivers can drop repeats.
        idempotency_key=f"inq{inquiry.id}-{event.action}-{target}-{uuid.uuid4().hex}",
        now=now,
        status=status,
    )
    rows.outbox.append(message)


def _department_name(settings: Settings, code: str | None) -> str | None:
    department = settings.department(code) if code else None
    return department.name if department else None


def _status(
    settings: Settings,
    inquiry: Inquiry,
    event: Happened,
    target: str,
    now: datetime,
    public_reply: str | None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "inquiry_id": inquiry.id,
        "number": inquiry.number,
        "external_id": inquiry.external_id if inquiry.channel == target else None,
        "origin": inquiry.channel,
        "action": event.action,
        "status": inquiry.status,
        "department": inquiry.department_code,
        "department_name": _department_name(settings, inquiry.department_code),
        "due_at": beijing_iso(inquiry.due_at),
        "at": beijing_iso(now),
    }
    data = event.data or {}
    if event.action in (Action.RETURN.value, Action.REQUEST_EXTENSION.value, Action.REFUSE_EXTENSION.value):
        payload["reason"] = event.note
    if "workdays" in data:
        payload["workdays"] = data["workdays"]
    if event.action == Action.CALLBACK.value:
        payload["satisfaction"] = inquiry.satisfaction
    if public_reply and inquiry.public_consent:
        payload["public_reply"] = public_reply
    if event.action == Action.REPLY.value and target == HOTLINE:
        # The 12345 platform keeps the handling note (办理情况) on its work order; it is never published.
        payload["note"] = inquiry.reply_note
    return payload


# A work order's keys, in the order receivers get them; the rest are the inquiry's columns of those names.
_WORK_ORDER = (
    "inquiry_id", "number", "origin", "external_id", "kind", "title", "content", "category", "address",
    "district", "citizen", "public_consent", "created_at",
)  # fmt: skip


def _work_order(inquiry: Inquiry) -> dict[str, Any]:
    citizen = {
        "name": inquiry.citizen_name,
        "phone": inquiry.citizen_phone,
        "id_number": inquiry.citizen_id_number,
    }
    return picked(
        inquiry,
        _WORK_ORDER,
        inquiry_id=inquiry.id,
        origin=inquiry.channel,
        citizen=citizen,
        created_at=beijing_iso(inquiry.created_at),
    )


def _publication(settings: Settings, inquiry: Inquiry) -> dict[str, Any]:
    """What the website shows: every text redacted with the inquiry's own citizen; a ``review`` entry
    lists what redaction could not be sure of (the message is then held)."""
    texts, doubts = publications.redact_fields(
        {
            "title": inquiry.title,
            "public_reply": inquiry.public_reply or "",
            "department_name": _department_name(settings, inquiry.department_code),
        },
        citizen_of(inquiry),
    )
    payload: dict[str, Any] = {
        "inquiry_id": inquiry.id,
        "number": inquiry.number,
        "origin": inquiry.channel,
        "external_id": inquiry.external_id if inquiry.channel == WEBSITE else None,
        "kind": inquiry.kind,
        **texts,
        "replied_at": beijing_iso(inquiry.replied_at),
    }
    if doubts:
        payload[publications.REVIEW] = {"doubts": doubts}
    return payload


def _transfer_if_line(
    rows: InquiryRows, settings: Settings, inquiry: Inquiry, event: Happened, now: datetime
) -> None:
    """双向转接: a consult dispatched to a department with a retained line goes to that line."""
    if inquiry.channel == DEPT_HOTLINE:
        return  # it came from the line; sending it back would loop
    for line in settings.dept_lines:
        if line.department == inquiry.department_code and inquiry.kind in line.transfer_kinds:
            rows.transfer(
                inquiry_id=inquiry.id, direction="out", line=line.code, reason=event.note, transferred_at=now
            )
            payload = {
                "inquiry_id": inquiry.id,
                "number": inquiry.number,
                "line": line.code,
                "kind": inquiry.kind,
                "title": inquiry.title,
                "content": inquiry.content,
                "citizen": {"name": inquiry.citizen_name, "phone": inquiry.citizen_phone},
                "reason": event.note,
                "at": beijing_iso(now),
            }
            _enqueue(rows, inquiry, event, DEPT_HOTLINE, messages.TRANSFER_CREATE, payload, now)
            return
