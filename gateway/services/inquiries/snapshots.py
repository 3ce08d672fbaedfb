"""Turning a stored inquiry into what callers see: masked, with its deadline state and allowed actions."""

from __future__ import annotations

from gateway.domain.disclosure import mask_payload, redact
from gateway.domain.pii import Person, mask_id_number, mask_name, mask_phone
from gateway.persistence.models import Inquiry, InquiryEvent
from gateway.services.people import citizen_of
from gateway.services.snapshots import Citizen, EventSnapshot, InquirySnapshot


def present(inquiry: Inquiry, deadline_state: str | None, allowed_actions: list[str]) -> InquirySnapshot:
    """A snapshot of the row; citizen data masked and free text redacted with the inquiry's own citizen
    (a citizen often writes their number into the message; revealing it is a separate, audited read)."""
    person = citizen_of(inquiry)
    return InquirySnapshot(
        id=inquiry.id,
        number=inquiry.number or "",
        channel=inquiry.channel,
        external_id=inquiry.external_id,
        kind=inquiry.kind,
        title=redact(inquiry.title, person),
        content=redact(inquiry.content, person),
        category=inquiry.category,
        address=redact(inquiry.address, person),
        district=inquiry.district,
        citizen=Citizen(
            name=mask_name(inquiry.citizen_name),
            phone=mask_phone(inquiry.citizen_phone),
            id_number=mask_id_number(inquiry.citizen_id_number),
        ),
        public_consent=inquiry.public_consent,
        status=inquiry.status,
        department=inquiry.department_code,
        co_departments=[c.department_code for c in inquiry.co_departments],
        routing_rule=inquiry.routing_rule,
        dispatched_at=inquiry.dispatched_at,
        due_at=inquiry.due_at,
        calendar_estimated=inquiry.calendar_estimated,
        deadline_state=deadline_state,
        escalation_count=inquiry.escalation_count,
        reply_note=redact(inquiry.reply_note, person),
        public_reply=redact(inquiry.public_reply, person),
        replied_at=inquiry.replied_at,
        satisfaction=inquiry.satisfaction,
        solved=inquiry.solved,
        closed_at=inquiry.closed_at,
        created_at=inquiry.created_at,
        updated_at=inquiry.updated_at,
        allowed_actions=allowed_actions,
    )


def present_event(event: InquiryEvent, person: Person) -> EventSnapshot:
    """One history entry; its note and free-text data redacted like the inquiry's own text."""
    return EventSnapshot(
        id=event.id,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        actor=event.actor,
        actor_role=event.actor_role,
        note=redact(event.note, person),
        data=mask_payload(event.data or {}, [person]),
        created_at=event.created_at,
    )
