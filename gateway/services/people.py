"""The citizens behind inquiries and applications, read only to take their own data out of text that
leaves the record (outbox payloads shown to staff, spreadsheets); never handed to a caller as such."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.domain.disclosure import NOBODY, redact
from gateway.domain.pii import Person
from gateway.persistence.application_models import Application
from gateway.persistence.db import Database
from gateway.persistence.models import Inquiry

Redactor = Callable[[int, str | None], str | None]
"""(record id, free text) -> the text redacted with that record's own citizen."""

_BATCH = 500  # ids per IN (...): well under every database's parameter limit


def citizen_of(inquiry: Inquiry) -> Person:
    """The inquiry's own citizen, whom no text shown or sent for reading may carry in full."""
    return Person(inquiry.citizen_name, inquiry.citizen_phone, inquiry.citizen_id_number)


def of_inquiries(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    """Each inquiry's citizen."""
    wanted, found = sorted(set(ids)), {}
    for start in range(0, len(wanted), _BATCH):
        query = select(
            Inquiry.id, Inquiry.citizen_name, Inquiry.citizen_phone, Inquiry.citizen_id_number
        ).where(Inquiry.id.in_(wanted[start : start + _BATCH]))
        found.update({row[0]: Person(row[1], row[2], row[3]) for row in session.execute(query)})
    return found


def of_applications(
    session: Session, *, ids: Iterable[int] = (), receipt_nos: Iterable[str] = ()
) -> dict[int | str, Person]:
    """Each application's applicant, by id and by receipt number (the messages to departments carry
    only the latter)."""
    found: dict[int | str, Person] = {}
    for column, keys in (
        (Application.id, sorted(set(ids))),
        (Application.receipt_no, sorted(set(receipt_nos))),
    ):
        for start in range(0, len(keys), _BATCH):
            query = select(
                Application.id,
                Application.receipt_no,
                Application.applicant_name,
                Application.applicant_phone,
                Application.applicant_id_number,
            ).where(column.in_(keys[start : start + _BATCH]))
            for app_id, receipt_no, name, phone, id_number in session.execute(query):
                found[app_id] = Person(name, phone, id_number)
                if receipt_no:
                    found[receipt_no] = found[app_id]
    return found


def inquiry_redactor(db: Database, ids: Iterable[int]) -> Redactor:
    """Redaction of these inquiries' free text, each with its own citizen's data."""
    with db.read() as session:
        people = of_inquiries(session, ids)
    return lambda inquiry_id, text: redact(text, people.get(inquiry_id, NOBODY))


def application_redactor(db: Database, ids: Iterable[int]) -> Redactor:
    """Redaction of these applications' free text, each with its own applicant's data."""
    with db.read() as session:
        people = of_applications(session, ids=ids)
    return lambda app_id, text: redact(text, people.get(app_id, NOBODY))
