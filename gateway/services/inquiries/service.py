"""Inquiry use cases: intake, listing, lifecycle actions, history and revealing personal data."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.domain import guards, lifecycle
from gateway.domain.access import CREATE, PII, READ, Actor, act
from gateway.domain.calendar import SHANGHAI, WorkdayCalendar, beijing_iso
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.domain.lifecycle import Action, Status
from gateway.domain.routing import Dispatch, DispatchMode, InquiryFacts, intake_dispatch, route
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.db import Database
from gateway.persistence.inquiry_rows import InquiryRows, find_or_allocate
from gateway.persistence.models import Inquiry, InquiryCoDepartment, InquiryEvent
from gateway.persistence.repositories.audit import AuditRepository
from gateway.services import audit
from gateway.services.inquiries import announcements as interconnect
from gateway.services.inquiries import knowledge
from gateway.services.inquiries.queries import MAX_OFFSET, InquiryFilter, filtered
from gateway.services.inquiries.snapshots import present, present_event
from gateway.services.people import citizen_of
from gateway.services.snapshots import Citizen, EventSnapshot, InquirySnapshot, Page

log = logging.getLogger(__name__)

ROUTING_ACTOR = Actor(name="派单规则", role="system:routing")  # who dispatches when the rules decide


class InquiryService:
    """Everything that happens to an inquiry goes through here."""

    def __init__(
        self, db: Database, settings: Settings, calendar: WorkdayCalendar, clock: Clock = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.calendar = calendar
        self.clock = clock

    # ---- intake -------------------------------------------------------------------------------

    def intake(self, data: Mapping[str, Any], actor: Actor) -> tuple[InquirySnapshot, bool]:
        """Create an inquiry, or return the existing one for a repeated (channel, external_id)."""
        self._require(actor, CREATE)
        channel = data["channel"]
        external_id = data.get("external_id")
        refusal = actor.intake_refusal(channel, external_id)
        if refusal is not None:
            raise Forbidden(refusal)
        try:
            with self.db.unit_of_work() as session:
                existing, new_id = find_or_allocate(session, channel, external_id)
                if existing is not None:
                    return self._view(session.get_one(Inquiry, existing), actor), False
                rows = InquiryRows()
                inquiry = self._create(rows, new_id, data, actor)
                rows.write(session)
            # Built from what was written: the inquiry object was never read back (nor is it persistent).
            view = self._view(inquiry, actor)
        except IntegrityError:
            # A concurrent request with the same (channel, external_id) committed first.
            found = self._find_external(channel, external_id, actor) if external_id is not None else None
            if found is None:
                raise
            return found, False
        log.debug(
            "inquiry intake id=%s channel=%s kind=%s status=%s", view.id, channel, view.kind, view.status
        )
        return view, True

    def _find_external(self, channel: str, external_id: str, actor: Actor) -> InquirySnapshot | None:
        with self.db.read() as session:
            row = session.scalar(
                select(Inquiry).where(Inquiry.channel == channel, Inquiry.external_id == external_id)
            )
            return self._view(row, actor) if row is not None else None

    def _create(self, rows: InquiryRows, new_id: int, data: Mapping[str, Any], actor: Actor) -> Inquiry:
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
        self._announce_intake(rows, inquiry, data, actor, now)
        rows.inquiry(inquiry)  # before its events in the write order, with everything set above
        return inquiry

    def _announce_intake(
        self, rows: InquiryRows, inquiry: Inquiry, data: Mapping[str, Any], actor: Actor, now: datetime
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
        interconnect.announce(rows, self.settings, inquiry, intake_event, now)

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
            interconnect.announce(rows, self.settings, inquiry, event, now)
            return

        # One decision, made here and only here: whatever was not chosen is never dispatched or announced.
        rule = route(self._routing_facts(inquiry), self.settings.routing_rules)
        if mode is DispatchMode.MANUAL:
            self._check_manual_dispatch(choice, actor)
        dispatch = intake_dispatch(mode, rule, choice.get("department"), choice.get("co_departments") or ())
        if dispatch is not None:
            self._dispatch_at_intake(rows, inquiry, dispatch, choice.get("note"), actor, now)

    @staticmethod
    def _routing_facts(inquiry: Inquiry) -> InquiryFacts:
        return InquiryFacts(
            kind=inquiry.kind,
            content=inquiry.content,
            title=inquiry.title,
            category=inquiry.category,
            district=inquiry.district,
        )

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
        rows: InquiryRows,
        inquiry: Inquiry,
        dispatch: Dispatch,
        note: str | None,
        actor: Actor,
        now: datetime,
    ) -> None:
        inquiry.routing_rule = dispatch.rule
        self._dispatch(None, inquiry, dispatch.lead, list(dispatch.co), now)
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
        interconnect.announce(rows, self.settings, inquiry, event, now)

    # ---- reading ------------------------------------------------------------------------------

    def get(self, inquiry_id: int, actor: Actor) -> InquirySnapshot:
        """One inquiry, masked."""
        self._require(actor, READ)
        with self.db.read() as session:
            return self._view(self._load(session, inquiry_id, actor), actor)

    def find(self, filters: InquiryFilter, actor: Actor, *, offset: int, limit: int) -> Page:
        """Inquiries matching the filters, newest first."""
        self._require(actor, READ)
        now = self.clock()
        query = filtered(filters, actor, now, self._due_soon_limit(now))
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            offset = min(offset, MAX_OFFSET)
            rows = session.scalars(query.order_by(Inquiry.id.desc()).offset(offset).limit(limit)).all()
            return Page(items=[self._view(r, actor) for r in rows], total=total)

    def events(self, inquiry_id: int, actor: Actor) -> list[EventSnapshot]:
        """The inquiry's history, oldest first."""
        self._require(actor, READ)
        with self.db.read() as session:
            inquiry = self._load(session, inquiry_id, actor)
            rows = session.scalars(
                select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id)
            )
            person = citizen_of(inquiry)
            return [present_event(e, person) for e in rows]

    def reveal(self, inquiry_id: int, reason: str, actor: Actor) -> Citizen:
        """The citizen's personal data in full; the read is written to the audit log."""
        self._require(actor, PII)
        with self.db.unit_of_work() as session:
            inquiry = self._load(session, inquiry_id, actor)
            person = (inquiry.citizen_name, inquiry.citizen_phone, inquiry.citizen_id_number)
            return audit.reveal(
                AuditRepository(session), actor, ("inquiry", inquiry.id), person, reason, self.clock()
            )

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
        with self.db.read() as session:
            return knowledge.published_replies(session, actor, text, self.clock(), limit)

    def sweep_overdue(self, actor: Actor, limit: int = 500) -> int:
        """督办 every overdue inquiry not yet escalated since its deadline passed; returns how many."""
        now = self.clock()
        later_escalation = (
            select(InquiryEvent.id)
            .where(
                InquiryEvent.inquiry_id == Inquiry.id,
                InquiryEvent.action == Action.ESCALATE.value,
                InquiryEvent.created_at >= Inquiry.due_at,
            )
            .exists()
        )
        with self.db.read() as session:
            ids = session.scalars(
                filtered(InquiryFilter(overdue=True), actor, now, now)
                .where(~later_escalation)
                .with_only_columns(Inquiry.id)
                .order_by(Inquiry.due_at)
                .limit(limit)
            ).all()
        done = 0
        for inquiry_id in ids:
            try:
                self.act(inquiry_id, Action.ESCALATE, {"reason": "超期自动督办"}, actor)
                done += 1
            except (InvalidTransition, NotFound):
                continue  # handled or closed meanwhile
        return done

    def _due_soon_limit(self, now: datetime) -> datetime:
        return self.calendar.add_workdays(now, self.settings.deadlines.due_soon_workdays).at

    # ---- lifecycle actions --------------------------------------------------------------------

    def act(self, inquiry_id: int, action: Action, data: Mapping[str, Any], actor: Actor) -> InquirySnapshot:
        """Apply one lifecycle action, checked against the transition table and its guards."""
        self._require(actor, act(action))
        with self.db.unit_of_work() as session:
            inquiry = self._load(session, inquiry_id, actor, for_update=True)
            now = self.clock()
            current = Status(inquiry.status)
            if not self._may_act(inquiry, actor):
                raise Forbidden("only the lead department (主办单位) may act on this inquiry")
            target = lifecycle.next_status(current, action)
            available = self._available(inquiry, now)
            if target is None or action not in available:
                reason = self._guard_reason(inquiry, action, now) if target is not None else None
                raise InvalidTransition(current.value, action.value, [a.value for a in available], reason)
            extra = self._apply(session, inquiry, action, data, now)
            inquiry.status = target.value
            inquiry.updated_at = now
            rows = InquiryRows()
            event = self._record(
                rows,
                inquiry,
                action.value,
                current.value,
                actor,
                note=data.get("note") or data.get("reason"),
                data=extra,
                now=now,
            )
            interconnect.announce(rows, self.settings, inquiry, event, now)
            rows.write(session)
            log.info("inquiry %s id=%s %s -> %s", action.value, inquiry.id, current.value, target.value)
            return self._view(inquiry, actor)

    def _apply(
        self, session: Session, inquiry: Inquiry, action: Action, data: Mapping[str, Any], now: datetime
    ) -> dict[str, Any]:
        """Change the record for an action; returns what the event should remember."""
        policy = self.settings.deadlines
        if action is Action.DISPATCH:
            lead = data["department"]
            co = [c for c in dict.fromkeys(data.get("co_departments") or []) if c != lead]
            for field, codes in (("department", [lead]), ("co_departments", co)):
                unknown = [c for c in codes if self.settings.department(c) is None]
                if unknown:
                    raise InvalidInput(field, f"unknown department code: {', '.join(unknown)}")
            self._dispatch(session, inquiry, lead, co, now)
            return {"department": lead, "co_departments": co, "due_at": beijing_iso(inquiry.due_at)}
        if action is Action.RETURN:
            previous = inquiry.department_code
            inquiry.department_code = None
            inquiry.co_departments.clear()
            inquiry.due_at = None
            inquiry.dispatched_at = None
            return {"department": previous}
        if action is Action.REQUEST_EXTENSION:
            days = int(data["workdays"])
            if days > policy.max_extension_workdays:
                raise InvalidInput(
                    "workdays", f"an extension may add at most {policy.max_extension_workdays} working days"
                )
            inquiry.extension_workdays = days
            return {"workdays": days}
        if action is Action.APPROVE_EXTENSION:
            days = inquiry.extension_workdays or 0
            old = inquiry.due_at
            if old is not None:
                deadline = self.calendar.add_workdays(old, days)
                inquiry.due_at = deadline.at
                inquiry.calendar_estimated = inquiry.calendar_estimated or deadline.estimated
            inquiry.extension_workdays = None
            return {
                "workdays": days,
                "old_due_at": beijing_iso(old),
                "due_at": beijing_iso(inquiry.due_at),
            }
        if action is Action.REFUSE_EXTENSION:
            inquiry.extension_workdays = None
            return {}
        if action is Action.REPLY:
            inquiry.reply_note = data["note"]
            inquiry.public_reply = data.get("public_reply")
            inquiry.replied_at = now
            return {"public_reply": inquiry.public_reply}
        if action is Action.CALLBACK:
            inquiry.satisfaction = Satisfaction(data["satisfaction"]).value
            inquiry.solved = bool(data["solved"])
            return {"satisfaction": inquiry.satisfaction, "solved": inquiry.solved}
        if action is Action.CLOSE:
            inquiry.closed_at = now
            return {}
        if action is Action.REOPEN:
            inquiry.closed_at = None
            inquiry.satisfaction = None
            inquiry.solved = None
            inquiry.reply_note = None
            inquiry.public_reply = None
            inquiry.replied_at = None
            if inquiry.department_code:
                self._set_deadline(inquiry, now)
            return {"department": inquiry.department_code, "due_at": beijing_iso(inquiry.due_at)}
        if action is Action.ESCALATE:
            inquiry.escalation_count += 1
            return {"escalation_count": inquiry.escalation_count}
        return {}  # acknowledge: the status change says it all

    def _dispatch(
        self, session: Session | None, inquiry: Inquiry, lead: str, co: list[str], now: datetime
    ) -> None:
        """Set the lead, co-departments and deadline (session: None for an inquiry not yet written)."""
        inquiry.department_code = lead
        if inquiry.co_departments:
            inquiry.co_departments.clear()
            if session is not None:
                session.flush()  # delete the old rows first: re-adding the same department must not collide
        inquiry.co_departments.extend(InquiryCoDepartment(department_code=c) for c in co)
        inquiry.dispatched_at = now
        inquiry.status = Status.DISPATCHED.value
        self._set_deadline(inquiry, now)

    def _set_deadline(self, inquiry: Inquiry, start: datetime) -> None:
        deadline = self.calendar.add_workdays(start, self.settings.deadlines.workdays[inquiry.kind])
        inquiry.due_at = deadline.at
        inquiry.calendar_estimated = deadline.estimated

    def _facts(self, inquiry: Inquiry) -> guards.Facts:
        return guards.Facts(
            Status(inquiry.status), inquiry.dispatched_at, inquiry.due_at, inquiry.satisfaction
        )

    def _guard_reason(self, inquiry: Inquiry, action: Action, now: datetime) -> str | None:
        window = self.settings.deadlines.return_window_workdays
        return guards.refusal(self._facts(inquiry), action, now, self.calendar, window)

    def _available(self, inquiry: Inquiry, now: datetime) -> list[Action]:
        window = self.settings.deadlines.return_window_workdays
        return guards.available(self._facts(inquiry), now, self.calendar, window)

    # ---- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _record(
        rows: InquiryRows,
        inquiry: Inquiry,
        action: str,
        from_status: str | None,
        actor: Actor,
        *,
        note: str | None,
        data: dict[str, Any],
        now: datetime,
    ) -> interconnect.Happened:
        rows.event(
            inquiry_id=inquiry.id,
            action=action,
            from_status=from_status,
            to_status=inquiry.status,
            actor=actor.name,
            actor_role=actor.role,
            note=note,
            data=data,
            created_at=now,
        )
        return interconnect.Happened(action, note, data)

    def _load(self, session: Session, inquiry_id: int, actor: Actor, for_update: bool = False) -> Inquiry:
        query = select(Inquiry).where(Inquiry.id == inquiry_id)
        if for_update:
            query = query.with_for_update()
        inquiry = session.scalar(query)
        if inquiry is None or not self._visible(inquiry, actor):
            raise NotFound(f"inquiry {inquiry_id} not found")
        return inquiry

    @staticmethod
    def _visible(inquiry: Inquiry, actor: Actor) -> bool:
        departments = [inquiry.department_code, *(c.department_code for c in inquiry.co_departments)]
        return actor.scope.admits(inquiry.channel, inquiry.forwarded_to, departments)

    @staticmethod
    def _may_act(inquiry: Inquiry, actor: Actor) -> bool:
        # A department acts only as the lead (主办); a co-department (协办) may read the inquiry, no more.
        return actor.acts_on(inquiry.department_code)

    @staticmethod
    def _require(actor: Actor, permission: str) -> None:
        if not actor.can(permission):
            raise Forbidden(f"role '{actor.role}' may not {permission}")

    def _view(self, inquiry: Inquiry, actor: Actor) -> InquirySnapshot:
        now = self.clock()
        state = guards.deadline_state(self._facts(inquiry), now, self._due_soon_limit(now))
        may_act = self._may_act(inquiry, actor)
        allowed = [a.value for a in self._available(inquiry, now) if may_act and actor.can(act(a))]
        return present(inquiry, state, allowed)
