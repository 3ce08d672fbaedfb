"""Turning a stored inquiry into what callers see: masked, with its deadline state and allowed actions."""

from __future__ import annotations

from gateway.domain.disclosure import mask_payload, redact
from gateway.domain.pii import Person, mask_id_number, mask_name, mask_phone
from gateway.persistence.models import Inquiry, InquiryEvent
from gateway.services.people import citizen_of
from gateway.services.records import copied
from gateway.services.snapshots import Citizen, EventSnapshot, InquirySnapshot


def present(inquiry: Inquiry, deadline_state: str | None, allowed_actions: list[str]) -> InquirySnapshot:
    """A snapshot of the row; citizen data masked and free text redacted with the inquiry's own citizen
    (a citizen often writes their number into the message; revealing it is a separate, audited read)."""
    person = citizen_of(inquiry)
    # The rest are the row's columns of the same names.
    return copied(
        InquirySnapshot,
        inquiry,
        number=inquiry.number or "",
        title=redact(inquiry.title, person),
        content=redact(inquiry.content, person),
        address=redact(inquiry.address, person),
        citizen=Citizen(
            name=mask_name(inquiry.citizen_name),
            phone=mask_phone(inquiry.citizen_phone),
            id_number=mask_id_number(inquiry.citizen_id_number),
        ),
        department=inquiry.department_code,
        co_departments=[c.department_code for c in inquiry.co_departments],
        deadline_state=deadline_state,
        reply_note=redact(inquiry.reply_note, person),
        public_reply=redact(inquiry.public_reply, person),
        allowed_actions=allowed_actions,
    )


def present_event(event: InquiryEvent, person: Person) -> EventSnapshot:
    """One history entry; its note and free-text data redacted like the inquiry's own text."""
    return copied(
        EventSnapshot, event, note=redact(event.note, person), data=mask_payload(event.data or {}, [person])
    )
