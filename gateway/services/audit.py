"""The audit log (审计日志): who read personal data in full or decided a dead letter, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gateway.domain.access import Actor
from gateway.persistence.models import AuditEntry
from gateway.services.views import Citizen


def record(
    session: Session, actor: Actor, action: str, subject: tuple[str, int], reason: str, now: datetime
) -> None:
    """One entry, in the caller's transaction: written with what it records, or not at all."""
    subject_type, subject_id = subject
    session.add(
        AuditEntry(
            actor=actor.name,
            actor_role=actor.role,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            reason=reason,
            created_at=now,
        )
    )


def reveal(
    session: Session,
    actor: Actor,
    subject: tuple[str, int],
    person: tuple[str | None, str | None, str | None],
    reason: str,
    now: datetime,
) -> Citizen:
    """A person's (name, phone, ID number) in full, the read recorded with its reason."""
    record(session, actor, "reveal_pii", subject, reason, now)
    name, phone, id_number = person
    return Citizen(name=name, phone=phone, id_number=id_number, masked=False)
