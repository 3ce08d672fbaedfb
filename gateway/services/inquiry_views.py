"""Turning a stored inquiry into what callers see: masked, with its deadline state and allowed actions."""

from __future__ import annotations

from gateway.domain.pii import mask_id_number, mask_name, mask_phone
from gateway.persistence.models import Inquiry
from gateway.services.views import Citizen, InquiryView


def present(inquiry: Inquiry, deadline_state: str | None, allowed_actions: list[str]) -> InquiryView:
    """A snapshot of the row; citizen data masked (revealing it is a separate, audited read)."""
    return InquiryView(
        id=inquiry.id,
        number=inquiry.number or "",
        channel=inquiry.channel,
        external_id=inquiry.external_id,
        kind=inquiry.kind,
        title=inquiry.title,
        content=inquiry.content,
        category=inquiry.category,
        address=inquiry.address,
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
        reply_note=inquiry.reply_note,
        public_reply=inquiry.public_reply,
        replied_at=inquiry.replied_at,
        satisfaction=inquiry.satisfaction,
        solved=inquiry.solved,
        closed_at=inquiry.closed_at,
        created_at=inquiry.created_at,
        updated_at=inquiry.updated_at,
        allowed_actions=allowed_actions,
    )
