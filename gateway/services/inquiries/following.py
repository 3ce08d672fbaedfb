"""并单: a master's transitions mirrored onto its children (子单 follow their 主单).

Each child takes the master's new state (gateway.domain.merging.FOLLOWED), gets an event of its own
naming the master, and announces the change to its own origin system in that system's protocol, with its
own consent and redaction (announcements.announce on the child). The master's answer texts are redacted
with the master's citizen before a child carries them: a child's messages are then redacted again with
the child's citizen, so neither person reaches the other's channel.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.config import Settings
from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.domain.merging import FOLLOWED
from gateway.domain.pii import redact_text
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.inquiries import announcements
from gateway.services.people import citizen_of
from gateway.services.ports import UnitOfWork
from gateway.services.supervision import issuing


def take_state(child: Inquiry, master: Inquiry, uow: UnitOfWork) -> None:
    """Give the child the master's state: status, department, deadline and answer (texts redacted with
    the master's citizen); not its co-departments, nor its caller's satisfaction (the child's are its
    own caller's, see ``Merges.child_callback``)."""
    for name in FOLLOWED:
        setattr(child, name, getattr(master, name))
    person = citizen_of(master)
    child.public_reply = redact_text(master.public_reply, person=person) if master.public_reply else None
    child.reply_note = redact_text(master.reply_note, person=person) if master.reply_note else None
    # 协办 stays on the master: a child carries no co-department tasks, so each co-department has one task
    # (the master's) and gives its opinion there.
    if child.co_departments:
        uow.inquiries.set_co_departments(child, [])


def mirror(
    uow: UnitOfWork,
    settings: Settings,
    master: Inquiry,
    action: Action,
    event: announcements.Happened,
    actor: Actor,
    now: datetime,
    rows: InquiryRows,
) -> list[int]:
    """Mirror one transition of the master onto each of its children; returns the children's ids."""
    followed = []
    note = redact_text(event.note, person=citizen_of(master)) if event.note else None
    for child in uow.merges.children(master.id, for_update=True):
        before = child.status
        take_state(child, master, uow)
        if action is Action.REOPEN:  # 重办: a new answer is coming; the child's caller is asked again
            child.satisfaction, child.solved = None, None
        child.updated_at = now
        data: dict[str, Any] = {**event.data, "master_id": master.id, "master_number": master.number}
        data.pop("notices_closed", None)  # the master's; the child's own are these
        # 督办单 of the child its department no longer owes: all once closed, else another department's
        closed = issuing.close_stale(uow, child, now)
        if closed:
            data["notices_closed"] = closed
        if action is Action.REPLY:
            data["public_reply"] = child.public_reply
        rows.event(
            inquiry_id=child.id,
            action=action.value,
            from_status=before,
            to_status=child.status,
            actor=actor.name,
            actor_role=actor.role,
            note=note,
            data=data,
            created_at=now,
        )
        happened = announcements.Happened(action.value, note, data)
        # The child's origin hears its status change; the 部门专线 gets one transfer, the master's.
        announcements.announce(rows, settings, child, happened, now, transfer=False)
        followed.append(child.id)
    return followed
