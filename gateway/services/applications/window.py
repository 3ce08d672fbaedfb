"""The window's later steps: material brought (容缺/补正 supplement), and 统一窗口出件 (prepare for pickup,
pickup, post), each checked against the table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.domain import applications as rules
from gateway.domain.access import Actor
from gateway.domain.applications import AppAction, AppStatus, TaskStatus
from gateway.domain.errors import Forbidden, InvalidInput, InvalidTransition
from gateway.persistence.application_models import Application
from gateway.services.applications import flow, outbound
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import UnitOfWork


def act(
    uow: UnitOfWork,
    schedule: Schedule,
    app_id: int,
    action: AppAction,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> Application:
    """Do one window action on the application; the window system hears of it."""
    if action not in rules.WINDOW_ACTIONS:
        raise Forbidden(f"'{action.value}' is reported by the department, not done at the window")
    app = flow.load(uow.applications, app_id, actor, for_update=True)
    current = AppStatus(app.status)
    target = rules.app_next(current, action)
    if target is None:
        allowed = [a.value for a in rules.window_allowed(current)]
        raise InvalidTransition(current.value, action.value, allowed)
    extra: dict[str, Any] = {}
    if action is AppAction.SUPPLEMENT:
        extra = supplement(uow, app, data, now)
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
    flow.record(
        uow.applications,
        app,
        action.value,
        current.value,
        actor,
        note=data.get("note"),
        now=now,
        data=extra,
        proxy=app.proxy,
    )
    outbound.status_changed(uow.outbox, schedule, app, action.value, now)
    return app


def supplement(uow: UnitOfWork, app: Application, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Tick the materials brought; the departments still reviewing hear, a task in 补正 goes back to
    review, and the application is complete once nothing required is owed."""
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
        if TaskStatus(task.status) in flow.STILL_WITH_DEPARTMENT:
            if task.status == TaskStatus.CORRECTION.value:
                task.status = TaskStatus.UNDER_REVIEW.value
            outbound.material_supplemented(uow.outbox, app, task, names, data.get("note"), now)
    late = bool(app.supplement_due_at and now > app.supplement_due_at)
    still_owed = any(m["required"] and not m["provided"] for t in app.tasks for m in t.materials)
    if app.incomplete and not still_owed:
        app.incomplete, app.supplemented_at = False, now
    return {"materials": dict(given), "late": late, "still_owed": still_owed}
