"""办件 use cases: accept at any window, follow the departments' review, deliver at one window."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gateway.config import Settings
from gateway.domain.access import APP_ACCEPT, APP_READ, APP_REVIEW, PII, Actor, require
from gateway.domain.applications import AppAction, ApplicationFilter
from gateway.domain.calendar import WorkdayCalendar
from gateway.domain.clock import Clock
from gateway.persistence.application_models import Application
from gateway.services.applications import flow, intake, queries, review, snapshots, window
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import Transactions
from gateway.services.snapshots import Citizen, Page

log = logging.getLogger(__name__)


class ApplicationService:
    """The window flow."""

    def __init__(self, db: Transactions, settings: Settings, calendar: WorkdayCalendar, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.schedule = Schedule(calendar, settings.applications)
        self.clock = clock

    # ---- 前台综合受理 ---------------------------------------------------------------------------

    def accept(self, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """Accept an application for one item or several (一件事) at any window."""
        require(actor, APP_ACCEPT)
        now = self.clock()
        with self.db.writing() as uow:
            app = intake.accept(uow, self.schedule, data, actor, now)
            log.info(
                "application accepted id=%s items=%s incomplete=%s", app.id, len(app.tasks), app.incomplete
            )
            return self._view(app, actor)

    # ---- reading --------------------------------------------------------------------------------

    def get(self, app_id: int, actor: Actor) -> dict[str, Any]:
        """One application, applicant masked."""
        require(actor, APP_READ)
        with self.db.reading() as uow:
            return self._view(flow.load(uow.applications, app_id, actor), actor)

    def find(self, f: ApplicationFilter, actor: Actor, *, offset: int, limit: int) -> Page:
        """Applications, newest first."""
        require(actor, APP_READ)
        with self.db.reading() as uow:
            return queries.page(uow, self.schedule, self.clock, f, actor, offset=offset, limit=limit)

    def reveal(self, app_id: int, reason: str, actor: Actor) -> Citizen:
        """The applicant's name, phone and ID number in full; the read is written to the audit log."""
        require(actor, APP_READ)
        require(actor, PII)
        with self.db.writing() as uow:
            return queries.reveal(uow, app_id, reason, actor, self.clock)

    def events(self, app_id: int, actor: Actor) -> list[dict[str, Any]]:
        """The application's history, oldest first."""
        require(actor, APP_READ)
        with self.db.reading() as uow:
            return queries.history(uow, app_id, actor)

    # ---- the window's later steps ---------------------------------------------------------------

    def act(self, app_id: int, action: AppAction, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """补正/容缺 supplement, prepare for pickup, pickup, post: checked against the table."""
        require(actor, APP_ACCEPT)
        now = self.clock()
        with self.db.writing() as uow:
            return self._view(window.act(uow, self.schedule, app_id, action, data, actor, now), actor)

    # ---- 后台分类审批: the departments report ---------------------------------------------------

    def task_status(self, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
        """A department's status for its task; the application follows (one refusal decides a joint one)."""
        require(actor, APP_REVIEW)
        now = self.clock()
        with self.db.writing() as uow:
            return self._view(review.report(uow, self.schedule, data, actor, now), actor)

    def _view(self, app: Application, actor: Actor) -> dict[str, Any]:
        """The snapshot handed back, as of now."""
        return snapshots.application(app, actor, self.schedule, self.clock())
