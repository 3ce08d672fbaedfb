"""The audit log (审计日志): who read personal data in full, decided a dead letter or exported a list,
when and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from gateway.domain.access import Actor
from gateway.domain.calendar import SHANGHAI
from gateway.domain.disclosure import redact
from gateway.persistence.repositories.audit import AuditRepository
from gateway.services.ports import Transactions
from gateway.services.snapshots import Citizen

EXPORT = "export"


def record(
    log: AuditRepository,
    actor: Actor,
    action: str,
    subject: tuple[str, int | str],
    reason: str,
    now: datetime,
) -> None:
    """One entry in the caller's unit of work (``uow.audit``): written with what it records or not at all."""
    subject_type, subject_id = subject
    log.add(
        actor=actor.name,
        actor_role=actor.role,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        reason=reason,
        created_at=now,
    )


def reveal(
    log: AuditRepository,
    actor: Actor,
    subject: tuple[str, int],
    person: tuple[str | None, str | None, str | None],
    reason: str,
    now: datetime,
) -> Citizen:
    """A person's (name, phone, ID number) in full, the read recorded with its reason."""
    record(log, actor, "reveal_pii", subject, reason, now)
    name, phone, id_number = person
    return Citizen(name=name, phone=phone, id_number=id_number, masked=False)


def export(
    db: Transactions, actor: Actor, listing: str, filters: Mapping[str, Any], rows: int, now: datetime
) -> None:
    """One entry for one spreadsheet: who, which list (subject ``list``/<listing>), and as the entry's
    text the filters it was cut by (empty ones left out, free text redacted) and how many rows it had."""
    given = {key: _plain(value) for key, value in filters.items() if value not in (None, "", (), [])}
    details = json.dumps({"filters": given, "rows": rows}, ensure_ascii=False, sort_keys=True)
    with db.writing() as uow:
        record(uow.audit, actor, EXPORT, ("list", listing), details, now)


def _plain(value: Any) -> Any:
    """A filter's value as JSON: times in Beijing time, sequences as lists, text redacted (a search may
    be for a phone number)."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value
