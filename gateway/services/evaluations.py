"""好差评 and rectification (整改), and the supervisors' figures per item and per department."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gateway.config import Settings
from gateway.domain.access import APP_ACCEPT, RECTIFY, STATS, Actor
from gateway.domain.applications import AppStatus
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.application_models import (
    Application,
    ApplicationEvent,
    ApplicationTask,
    Evaluation,
    Rectification,
)
from gateway.persistence.db import Database
from gateway.services import application_snapshots as snapshots
from gateway.services.snapshots import Page


class EvaluationService:
    """Ratings after delivery; a bad one opens a rectification that needs a callback to close."""

    def __init__(self, db: Database, settings: Settings, calendar: WorkdayCalendar, clock: Clock) -> None:
        self.db = db
        self.policy = settings.applications
        self.calendar = calendar
        self.clock = clock

    def evaluate(self, app_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """One rating per visit, only after delivery (统一窗口出件)."""
        _require(actor, APP_ACCEPT)
        level = Satisfaction(data["level"])
        now = self.clock()
        try:
            with self.db.unit_of_work() as session:
                app = session.scalar(select(Application).where(Application.id == app_id).with_for_update())
                if app is None:
                    raise NotFound(f"application {app_id} not found")
                if app.status != AppStatus.DELIVERED.value:
                    raise InvalidTransition(app.status, "evaluate", [], "a rating comes after delivery")
                if (
                    session.scalar(select(Evaluation.id).where(Evaluation.application_id == app_id))
                    is not None
                ):
                    raise InvalidTransition(app.status, "evaluate", [], "this visit has been rated already")
                department = (
                    data.get("department")
                    or app.refused_by
                    or (app.tasks[0].department_code if app.tasks else None)
                )
                if data.get("department") and data["department"] not in {
                    t.department_code for t in app.tasks
                }:
                    raise InvalidInput("department", "not a department of this application")
                rating = Evaluation(
                    application_id=app_id,
                    level=level.value,
                    score=level.score,
                    comment=data.get("comment"),
                    department_code=department,
                    created_at=now,
                )
                session.add(rating)
                session.flush()
                session.add(
                    ApplicationEvent(
                        application_id=app_id,
                        action="evaluate",
                        from_status=app.status,
                        to_status=app.status,
                        actor=actor.name,
                        actor_role=actor.role,
                        proxy=app.proxy,
                        note=data.get("comment"),
                        data={"level": level.value},
                        created_at=now,
                    )
                )
                if level.is_bad:
                    due = self.calendar.add_workdays(now, self.policy.rectification_workdays).at
                    session.add(
                        Rectification(
                            evaluation_id=rating.id,
                            application_id=app_id,
                            department_code=department,
                            status="open",
                            due_at=due,
                            created_at=now,
                        )
                    )
                return snapshots.evaluation(rating)
        except IntegrityError:
            raise InvalidTransition(
                "delivered", "evaluate", [], "this visit has been rated already"
            ) from None

    # ---- rectifications -------------------------------------------------------------------------

    def rectifications(self, actor: Actor, *, status: str | None, offset: int, limit: int) -> Page:
        """Rectification tasks, newest first (a department sees its own)."""
        _require(actor, RECTIFY)
        query = select(Rectification)
        if actor.role == "department":
            query = query.where(Rectification.department_code == actor.department_code)
        if status:
            query = query.where(Rectification.status == status)
        now = self.clock()
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(Rectification.id.desc()).offset(min(offset, 2**31 - 1)).limit(limit)
            )
            return Page([snapshots.rectification(r, now) for r in rows], total)

    def callback(self, rect_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """回访: record the call to the applicant about what was done."""
        return self._change(rect_id, "callback", data, actor)

    def close(self, rect_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """Close a rectification; refused (409) until a callback is recorded."""
        return self._change(rect_id, "close", data, actor)

    def _change(self, rect_id: int, action: str, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        _require(actor, RECTIFY)
        now = self.clock()
        with self.db.unit_of_work() as session:
            rect = session.scalar(select(Rectification).where(Rectification.id == rect_id).with_for_update())
            if rect is None or (actor.role == "department" and rect.department_code != actor.department_code):
                raise NotFound(f"rectification {rect_id} not found")
            allowed = {"open": ["callback"], "called_back": ["callback", "close"]}.get(rect.status, [])
            if action not in allowed:
                reason = (
                    "a callback (回访) must be recorded first"
                    if action == "close" and rect.status == "open"
                    else None
                )
                raise InvalidTransition(rect.status, action, allowed, reason)
            if action == "callback":
                rect.status, rect.callback_at = "called_back", now
                rect.callback_note, rect.callback_satisfied = data["note"], data["satisfied"]
                rect.measures = data.get("measures") or rect.measures
            else:
                rect.status, rect.closed_at = "closed", now
                rect.measures = data.get("measures") or rect.measures
            return snapshots.rectification(rect, now)

    # ---- figures --------------------------------------------------------------------------------

    def stats(
        self, actor: Actor, *, group: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """Per item or department: applications, decided, on time, on-time rate, average working days,
        ratings."""
        _require(actor, STATS)
        key = ApplicationTask.item_code if group == "item" else ApplicationTask.department_code
        label = ApplicationTask.item_name if group == "item" else ApplicationTask.department_name
        query = select(key, label, ApplicationTask, Application).join(
            Application, Application.id == ApplicationTask.application_id
        )
        if start:
            query = query.where(Application.created_at >= start)
        if end:
            query = query.where(Application.created_at < end)
        rows: dict[str, dict[str, Any]] = {}
        with self.db.read() as session:
            for code, name, task, app in session.execute(query):
                row = rows.setdefault(
                    code,
                    {
                        "key": code,
                        "name": name,
                        "applications": 0,
                        "decided": 0,
                        "on_time": 0,
                        "workdays_total": 0,
                        "granted": 0,
                        "refused": 0,
                    },
                )
                row["applications"] += 1
                if task.decided_at is not None:
                    row["decided"] += 1
                    row["on_time"] += int(
                        task.decided_at <= self.calendar.add_workdays(app.created_at, task.promised_days).at
                    )
                    row["workdays_total"] += self.calendar.workdays_between(app.created_at, task.decided_at)[
                        0
                    ]
                    row[
                        "granted"
                        if task.status in ("granted", "done") and app.refused_by != task.department_code
                        else "refused"
                    ] += 1
            ratings = self._ratings(session, group, start, end)
        result = []
        for code, row in sorted(rows.items()):
            decided = row["decided"]
            scores = ratings.get(code, [])
            result.append(
                {
                    "key": code,
                    "name": row["name"],
                    "applications": row["applications"],
                    "decided": decided,
                    "granted": row["granted"],
                    "refused": row["refused"],
                    "on_time": row["on_time"],
                    "on_time_rate": round(row["on_time"] / decided, 4) if decided else None,
                    "average_workdays": round(row["workdays_total"] / decided, 2) if decided else None,
                    "ratings": len(scores),
                    "average_rating": round(sum(scores) / len(scores), 2) if scores else None,
                    "bad_ratings": sum(1 for s in scores if s <= 2),
                }
            )
        return result

    def _ratings(
        self, session: Any, group: str, start: datetime | None, end: datetime | None
    ) -> dict[str, list[int]]:
        """Scores per item (each item of a rated application) or per responsible department."""
        if group == "item":
            query = select(Evaluation.score, ApplicationTask.item_code).join(
                ApplicationTask, ApplicationTask.application_id == Evaluation.application_id
            )
        else:
            query = select(Evaluation.score, Evaluation.department_code)
        if start:
            query = query.where(Evaluation.created_at >= start)
        if end:
            query = query.where(Evaluation.created_at < end)
        out: dict[str, list[int]] = {}
        for score, key in session.execute(query):
            if key is not None:
                out.setdefault(key, []).append(score)
        return out


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(f"role '{actor.role}' may not {permission}")
