"""好差评 and rectification (整改): one rating per visit after delivery; a bad one opens a rectification
that needs a callback (回访) before it can close."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.config import Settings
from gateway.domain.access import APP_ACCEPT, RECTIFY, STATS, Actor, require
from gateway.domain.applications import AppStatus, rectification_allowed
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock
from gateway.domain.errors import InvalidInput, InvalidTransition, NotFound
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.application_models import Application, Evaluation, Rectification
from gateway.persistence.repositories.applications import AlreadyRated
from gateway.services.applications import flow, snapshots, statistics
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import Transactions, UnitOfWork
from gateway.services.snapshots import Page

RATED_ALREADY = "this visit has been rated already"


class EvaluationService:
    """Ratings after delivery; a bad one opens a rectification that needs a callback to close."""

    def __init__(self, db: Transactions, settings: Settings, calendar: WorkdayCalendar, clock: Clock) -> None:
        self.db = db
        self.schedule = Schedule(calendar, settings.applications)
        self.clock = clock

    def evaluate(self, app_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """One rating per visit, only after delivery (统一窗口出件)."""
        require(actor, APP_ACCEPT)
        level = Satisfaction(data["level"])
        now = self.clock()
        try:
            with self.db.writing() as uow:
                return self._rate(uow, app_id, level, data, actor, now)
        except AlreadyRated:
            raise InvalidTransition("delivered", "evaluate", [], RATED_ALREADY) from None

    def _rate(
        self,
        uow: UnitOfWork,
        app_id: int,
        level: Satisfaction,
        data: Mapping[str, Any],
        actor: Actor,
        now: datetime,
    ) -> dict[str, Any]:
        """Store the rating and its step in the history; a bad one opens a rectification."""
        app = uow.applications.get(app_id, for_update=True)
        if app is None:
            raise NotFound(f"application {app_id} not found")
        if app.status != AppStatus.DELIVERED.value:
            raise InvalidTransition(app.status, "evaluate", [], "a rating comes after delivery")
        if uow.applications.is_rated(app_id):
            raise InvalidTransition(app.status, "evaluate", [], RATED_ALREADY)
        department = _responsible(app, data.get("department"))
        rating = Evaluation(
            application_id=app_id,
            level=level.value,
            score=level.score,
            comment=data.get("comment"),
            department_code=department,
            created_at=now,
        )
        uow.applications.add_evaluation(rating)
        flow.record(
            uow.applications,
            app,
            "evaluate",
            app.status,
            actor,
            note=data.get("comment"),
            now=now,
            data={"level": level.value},
            proxy=app.proxy,
        )
        if level.is_bad:
            rectification = Rectification(
                evaluation_id=rating.id,
                application_id=app_id,
                department_code=department,
                status="open",
                due_at=self.schedule.rectification_due(now),
                created_at=now,
            )
            uow.applications.add_rectification(rectification)
        return snapshots.evaluation(rating)

    # ---- rectifications -------------------------------------------------------------------------

    def rectifications(self, actor: Actor, *, status: str | None, offset: int, limit: int) -> Page:
        """Rectification tasks with their rating and application, newest first (a department sees its
        own)."""
        require(actor, RECTIFY)
        department = actor.department_code if actor.role == "department" else None
        now = self.clock()
        with self.db.reading() as uow:
            rows, total = uow.applications.rectifications(
                department=department, status=status, offset=offset, limit=limit
            )
            rated = uow.applications.rated(rows)
            return Page([snapshots.rectification(r, now, rated.get(r.id)) for r in rows], total)

    def rectification(self, rect_id: int, actor: Actor) -> dict[str, Any]:
        """One rectification with the rating that opened it and the rated application."""
        require(actor, RECTIFY)
        now = self.clock()
        with self.db.reading() as uow:
            rect = _visible(uow.applications.rectification(rect_id), rect_id, actor)
            return snapshots.rectification(rect, now, uow.applications.rated([rect]).get(rect.id))

    def opened_by_rating(self, app_id: int, actor: Actor) -> dict[str, Any] | None:
        """The rectification the application's bad rating opened, when there is one this actor may see."""
        if not actor.can(RECTIFY):
            return None
        now = self.clock()
        with self.db.reading() as uow:
            rect = uow.applications.rectification_of(app_id)
            if rect is None or not _sees(actor, rect):
                return None
            return snapshots.rectification(rect, now, uow.applications.rated([rect]).get(rect.id))

    def callback(self, rect_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """回访: record the call to the applicant about what was done."""
        return self._change(rect_id, "callback", data, actor)

    def close(self, rect_id: int, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """Close a rectification; refused (409) until a callback is recorded."""
        return self._change(rect_id, "close", data, actor)

    def _change(self, rect_id: int, action: str, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """A callback or the closing, when the rectification's state allows it."""
        require(actor, RECTIFY)
        now = self.clock()
        with self.db.writing() as uow:
            rect = _visible(uow.applications.rectification(rect_id, for_update=True), rect_id, actor)
            allowed = rectification_allowed(rect.status)
            if action not in allowed:
                reason = (
                    "a callback (回访) must be recorded first"
                    if action == "close" and rect.status == "open"
                    else None
                )
                raise InvalidTransition(rect.status, action, allowed, reason)
            if action == "callback":
                rect.status, rect.callback_at, rect.callback_by = "called_back", now, actor.label
                rect.callback_note, rect.callback_satisfied = data["note"], data["satisfied"]
            else:
                rect.status, rect.closed_at, rect.closed_by = "closed", now, actor.label
            rect.measures = data.get("measures") or rect.measures
            return snapshots.rectification(rect, now, uow.applications.rated([rect]).get(rect.id))

    # ---- figures --------------------------------------------------------------------------------

    def stats(
        self, actor: Actor, *, group: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """Per item or department: applications, decided, on time, on-time rate, average working days,
        ratings."""
        require(actor, STATS)
        with self.db.reading() as uow:
            return statistics.figures(uow.applications, self.schedule.calendar, group, start, end)


def _visible(rect: Rectification | None, rect_id: int, actor: Actor) -> Rectification:
    """The rectification, when there is one this actor may see (a department: only its own)."""
    if rect is None or not _sees(actor, rect):
        raise NotFound(f"rectification {rect_id} not found")
    return rect


def _sees(actor: Actor, rect: Rectification) -> bool:
    """A department sees the rectifications of its own ratings; the other roles with RECTIFY all."""
    return actor.role != "department" or rect.department_code == actor.department_code


def _responsible(app: Application, named: str | None) -> str | None:
    """The department a rating is about: the one named (of this application), else the refusing one,
    else the first task's."""
    if named and named not in {t.department_code for t in app.tasks}:
        raise InvalidInput("department", "not a department of this application")
    return named or app.refused_by or (app.tasks[0].department_code if app.tasks else None)
