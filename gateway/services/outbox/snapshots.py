"""What the outbox hands staff: snapshots of its messages, personal data masked unless revealed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from gateway.domain.disclosure import mask_payload, people_in, redact_all
from gateway.domain.pii import Person
from gateway.persistence.models import OutboxMessage
from gateway.persistence.repositories.people import PeopleRepository
from gateway.services.snapshots import OutboxSnapshot

# What a snapshot shows as it is stored: all but the payload and the last error (masked or not).
_COPIED = tuple(f.name for f in fields(OutboxSnapshot) if f.name not in ("payload", "last_error", "masked"))


def masked_snapshot(row: OutboxMessage, stored: Iterable[Person] = ()) -> OutboxSnapshot:
    """Snapshot a row for staff: the people in its payload masked, its free text and last error redacted
    with them and with the stored citizens given (snapshots() finds those)."""
    payload, stored = dict(row.payload or {}), list(stored)
    last_error = redact_all(row.last_error, [*people_in(payload), *stored])
    return _snapshot(row, mask_payload(payload, stored), last_error, masked=True)


def full_snapshot(row: OutboxMessage) -> OutboxSnapshot:
    """Snapshot a row with its payload in full: only for a reveal, which is audited."""
    return _snapshot(row, dict(row.payload or {}), row.last_error, masked=False)


def _snapshot(
    row: OutboxMessage, payload: dict[str, Any], last_error: str | None, masked: bool
) -> OutboxSnapshot:
    copied = {name: getattr(row, name) for name in _COPIED}
    return OutboxSnapshot(**copied, payload=payload, last_error=last_error, masked=masked)


def snapshots(people: PeopleRepository, rows: Sequence[OutboxMessage]) -> list[OutboxSnapshot]:
    """Masked snapshots; free text is also redacted with the stored citizen of each message's inquiry or
    application (from ``uow.people``), who may be named in a note or reason whose payload carries
    no person."""
    payloads = [r.payload or {} for r in rows]
    inquiries = people.of_inquiries(p["inquiry_id"] for p in payloads if isinstance(p.get("inquiry_id"), int))
    applications = people.of_applications(
        ids=(p["application_id"] for p in payloads if isinstance(p.get("application_id"), int)),
        receipt_nos=(p["receipt_no"] for p in payloads if isinstance(p.get("receipt_no"), str)),
    )

    def stored(payload: dict[str, Any]) -> list[Person]:
        inquiry_id, app_id, receipt_no = (
            payload.get(k) for k in ("inquiry_id", "application_id", "receipt_no")
        )
        found = [
            inquiries.get(inquiry_id) if isinstance(inquiry_id, int) else None,
            applications.get(app_id) if isinstance(app_id, int) else None,
            applications.get(receipt_no) if isinstance(receipt_no, str) else None,
        ]
        return list(dict.fromkeys(p for p in found if p))

    return [masked_snapshot(row, stored(payload)) for row, payload in zip(rows, payloads, strict=True)]
