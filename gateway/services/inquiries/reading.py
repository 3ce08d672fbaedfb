"""Reading inquiries: one, a filtered page, the history, the personal data in full (audited), the
dispatch the catalogue suggests and the published replies (知识库)."""

from __future__ import annotations

from typing import Any

from gateway.domain.access import PII, READ, Actor
from gateway.domain.routing import InquiryFacts, route
from gateway.services import audit
from gateway.services.inquiries import knowledge
from gateway.services.inquiries.callers import CallerLookup
from gateway.services.inquiries.queries import InquiryFilter, listing
from gateway.services.inquiries.snapshots import present_event
from gateway.services.people import citizen_of
from gateway.services.snapshots import Citizen, EventSnapshot, InquirySnapshot, Page


class Reading(CallerLookup):
    """What callers read about inquiries; personal data masked unless revealed."""

    def get(self, inquiry_id: int, actor: Actor) -> InquirySnapshot:
        """One inquiry, masked."""
        self._require(actor, READ)
        with self.db.reading() as uow:
            return self._view(self._load(uow.inquiries, inquiry_id, actor), actor)

    def find(self, filters: InquiryFilter, actor: Actor, *, offset: int, limit: int) -> Page:
        """Inquiries matching the filters, newest first. A filter by the caller's phone or ID number is a
        lookup of personal data: only for roles that may reveal, and written to the audit log."""
        self._require(actor, READ)
        if filters.phone or filters.id_number:
            filters = self._caller_filter(filters, actor)
            with self.db.writing() as uow:
                self._audit_lookup(uow, filters, actor)
        now = self.clock()
        with self.db.reading() as uow:
            rows, total = uow.inquiries.find(
                listing(filters, actor, now, self._due_soon_limit(now), offset=offset, limit=limit)
            )
            return Page(items=[self._view(r, actor) for r in rows], total=total)

    def exists(self, channel: str, external_id: str) -> bool:
        """True if the channel's system already gave an inquiry with this id (no one's data is read)."""
        with self.db.reading() as uow:
            return uow.inquiries.by_external(channel, external_id) is not None

    def events(self, inquiry_id: int, actor: Actor) -> list[EventSnapshot]:
        """The inquiry's history, oldest first."""
        self._require(actor, READ)
        with self.db.reading() as uow:
            inquiry = self._load(uow.inquiries, inquiry_id, actor)
            person = citizen_of(inquiry)
            return [present_event(e, person) for e in uow.inquiries.events(inquiry_id)]

    def reveal(self, inquiry_id: int, reason: str, actor: Actor) -> Citizen:
        """The citizen's personal data in full; the read is written to the audit log."""
        self._require(actor, PII)
        with self.db.writing() as uow:
            inquiry = self._load(uow.inquiries, inquiry_id, actor)
            person = (inquiry.citizen_name, inquiry.citizen_phone, inquiry.citizen_id_number)
            return audit.reveal(uow.audit, actor, ("inquiry", inquiry.id), person, reason, self.clock())

    def suggest(self, facts: InquiryFacts) -> dict[str, Any] | None:
        """The dispatch the catalogue (派单目录) would make, for an operator to accept or change."""
        rule = route(facts, self.settings.routing_rules)
        if rule is None:
            return None
        names = {d.code: d.name for d in self.settings.departments}
        return {
            "rule": rule.name,
            "department": rule.lead,
            "department_name": names.get(rule.lead),
            "co_departments": list(rule.co),
            "co_department_names": [names.get(c, c) for c in rule.co],
            "workdays": self.settings.deadlines.workdays[facts.kind],
        }

    def public_replies(self, text: str, actor: Actor, limit: int = 10) -> list[dict[str, Any]]:
        """Published replies mentioning the text (知识库 for 即时答复): only inquiries the actor may read,
        and only the text the website was given, personal data removed."""
        self._require(actor, READ)
        with self.db.reading() as uow:
            return knowledge.published_replies(uow.inquiries, actor, text, self.clock(), limit)
