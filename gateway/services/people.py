"""The citizens behind inquiries and applications, read only to take their own data out of text that
leaves the record (outbox payloads shown to staff, spreadsheets); never handed to a caller as such."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gateway.domain.disclosure import NOBODY, redact
from gateway.domain.pii import Person
from gateway.persistence.models import Inquiry
from gateway.services.ports import Transactions

Redactor = Callable[[int, str | None], str | None]
"""(record id, free text) -> the text redacted with that record's own citizen."""


def citizen_of(inquiry: Inquiry) -> Person:
    """The inquiry's own citizen, whom no text shown or sent for reading may carry in full."""
    return Person(inquiry.citizen_name, inquiry.citizen_phone, inquiry.citizen_id_number)


def inquiry_redactor(db: Transactions, ids: Iterable[int]) -> Redactor:
    """Redaction of these inquiries' free text, each with its own citizen's data."""
    with db.reading() as uow:
        people = uow.people.of_inquiries(ids)
    return lambda inquiry_id, text: redact(text, people.get(inquiry_id, NOBODY))


def application_redactor(db: Transactions, ids: Iterable[int]) -> Redactor:
    """Redaction of these applications' free text, each with its own applicant's data."""
    with db.reading() as uow:
        people = uow.people.of_applications(ids=ids)
    return lambda app_id, text: redact(text, people.get(app_id, NOBODY))
