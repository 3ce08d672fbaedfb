"""The citizens behind inquiries and applications, looked up in bulk to take their own data out of text
that leaves the record (outbox payloads shown to staff, spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from gateway.domain.pii import Person
from gateway.persistence.application_models import Application
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.base import Repository

_BATCH = 500  # ids per IN (...): well under every database's parameter limit


class PeopleRepository(Repository):
    """Read-only: who each inquiry's citizen and each application's applicant is."""

    def of_inquiries(self, ids: Iterable[int]) -> dict[int, Person]:
        """Each inquiry's citizen."""
        wanted, found = sorted(set(ids)), {}
        for start in range(0, len(wanted), _BATCH):
            query = select(
                Inquiry.id, Inquiry.citizen_name, Inquiry.citizen_phone, Inquiry.citizen_id_number
            ).where(Inquiry.id.in_(wanted[start : start + _BATCH]))
            found.update({row[0]: Person(row[1], row[2], row[3]) for row in self.session.execute(query)})
        return found

    def of_applications(
        self, *, ids: Iterable[int] = (), receipt_nos: Iterable[str] = ()
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
                for app_id, receipt_no, name, phone, id_number in self.session.execute(query):
                    found[app_id] = Person(name, phone, id_number)
                    if receipt_no:
                        found[receipt_no] = found[app_id]
        return found
