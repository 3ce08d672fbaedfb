"""What every step of the window flow shares: who may, finding the application, recording a step, and
the application following its tasks (one refusal decides a joint one; 即办件 are handed out at once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain import applications as rules
from gateway.domain.access import Actor
from gateway.domain.applications import AppAction, AppStatus, TaskStatus
from gateway.domain.errors import NotFound
from gateway.persistence.application_models import Application, ApplicationEvent
from gateway.persistence.repositories.applications import ApplicationRepository
from gateway.services.applications import outbound
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import UnitOfWork

STILL_WITH_DEPARTMENT = (TaskStatus.SUBMITTED, TaskStatus.UNDER_REVIEW, TaskStatus.CORRECTION)


def load(apps: ApplicationRepository, app_id: int, actor: Actor, *, for_update: bool = False) -> Application:
    """The application, if it exists and the actor may see it (a department sees those it has a task in)."""
    app = apps.get(app_id, for_update=for_update)
    if app is None or (
        actor.role == "department" and actor.department_code not in {t.department_code for t in app.tasks}
    ):
        raise NotFound(f"application {app_id} not found")
    return app


def record(
    apps: ApplicationRepository,
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
    """Store one step of the application's history."""
    apps.add_event(
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


def settle(uow: UnitOfWork, schedule: Schedule, app: Application, actor: Actor, now: datetime) -> None:
    """Decide the application when its tasks allow; withdraw the rest after a refusal."""
    if AppStatus(app.status) not in rules.OPEN:
        return
    decision = rules.decide([(t.department_code, TaskStatus(t.status), t.reason) for t in app.tasks])
    if decision.action is None:
        return
    if decision.action is AppAction.REFUSE:
        app.refused_by, app.decision_reason = decision.department, decision.reason
        why = f"联办事项被{decision.department}不予受理: {decision.reason}"
        for task in app.tasks:
            if TaskStatus(task.status) in STILL_WITH_DEPARTMENT:
                task.status, task.updated_at = TaskStatus.WITHDRAWN.value, now
                outbound.task_withdrawn(uow.outbox, app, task, why, now)
    app.decided_at = now
    follow(uow, schedule, app, decision.action, actor, now, note=decision.reason)
    if all(t.promised_days == 0 for t in app.tasks) and app.status == AppStatus.GRANTED.value:
        # 即办件: handed out at the same window, at once.
        app.ready_at = now
        follow(uow, schedule, app, AppAction.PREPARE, actor, now, note="即办件当场办结")


def follow(
    uow: UnitOfWork,
    schedule: Schedule,
    app: Application,
    action: AppAction,
    actor: Actor,
    now: datetime,
    note: str | None = None,
    materials: list[str] | None = None,
) -> None:
    """Move the application on after what its tasks did, when the table allows; the window hears."""
    current = AppStatus(app.status)
    target = rules.app_next(current, action)
    if target is None:
        return  # e.g. a second department starting review while the first asked for correction
    app.status, app.updated_at = target.value, now
    record(
        uow.applications,
        app,
        action.value,
        current.value,
        actor,
        note=note,
        now=now,
        data={"materials": materials} if materials else {},
    )
    outbound.status_changed(uow.outbox, schedule, app, action.value, now, reason=note, materials=materials)
