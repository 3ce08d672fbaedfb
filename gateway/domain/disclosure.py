"""What of a citizen may leave the record it belongs to: outbox payloads shown to staff, spreadsheets,
audit details. Free text goes through the same redaction as a published reply, except that no one
reviews it here: a digit run redaction cannot classify is masked too (but for its last 4 digits) where a
reply would be held for a supervisor. The masks and the redaction themselves are pii's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

from gateway.domain.pii import Person, mask_id_number, mask_name, mask_phone, redact_text

NOBODY = Person()

# The payload keys that hold a person as {name, phone, id_number} (see gateway.domain.messages).
PERSON_KEYS = frozenset({"citizen", "applicant"})
_MASKS: dict[str, Callable[[str | None], str | None]] = {
    "name": mask_name,
    "phone": mask_phone,
    "id_number": mask_id_number,
}
# Payload keys whose text is a code, an id, a time, a state or a department's or window's name, shown as
# it is. Text under any other key (title, content, address, note, reason, public_reply, material names,
# and whatever a new message type brings) is redacted: an unknown field fails closed.
STRUCTURAL_KEYS = frozenset(
    {
        "inquiry_id",
        "application_id",
        "task_id",
        "number",
        "receipt_no",
        "external_id",
        "origin",
        "line",
        "action",
        "status",
        "kind",
        "category",
        "district",
        "department",
        "department_name",
        "refused_by",
        "item_code",
        "item_codes",
        "item_name",
        "window",
        "tracking_no",
        "satisfaction",
        "sync_run_id",
        "at",
        "due_at",
        "created_at",
        "replied_at",
        "accepted_at",
        "promised_at",
        "supplement_due",
    }
)


@overload
def redact(text: str, person: Person = NOBODY) -> str: ...
@overload
def redact(text: None, person: Person = NOBODY) -> None: ...
def redact(text: str | None, person: Person = NOBODY) -> str | None:
    """Free text without phones, ID numbers and the person's own data, as on the public website; with no
    reviewer here, a digit run redaction cannot classify is masked too (but for its last 4 digits)."""
    if not text:
        return text
    return redact_text(text, person=person, mask_doubtful=True)


@overload
def redact_all(text: str, people: Iterable[Person]) -> str: ...
@overload
def redact_all(text: None, people: Iterable[Person]) -> None: ...
def redact_all(text: str | None, people: Iterable[Person]) -> str | None:
    """redact() with several people at once (a message may name a citizen and an applicant): one pass,
    each person once however often given."""
    if not text:
        return text
    return redact_text(text, people=dict.fromkeys(people), mask_doubtful=True)


def people_in(payload: Mapping[str, Any]) -> list[Person]:
    """The people a message's payload carries ({name, phone, id_number} under a person key)."""
    return [_person(payload[key]) for key in sorted(PERSON_KEYS) if isinstance(payload.get(key), Mapping)]


def mask_payload(payload: Mapping[str, Any], people: Iterable[Person] = ()) -> dict[str, Any]:
    """A message's payload for staff: each person masked, free text redacted with the payload's own
    people and the given ones (the record's stored citizen)."""
    everyone = [*people_in(payload), *people]
    return {key: _masked(key, value, everyone) for key, value in payload.items()}


def _masked(key: str, value: Any, everyone: list[Person]) -> Any:
    if key in PERSON_KEYS and value is not None:
        return _mask_person(value)
    if isinstance(value, Mapping):
        return {k: _masked(str(k), v, everyone) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(key, v, everyone) for v in value]
    if isinstance(value, str) and key not in STRUCTURAL_KEYS:
        return redact_all(value, everyone)
    return value


def _person(value: Mapping[str, Any]) -> Person:
    return Person(_text(value.get("name")), _text(value.get("phone")), _text(value.get("id_number")))


def _mask_person(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return "***"
    # A field the masks do not know is hidden whole.
    return {
        k: _MASKS[k](_text(v)) if k in _MASKS else (None if v is None else "***") for k, v in value.items()
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
