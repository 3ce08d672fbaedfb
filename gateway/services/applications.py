"""办件 use cases: accept at any window, follow the departments' review, deliver at one window."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.domain import applications as rules
from gateway.domain import messages
from gateway.domain.access import APP_ACCEPT, APP_READ, APP_REVIEW, PII, Actor
from gateway.domain.applications import AppAction, AppStatus, TaskStatus
from gateway.domain.calendar import SHANGHAI, WorkdayCalendar, beijing_iso
from gateway.domain.clock import Clock
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.persistence.application_models import Application, ApplicationEvent, ApplicationTask
from gateway.persistence.catalog_models import ServiceItem
from gateway.persistence.db import Database
from gateway.persistence.repositories.audit import AuditRepository
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.services import application_snapshots as snapshots
from gateway.services import audit, outbox
from gateway.services.snapshots import Citizen, Page

log = logging.getLogger(__name__)

MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class ApplicationFilter:
    """What the list of applications may be narrowed by."""

    status: tuple[str, ...] = ()
    department: str | None = None
    item_code: str | None = None
    pickup_overdue: bool | None = None
    supplement_overdue: bool | None = None
    text: str | None = None


class ApplicationService:
    """The window flow."""

    def __init__(self, db: Database, settings: Settings, calendar: WorkdayCalendar, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.policy = settings.applications
        self.calendar = calendar
        self.clock = clock

    # ---- 前台综合受理 ---------------------------------------------------------------------------

    def accept(self, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """Accept an application for one item or several (一件事) at any window."""
        self._require(actor, APP_ACCEPT)
        codes: list[str] = list(dict.fromkeys(data["item_codes"]))
        provided: Mapping[str, list[str]] = data.get("materials") or {}
        now = self.clock()
        with self.db.unit_of_work() as session:
            items = {
                i.item_code: i
                for i in session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes)))
            }
            unknown = [c for c in codes if c not in items or items[c].retired]
            if unknown:
                raise InvalidInput(
                    "item_codes", f"no such item in the catalog (or retired): {', '.join(unknown)}"
                )
            stray = [c for c in provided if c not in items]
            if stray:
                raise InvalidInput(
                    "materials", f"materials given for items not applied for: {', '.join(stray)}"
                )
            checklists, incomplete = self._check_materials(items, codes, provided)
            app = Application(
                title=data.get("title") or "、".join(items[c].name for c in codes),
                joint=len({items[c].department_code or items[c].department_name for c in codes}) > 1
                or len(codes) > 1,
                status=AppStatus.ACCEPTED.value,
                applicant_name=data["applicant"]["name"],
                applicant_phone=data["applicant"]["phone"],
                applicant_id_number=data["applicant"].get("id_number"),
                window=data["window"],
                accepted_by=actor.name,
                proxy=data.get("proxy"),
                incomplete=incomplete,
                delivery_method=data.get("delivery_method", "pickup"),
                delivery_address=data.get("delivery_address"),
                promised_at=now,
                created_at=now,
                updated_at=now,
                tasks=[],
            )
            if incomplete:
                app.supplement_due_at = self.calendar.add_workdays(now, self.policy.supplement_workdays).at
            promised = [self.calendar.add_workdays(now, items[c].promised_days) for c in codes]
            app.promised_at = max(p.at for p in promised)
            app.calendar_estimated = any(p.estimated for p in promised)
            for code in codes:
                item = items[code]
                app.tasks.append(
                    ApplicationTask(
                        item_code=code,
                        item_name=item.name,
                        department_code=item.department_code or "XZFW",
                        department_name=item.department_name,
                        status=TaskStatus.SUBMITTED.value,
                        promised_days=item.promised_days,
                        materials=checklists[code],
                        updated_at=now,
                    )
                )
            session.add(app)
            session.flush()
            app.receipt_no = receipt_no(app.id, now)
            self._event(
                session,
                app,
                "accept",
                None,
                actor,
                note=None,
                now=now,
                data={"items": codes, "incomplete": incomplete},
            )
            for task in app.tasks:
                if task.promised_days == 0:
                    # 即办件: decided at the window, nothing for the back office to review.
                    task.status, task.decided_at = TaskStatus.GRANTED.value, now
                else:
                    self._submit(session, app, task, now)
            self._settle(session, app, actor, now)
            log.info("application accepted id=%s items=%s incomplete=%s", app.id, len(codes), incomplete)
            return self._view(session, app, actor)

    def _check_materials(
        self, items: Mapping[str, ServiceItem], codes: list[str], provided: Mapping[str, list[str]]
    ) -> tuple[dict[str, list[dict[str, Any]]], bool]:
        """Each item's checklist with what was ticked; refuses what no rule allows to be missing."""
        checklists: dict[str, list[dict[str, Any]]] = {}
        incomplete = False
        for code in codes:
            item = items[code]
            names = {m["name"] for m in item.materials}
            given = provided.get(code, [])
            strange = [n for n in given if n not in names]
            if strange:
                raise InvalidInput(f"materials.{code}", f"not on the item's checklist: {', '.join(strange)}")
            missing, key_missing = rules.missing_materials(
                ((m["name"], m["required"], m.get("key", False)) for m in item.materials), given
            )
            if missing and (not item.accepts_incomplete or key_missing):
                why = (
                    "key materials (核心要件) cannot be owed"
                    if item.accepts_incomplete
                    else "this item does not allow 容缺受理"
                )
                raise InvalidInput(
                    f"materials.{code}",
                    f"missing required material: {', '.join(key_missing or missing)} ({why})",
                )
            incomplete = incomplete or bool(missing)
            checklists[code] = [
                {
                    "name": m["name"],
                    "required": m["required"],
                    "key": m.get("key", False),
                    "provided": m["name"] in given,
                }
                for m in item.materials
            ]
        return checklists, incomplete

    # ---- reading --------------------------------------------------------------------------------

    def get(self, app_id: int, actor: Actor) -> dict[str, Any]:
        """One application, applicant masked."""
        self._require(actor, APP_READ)
        with self.db.read() as session:
            return self._view(session, self._load(session, app_id, actor), actor)

    def find(self, f: ApplicationFilter, actor: Actor, *, offset: int, limit: int) -> Page:
        """Applications, newest first."""
        self._require(actor, APP_READ)
        now = self.clock()
        query = select(Application)
        department = actor.department_code if actor.role == "department" else f.department
        if f.status:
            query = query.where(Application.status.in_(f.status))
        if department or f.item_code:
            task = exists().where(ApplicationTask.application_id == Application.id)
            if department:
                task = task.where(ApplicationTask.department_code == department)
            if f.item_code:
                task = task.where(ApplicationTask.item_code == f.item_code)
            query = query.where(task)
        if f.pickup_overdue is not None:
            late = (Application.status == AppStatus.READY.value) & (
                Application.ready_at < self._pickup_cutoff(now)
            )
            query = query.where(late if f.pickup_overdue else ~late)
        if f.supplement_overdue is not None:
            late = Application.incomplete.is_(True) & (Application.supplement_due_at < now)
            query = query.where(late if f.supplement_overdue else ~late)
        if f.text:
            pattern = f"%{f.text.replace('%', '').replace('_', '')}%"
            query = query.where(or_(Application.receipt_no.like(pattern), Application.title.like(pattern)))
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(Application.id.desc()).offset(min(offset, MAX_OFFSET)).limit(limit)
            )
            return Page([self._view(session, r, actor) for r in rows], total)

    def reveal(self, app_id: int, reason: str, actor: Actor) -> Citizen:
        """The applicant's name, phone and ID number in full; the read is written to the audit log."""
        self._require(actor, APP_READ)
        self._require(actor, PII)
        with self.db.unit_of_work() as session:
            app = self._load(session, app_id, actor)
            person = (app.applicant_name, app.applicant_phone, app.applicant_id_number)
            return audit.reveal(
                AuditRepository(session), actor, ("application", app.id), person, reason, self.clock()
            )

    def events(self, app_id: int, actor: Actor) -> list[dict[str, Any]]:
        """The application's history, oldest first."""
        self._require(actor, APP_READ)
        with self.db.read() as session:
            self._load(session, app_id, actor)
            rows = session.scalars(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == app_id)
                .order_by(ApplicationEvent.id)
            )
            return [snapshots.event(e) for e in rows]

    # ---- the window's later steps ---------------------------------------------------------------

    def act(self, app_id: int, action: AppAction, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """补正/容缺 supplement, prepare for pickup, pickup, post: checked against the table."""
        self._require(actor, APP_ACCEPT)
        if action not in rules.WINDOW_ACTIONS:
            raise Forbidden(f"'{action.value}' is reported by the department, not done at the window")
        now = self.clock()
        with self.db.unit_of_work() as session:
            app = self._load(session, app_id, actor, for_update=True)
            current = AppStatus(app.status)
            target = self._transition(app, action)
            extra: dict[str, Any] = {}
            if action is AppAction.SUPPLEMENT:
                extra = self._supplement(session, app, data, now)
            elif action is AppAction.PREPARE:
                app.ready_at = now
            elif action is AppAction.PICKUP:
                app.collected_by, app.delivered_at = data["collected_by"], now
                extra = {"collected_by": data["collected_by"]}
            elif action is AppAction.POST:
                app.tracking_no, app.delivered_at = data["tracking_no"], now
                app.delivery_method = "post"
                extra = {"tracking_no": data["tracking_no"]}
            app.status, app.updated_at = target.value, now
            self._event(
                session,
                app,
                action.value,
                current.value,
                actor,
                note=data.get("note"),
                now=now,
                data=extra,
                proxy=app.proxy,
            )
            self._notify_window(session, app, action.value, now)
            return self._view(session, app, actor)

    def _supplement(
        self, session: Session, app: Application, data: Mapping[str, Any], now: datetime
    ) -> dict[str, Any]:
        given: Mapping[str, list[str]] = data["materials"]
        by_code = {t.item_code: t for t in app.tasks}
        stray = [c for c in given if c not in by_code]
        if stray:
            raise InvalidInput("materials", f"not an item of this application: {', '.join(stray)}")
        for code, names in given.items():
            task = by_code[code]
            known = {m["name"] for m in task.materials}
            strange = [n for n in names if n not in known]
            if strange:
                raise InvalidInput(f"materials.{code}", f"not on the item's checklist: {', '.join(strange)}")
            task.materials = [{**m, "provided": m["provided"] or m["name"] in names} for m in task.materials]
            if task.status in (
                TaskStatus.SUBMITTED.value,
                TaskStatus.UNDER_REVIEW.value,
                TaskStatus.CORRECTION.value,
            ):
                if task.status == TaskStatus.CORRECTION.value:
                    task.status = TaskStatus.UNDER_REVIEW.value
                outbox.enqueue(
                    OutboxRepository(session),
                    target="department",
                    event_type=messages.SUPPLEMENT,
                    ordering_key=f"application:{app.id}:department",
                    payload={
                        "task_id": task.id,
                        "receipt_no": app.receipt_no,
                        "item_code": code,
                        "department": task.department_code,
                        "materials": [{"name": n, "provided": True} for n in names],
                        "note": data.get("note"),
                        "at": beijing_iso(now),
                    },
                    idempotency_key=f"app{app.id}-task{task.id}-supplement-{now.timestamp():.6f}",
                    now=now,
                )
        late = bool(app.supplement_due_at and now > app.supplement_due_at)
        still_owed = any(m["required"] and not m["provided"] for t in app.tasks for m in t.materials)
        if app.incomplete and not still_owed:
            app.incomplete, app.supplemented_at = False, now
        return {"materials": dict(given), "late": late, "still_owed": still_owed}

    # ---- 后台分类审批: the departments report ---------------------------------------------------

    def task_status(self, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """A department's status for its task; the application follows (one refusal decides a joint one)."""
        self._require(actor, APP_REVIEW)
        now = self.clock()
        with self.db.unit_of_work() as session:
            task = session.scalar(
                select(ApplicationTask).where(ApplicationTask.id == int(data["task_id"])).with_for_update()
            )
            if task is None:
                raise NotFound(f"task {data['task_id']} not found")
            app = self._load(session, task.application_id, actor, for_update=True)
            new = TaskStatus(data["status"])
            current_task = TaskStatus(task.status)
            if current_task is new and new is not TaskStatus.CORRECTION:
                return self._view(session, app, actor)  # a repeat of what we know
            if not rules.task_may_become(current_task, new):
                allowed = sorted(s.value for s in rules.TASK_TRANSITIONS[current_task])
                raise InvalidTransition(
                    current_task.value, new.value, allowed, "the task is not in a state for this"
                )
            task.status, task.updated_at = new.value, now
            task.reason = data.get("reason") or task.reason
            task.result_no = data.get("result_no") or task.result_no
            if new in (TaskStatus.GRANTED, TaskStatus.REFUSED):
                task.decided_at = now
            self._event(
                session,
                app,
                f"task-{new.value}",
                app.status,
                actor,
                note=data.get("reason"),
                now=now,
                data={
                    "task_id": task.id,
                    "department": task.department_code,
                    "materials": list(data.get("materials") or []),
                    "result_no": data.get("result_no"),
                },
                task_id=task.id,
                to_status=app.status,
            )
            if new is TaskStatus.UNDER_REVIEW:
                self._follow(session, app, AppAction.REVIEW, actor, now)
            elif new is TaskStatus.CORRECTION:
                self._follow(
                    session,
                    app,
                    AppAction.REQUEST_CORRECTION,
                    actor,
                    now,
                    note=data.get("reason"),
                    materials=list(data.get("materials") or []),
                )
            self._settle(session, app, actor, now)
            return self._view(session, app, actor)

    def _settle(self, session: Session, app: Application, actor: Actor, now: datetime) -> None:
        """Decide the application when its tasks allow; withdraw the rest after a refusal."""
        if AppStatus(app.status) not in rules.OPEN:
            return
        decision = rules.decide([(t.department_code, TaskStatus(t.status), t.reason) for t in app.tasks])
        if decision.action is None:
            return
        if decision.action is AppAction.REFUSE:
            app.refused_by, app.decision_reason = decision.department, decision.reason
            for task in app.tasks:
                if TaskStatus(task.status) in (
                    TaskStatus.SUBMITTED,
                    TaskStatus.UNDER_REVIEW,
                    TaskStatus.CORRECTION,
                ):
                    task.status, task.updated_at = TaskStatus.WITHDRAWN.value, now
                    outbox.enqueue(
                        OutboxRepository(session),
                        target="department",
                        event_type=messages.WITHDRAWN,
                        ordering_key=f"application:{app.id}:department",
                        payload={
                            "task_id": task.id,
                            "receipt_no": app.receipt_no,
                            "department": task.department_code,
                            "reason": f"联办事项被{decision.department}不予受理: {decision.reason}",
                            "at": beijing_iso(now),
                        },
                        idempotency_key=f"app{app.id}-task{task.id}-withdrawn",
                        now=now,
                    )
        app.decided_at = now
        self._follow(session, app, decision.action, actor, now, note=decision.reason)
        if all(t.promised_days == 0 for t in app.tasks) and app.status == AppStatus.GRANTED.value:
            # 即办件: handed out at the same window, at once.
            app.ready_at = now
            self._follow(session, app, AppAction.PREPARE, actor, now, note="即办件当场办结")

    def _follow(
        self,
        session: Session,
        app: Application,
        action: AppAction,
        actor: Actor,
        now: datetime,
        note: str | None = None,
        materials: list[str] | None = None,
    ) -> None:
        current = AppStatus(app.status)
        target = rules.app_next(current, action)
        if target is None:
            return  # e.g. a second department starting review while the first asked for correction
        app.status, app.updated_at = target.value, now
        self._event(
            session,
            app,
            action.value,
            current.value,
            actor,
            note=note,
            now=now,
            data={"materials": materials} if materials else {},
        )
        self._notify_window(session, app, action.value, now, reason=note, materials=materials)

    # ---- helpers --------------------------------------------------------------------------------

    def _transition(self, app: Application, action: AppAction) -> AppStatus:
        current = AppStatus(app.status)
        target = rules.app_next(current, action)
        if target is None:
            allowed = [a.value for a in rules.app_allowed(current) if a in rules.WINDOW_ACTIONS]
            raise InvalidTransition(current.value, action.value, allowed)
        return target

    def _submit(self, session: Session, app: Application, task: ApplicationTask, now: datetime) -> None:
        """后台分类审批: the task goes to its department's back office through the outbox."""
        promised = self.calendar.add_workdays(now, task.promised_days).at
        outbox.enqueue(
            OutboxRepository(session),
            target="department",
            event_type=messages.TASK_SUBMITTED,
            ordering_key=f"application:{app.id}:department",
            payload={
                "application_id": app.id,
                "receipt_no": app.receipt_no,
                "task_id": task.id,
                "item_code": task.item_code,
                "item_name": task.item_name,
                "department": task.department_code,
                "department_name": task.department_name,
                "applicant": {
                    "name": app.applicant_name,
                    "phone": app.applicant_phone,
                    "id_number": app.applicant_id_number,
                },
                "materials": [
                    {"name": m["name"], "provided": m["provided"], "key": m["key"]} for m in task.materials
                ],
                "incomplete": any(m["required"] and not m["provided"] for m in task.materials),
                "supplement_due": beijing_iso(app.supplement_due_at),
                "promised_at": beijing_iso(promised),
                "accepted_at": beijing_iso(now),
                "window": app.window,
                "proxy": app.proxy,
                "joint": app.joint,
            },
            idempotency_key=f"app{app.id}-task{task.id}-submitted",
            now=now,
        )

    def _notify_window(
        self,
        session: Session,
        app: Application,
        action: str,
        now: datetime,
        *,
        reason: str | None = None,
        materials: list[str] | None = None,
    ) -> None:
        """The window system hears every status change (补正 and 待取件 mean calling the applicant)."""
        correction = action == AppAction.REQUEST_CORRECTION.value
        due = self.calendar.add_workdays(now, self.policy.supplement_workdays).at if correction else None
        outbox.enqueue(
            OutboxRepository(session),
            target="window",
            event_type=messages.APPLICATION_STATUS,
            ordering_key=f"application:{app.id}:window",
            payload={
                "application_id": app.id,
                "receipt_no": app.receipt_no,
                "title": app.title,
                "status": app.status,
                "action": action,
                # 补正: the department's reason and the materials it asked for, and by when.
                "reason": reason if correction else app.decision_reason,
                "refused_by": app.refused_by,
                "window": app.window,
                "at": beijing_iso(now),
                "materials": list(materials or []) if correction else [],
                "due_at": beijing_iso(due),
                "tracking_no": app.tracking_no,
            },
            idempotency_key=f"app{app.id}-{action}-{app.status}-{now.timestamp():.6f}",
            now=now,
        )

    def _event(
        self,
        session: Session,
        app: Application,
        action: str,
        from_status: str | None,
        actor: Actor,
        *,
        note: str | None,
        now: datetime,
        data: dict[str, Any],
        proxy: str | None = None,
        task_id: int | None = None,
        to_status: str | None = None,
    ) -> None:
        session.add(
            ApplicationEvent(
                application_id=app.id,
                task_id=task_id,
                action=action,
                from_status=from_status,
                to_status=to_status or app.status,
                actor=actor.name,
                actor_role=actor.role,
                proxy=proxy,
                note=note,
                data=data,
                created_at=now,
            )
        )

    def _load(self, session: Session, app_id: int, actor: Actor, for_update: bool = False) -> Application:
        query = select(Application).where(Application.id == app_id)
        if for_update:
            query = query.with_for_update()
        app = session.scalar(query)
        if app is None or (
            actor.role == "department" and actor.department_code not in {t.department_code for t in app.tasks}
        ):
            raise NotFound(f"application {app_id} not found")
        return app

    def _pickup_cutoff(self, now: datetime) -> datetime:
        """Results ready before this moment have waited longer than pickup_workdays."""
        return self.calendar.waited_longer_than(now, self.policy.pickup_workdays)

    def _view(self, session: Session, app: Application, actor: Actor) -> dict[str, Any]:
        now = self.clock()
        pickup_overdue = bool(
            app.status == AppStatus.READY.value and app.ready_at and app.ready_at < self._pickup_cutoff(now)
        )
        allowed = [a.value for a in rules.app_allowed(AppStatus(app.status)) if a in rules.WINDOW_ACTIONS]
        return snapshots.application(app, now, pickup_overdue, allowed if actor.can(APP_ACCEPT) else [])

    @staticmethod
    def _require(actor: Actor, permission: str) -> None:
        if not actor.can(permission):
            raise Forbidden(f"role '{actor.role}' may not {permission}")


def receipt_no(app_id: int, now: datetime) -> str:
    """受理编号: 'SL' + the Beijing date + an 8-digit sequence; sorts by date, then by acceptance order."""
    return f"SL{now.astimezone(SHANGHAI):%Y%m%d}{app_id:08d}"
