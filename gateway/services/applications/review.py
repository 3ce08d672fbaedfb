"""后台分类审批 and 部门联办: a department reports its task's status; the application follows (one refusal
decides a joint one, every task granted grants it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.domain import applications as rules
from gateway.domain.access import Actor
from gateway.domain.applications import AppAction, TaskStatus
from gateway.domain.errors import InvalidTransition, NotFound
from gateway.persistence.application_models import Application
from gateway.services.applications import flow
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import UnitOfWork


def report(
    uow: UnitOfWork, schedule: Schedule, data: Mapping[str, Any], actor: Actor, now: datetime
) -> Application:
    """Apply a department's status for its task (a repeat of what is known changes nothing)."""
    task = uow.applications.task(int(data["task_id"]), for_update=True)
    if task is None:
        raise NotFound(f"task {data['task_id']} not found")
    app = flow.load(uow.applications, task.application_id, actor, for_update=True)
    new = TaskStatus(data["status"])
    current_task = TaskStatus(task.status)
    if current_task is new and new is not TaskStatus.CORRECTION:
        return app  # a repeat of what we know
    if not rules.task_may_become(current_task, new):
        allowed = sorted(s.value for s in rules.TASK_TRANSITIONS[current_task])
        raise InvalidTransition(current_task.value, new.value, allowed, "the task is not in a state for this")
    materials = list(data.get("materials") or [])
    task.status, task.updated_at = new.value, now
    task.reason = data.get("reason") or task.reason
    task.result_no = data.get("result_no") or task.result_no
    if new in (TaskStatus.GRANTED, TaskStatus.REFUSED):
        task.decided_at = now
    flow.record(
        uow.applications,
        app,
        f"task-{new.value}",
        app.status,
        actor,
        note=data.get("reason"),
        now=now,
        data={
            "task_id": task.id,
            "department": task.department_code,
            "materials": materials,
            "result_no": data.get("result_no"),
        },
        task_id=task.id,
        to_status=app.status,
    )
    if new is TaskStatus.UNDER_REVIEW:
        flow.follow(uow, schedule, app, AppAction.REVIEW, actor, now)
    elif new is TaskStatus.CORRECTION:
        note = data.get("reason")
        flow.follow(uow, schedule, app, AppAction.REQUEST_CORRECTION, actor, now, note, list(materials))
    flow.settle(uow, schedule, app, actor, now)
    return app
