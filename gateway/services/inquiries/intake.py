"""The intake use case: a new inquiry, its first events, its dispatch when the rules or the operator
decide it, and the messages it causes, written in one batch (the lean path: nothing is written twice)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from gateway.domain import lifecycle
from gateway.domain.access import CREATE, Actor, act
from gateway.domain.calendar import SHANGHAI, beijing_iso
from gateway.domain.errors import DuplicateRecord, Forbidden, InvalidInput, InvalidTransition
from gateway.domain.lifecycle import Action, Status
from gateway.domain.lifecycle_effects import dispatch_to
from gateway.domain.routing import Dispatch, DispatchMode, InquiryFacts, intake_dispatch, route
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.services.inquiries import announcements
from gateway.services.inquiries.core import InquiryCore
from gateway.services.ports import InquiryRepository, UnitOfWork
from gateway.services.records import copied
from gateway.services.snapshots import InquirySnapshot

log = logging.getLogger(__name__)

ROUTING_ACTOR = Actor(name="派单规则", role="system:routing")  # who dispatches when the rules decide
Also = Callable[[UnitOfWork, int], None]
"""More rows of a new inquiry, written in its unit of work: (unit of work, the new inquiry's id)."""


class Intake(InquiryCore):
    """Taking an inquiry in (受理)."""

    def intake(
        self, data: Mapping[str, Any], actor: Actor, also: Also | None = None
    ) -> tuple[InquirySnapshot, bool]:
        """Create an inquiry, or return the existing one for a repeated (channel, external_id). ``also``
        writes more of a new inquiry in its transaction (a system's files: see InboundService)."""
        self._require(actor, CREATE)
        channel = data["channel"]
        external_id = data.get("external_id")
        refusal = actor.intake_refusal(channel, external_id)
        if refusal is not None:
            raise Forbidden(refusal)
        try:
            with self.db.writing() as uow:
                existing, new_id = uow.inquiries.find_or_allocate(channel, external_id)
                if existing is not None:
                    return self._view(self._stored(uow.inquiries, existing), actor), False
                rows = InquiryRows()
                inquiry = self._create(uow.inquiries, rows, new_id, data, actor)
                uow.inquiries.write(rows)
                if also is not None:
                    also(uow, new_id)
            # Built from what was written: the inquiry object was never read back (nor is it persistent).
            view = self._view(inquiry, actor)
        except DuplicateRecord:
            # A concurrent request with the same (channel, external_id) committed first.
            found = self._find_external(channel, external_id, actor) if external_id is not None else None
            if found is None:
                raise
            return found, False
        log.debug(
            "inquiry intake id=%s channel=%s kind=%s status=%s", view.id, channel, view.kind, view.status
        )
        return view, True

    @staticmethod
    def _stored(inquiries: InquiryRepository, inquiry_id: int) -> Inquiry:
        inquiry = inquiries.get(inquiry_id)
        if inquiry is None:
            raise LookupError(f"inquiry {inquiry_id} vanished in its own transaction")
        return inquiry

    def _find_external(self, channel: str, external_id: str, actor: Actor) -> InquirySnapshot | None:
        with self.db.reading() as uow:
            row = uow.inquiries.by_external(channel, external_id)
            return self._view(row, actor) if row is not None else None

    def _create(
        self,
        inquiries: InquiryRepository,
        rows: InquiryRows,
        new_id: int,
        data: Mapping[str, Any],
        actor: Actor,
    ) -> Inquiry:
        """The new inquiry as an object that is never added to a session: every rule below changes it in
        memory, and ``rows`` receives it once, with its final values, and its events, transfers and
        messages; the caller writes them all."""
        now = self.clock()
        citizen = data.get("citizen") or {}
        inquiry = Inquiry(
            id=new_id,
            number=f"SQ{now.astimezone(SHANGHAI):%Y%m%d}{new_id:08d}",
            channel=data["channel"],
            external_id=data.get("external_id"),
            kind=data["kind"],
            title=data.get("title"),
            content=data["content"],
            category=data.get("category"),
            address=data.get("address"),
            district=data.get("district"),
            citizen_name=citizen.get("name"),
            citizen_phone=citizen.get("phone"),
            citizen_id_number=citizen.get("id_number"),
            citizen_phone_key=self.caller_keys.phone(citizen.get("phone")),
            citizen_id_key=self.caller_keys.id_number(citizen.get("id_number")),
            public_consent=bool(data.get("public_consent", False)),
            status=Status.RECEIVED.value,
            calendar_estimated=False,
            escalation_count=0,
            created_at=now,
            updated_at=now,
            co_departments=[],
        )
        transfer = data.get("transfer")
        if transfer:
            # 双向转接: a call handed over from a retained line keeps its transfer record.
            rows.transfer(
                inquiry_id=new_id,
                direction="in",
                line=transfer["line"],
                call_id=transfer.get("call_id"),
                agent=transfer.get("agent"),
                reason=transfer.get("reason"),
                transferred_at=transfer.get("transferred_at") or now,
            )
        self._announce_intake(inquiries, rows, inquiry, data, actor, now)
        rows.inquiries.append(inquiry)  # written before its events, with everything set above
        return inquiry

    def _announce_intake(
        self,
        inquiries: InquiryRepository,
        rows: InquiryRows,
        inquiry: Inquiry,
        data: Mapping[str, Any],
        actor: Actor,
        now: datetime,
    ) -> None:
        transfer = data.get("transfer")
        intake_event = self._record(
            rows,
            inquiry,
            lifecycle.INTAKE,
            None,
            actor,
            note=None,
            data={"transfer_line": transfer["line"]} if transfer else {},
            now=now,
        )
        announcements.announce(rows, self.settings, inquiry, intake_event, now)

        choice = data.get("dispatch") or {}
        mode = DispatchMode(choice.get("mode", DispatchMode.AUTO))
        instant = data.get("instant_reply")
        if instant:
            # 即时答复: the operator answered on the call; nothing to route, the reply is recorded at once.
            if mode is DispatchMode.MANUAL:
                allowed = [a.value for a in lifecycle.allowed_actions(Status.REPLIED)]
                reason = "an inquiry answered at once (instant_reply) is not dispatched"
                raise InvalidTransition(Status.REPLIED.value, Action.DISPATCH.value, allowed, reason)
            if not actor.can(act(Action.REPLY)):
                raise Forbidden(f"role '{actor.role}' may not answer at once (inquiry:reply)")
            inquiry.reply_note, inquiry.public_reply = instant["note"], instant.get("public_reply")
            inquiry.replied_at, inquiry.status = now, Status.REPLIED.value
            event = self._record(
                rows,
                inquiry,
                Action.REPLY.value,
                Status.RECEIVED.value,
                actor,
                note=instant["note"],
                data={"public_reply": inquiry.public_reply, "instant": True},
                now=now,
            )
            announcements.announce(rows, self.settings, inquiry, event, now)
            return

        # One decision, made here and only here: whatever was not chosen is never dispatched or announced.
        rule = route(copied(InquiryFacts, inquiry), self.settings.routing_rules)
        if mode is DispatchMode.MANUAL:
            self._check_manual_dispatch(choice, actor)
        dispatch = intake_dispatch(mode, rule, choice.get("department"), choice.get("co_departments") or ())
        if dispatch is not None:
            self._dispatch_at_intake(inquiries, rows, inquiry, dispatch, choice.get("note"), actor, now)

    def _check_manual_dispatch(self, choice: Mapping[str, Any], actor: Actor) -> None:
        if not actor.can(act(Action.DISPATCH)):
            raise Forbidden(f"role '{actor.role}' may not choose the department at intake (inquiry:dispatch)")
        lead = choice.get("department")
        if not lead:
            raise InvalidInput("dispatch.department", "required when mode is manual")
        for field, codes in (("department", [lead]), ("co_departments", choice.get("co_departments") or [])):
            unknown = [c for c in codes if self.settings.department(c) is None]
            if unknown:
                raise InvalidInput(f"dispatch.{field}", f"unknown department code: {', '.join(unknown)}")

    def _dispatch_at_intake(
        self,
        inquiries: InquiryRepository,
        rows: InquiryRows,
        inquiry: Inquiry,
        dispatch: Dispatch,
        note: str | None,
        actor: Actor,
        now: datetime,
    ) -> None:
        inquiry.routing_rule = dispatch.rule
        dispatch_to(inquiry, dispatch.lead, list(dispatch.co), self._context(inquiries, inquiry, now))
        data: dict[str, Any] = {"department": dispatch.lead, "co_departments": list(dispatch.co)}
        if dispatch.rule is not None:
            data["rule"] = dispatch.rule
        if dispatch.by_rule:
            who, note = ROUTING_ACTOR, f"规则「{dispatch.rule}」自动派单"
        else:
            who = actor
            data["due_at"] = beijing_iso(inquiry.due_at)
            if note is None:
                note = f"登记时按派单建议（规则「{dispatch.rule}」）派单" if dispatch.rule else "登记时派单"
        event = self._record(
            rows, inquiry, Action.DISPATCH.value, Status.RECEIVED.value, who, note=note, data=data, now=now
        )
        announcements.announce(rows, self.settings, inquiry, event, now)
