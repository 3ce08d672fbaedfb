"""重复来电: finding a caller's inquiries by the keyed hash of their phone or ID number (each lookup
audited), and keeping the index whole: keys for inquiries stored before it (migration 0010) or under an
earlier secret. Intake keys every new inquiry itself."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from gateway.domain.access import PII, READ, Actor
from gateway.domain.caller_keys import CallerKeys
from gateway.domain.disclosure import redact
from gateway.domain.errors import InvalidInput
from gateway.services import audit
from gateway.services.inquiries.core import InquiryCore
from gateway.services.inquiries.queries import InquiryFilter, listing
from gateway.services.people import citizen_of
from gateway.services.ports import Transactions, UnitOfWork

BATCH = 1000
LOOKUP = "lookup_caller"  # the audit log's action for a search by phone or ID number
REPEAT_CALLER = "重复来电 repeat caller"  # its reason, written for the operator (no typing on intake)
CALLER_HISTORY_DAYS = 365


@dataclass(frozen=True)
class CallerItem:
    """One earlier inquiry of the caller, as the panel beside 电话登记 shows it (no personal data)."""

    id: int
    number: str
    created_at: datetime
    channel: str
    title: str  # redacted with the inquiry's own citizen; the content's start when there is no title
    status: str
    department: str | None
    satisfaction: str | None


@dataclass(frozen=True)
class CallerHistory:
    total: int  # the caller's inquiries in the 12 months (the page holds the newest)
    items: list[CallerItem]


class CallerLookup(InquiryCore):
    """Lookups by caller: for roles that may reveal, each one written to the audit log."""

    def _caller_filter(self, filters: InquiryFilter, actor: Actor) -> InquiryFilter:
        """The filters with the typed phone / ID number turned into their keys (422 naming the field)."""
        self._require(actor, PII)
        if not self.caller_keys.enabled:
            field = "phone" if filters.phone else "id_number"
            raise InvalidInput(
                field, "lookup by caller is off: GATEWAY_CALLER_KEY_SECRET is not set", "query"
            )
        phone_key = self.caller_keys.phone(filters.phone) if filters.phone else None
        id_key = self.caller_keys.id_number(filters.id_number) if filters.id_number else None
        for field, key in (("phone", phone_key), ("id_number", id_key)):
            if getattr(filters, field) and key is None:
                raise InvalidInput(field, "too few digits to be a phone or ID number", "query")
        return replace(filters, phone=None, id_number=None, phone_key=phone_key, id_key=id_key)

    def _audit_lookup(self, uow: UnitOfWork, filters: InquiryFilter, actor: Actor) -> None:
        for kind, key in (("caller_phone", filters.phone_key), ("caller_id", filters.id_key)):
            if key is not None:
                # The subject is the key, never the number: the log says which caller, not who.
                audit.record(uow.audit, actor, LOOKUP, (kind, key), REPEAT_CALLER, self.clock())

    def caller_history(self, phone: str, actor: Actor, limit: int = 20) -> CallerHistory:
        """重复来电: the caller's inquiries of the last 12 months on any channel, newest first. The audit
        entry and the read share one transaction; only what the panel shows is built (the title redacted,
        not the whole record)."""
        self._require(actor, READ)
        if not phone.strip():
            raise InvalidInput("phone", "required", "query")  # never the whole list, unaudited
        now = self.clock()
        since = now - timedelta(days=CALLER_HISTORY_DAYS)
        filters = self._caller_filter(InquiryFilter(phone=phone, created_from=since), actor)
        with self.db.writing() as uow:
            self._audit_lookup(uow, filters, actor)
            rows, total = uow.inquiries.find(listing(filters, actor, now, now, offset=0, limit=limit))
            items = [
                CallerItem(
                    id=r.id,
                    number=r.number or "",
                    created_at=r.created_at,
                    channel=r.channel,
                    title=redact(r.title, citizen_of(r)) or (redact(r.content, citizen_of(r)) or "")[:30],
                    status=r.status,
                    department=r.department_code,
                    satisfaction=r.satisfaction,
                )
                for r in rows
            ]
        return CallerHistory(total=total, items=items)


def rekey(db: Transactions, keys: CallerKeys, *, every: bool = False, batch: int = BATCH) -> int:
    """Key the inquiries that lack a key (``every``: all of them, after the secret changed), one batch
    per transaction so that a long run holds no lock for long; returns how many were keyed."""
    if not keys.enabled:
        raise InvalidInput("GATEWAY_CALLER_KEY_SECRET", "not set: there is no key to write")
    done, after = 0, 0
    while True:
        with db.writing() as uow:
            found = uow.callers.numbers(after, batch, every=every)
            uow.callers.set_keys([(i, keys.phone(phone), keys.id_number(id_no)) for i, phone, id_no in found])
        if not found:
            return done
        done, after = done + len(found), found[-1][0]
