"""前台综合受理: accepting an application at any window, for one item or several (一件事, 部门联办), with
material owed (容缺受理) where the item allows it; each item's task goes to its department."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.domain import applications as rules
from gateway.domain.access import Actor
from gateway.domain.applications import AppStatus, TaskStatus
from gateway.domain.calendar import SHANGHAI
from gateway.domain.errors import InvalidInput
from gateway.persistence.application_models import Application, ApplicationTask
from gateway.persistence.catalog_models import ServiceItem
from gateway.services.applications import flow, outbound
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import UnitOfWork

Checklists = dict[str, list[dict[str, Any]]]


def accept(
    uow: UnitOfWork, schedule: Schedule, data: Mapping[str, Any], actor: Actor, now: datetime
) -> Application:
    """Store a new application and send its tasks to the departments (即办件 are decided at once)."""
    codes: list[str] = list(dict.fromkeys(data["item_codes"]))
    provided: Mapping[str, list[str]] = data.get("materials") or {}
    items = uow.applications.service_items(codes)
    unknown = [c for c in codes if c not in items or items[c].retired]
    if unknown:
        raise InvalidInput("item_codes", f"no such item in the catalog (or retired): {', '.join(unknown)}")
    stray = [c for c in provided if c not in items]
    if stray:
        raise InvalidInput("materials", f"materials given for items not applied for: {', '.join(stray)}")
    checklists, incomplete = check_materials(items, codes, provided)
    app = _new_application(data, actor, [items[c] for c in codes], incomplete, now)
    if incomplete:
        app.supplement_due_at = schedule.supplement_due(now)
    promised = [schedule.promised(now, items[c].promised_days) for c in codes]
    app.promised_at = max(p.at for p in promised)
    app.calendar_estimated = any(p.estimated for p in promised)
    for code in codes:
        app.tasks.append(_task(items[code], checklists[code], now))
    uow.applications.add(app)
    uow.flush()
    app.receipt_no = receipt_no(app.id, now)
    data_logged = {"items": codes, "incomplete": incomplete}
    flow.record(uow.applications, app, "accept", None, actor, note=None, now=now, data=data_logged)
    for task in app.tasks:
        if task.promised_days == 0:
            # 即办件: decided at the window, nothing for the back office to review.
            task.status, task.decided_at = TaskStatus.GRANTED.value, now
        else:
            # 后台分类审批: the task goes to its department's back office through the outbox.
            promised_at = schedule.promised(now, task.promised_days).at
            outbound.task_submitted(uow.outbox, app, task, promised_at, now)
    flow.settle(uow, schedule, app, actor, now)
    return app


def check_materials(
    items: Mapping[str, ServiceItem], codes: list[str], provided: Mapping[str, list[str]]
) -> tuple[Checklists, bool]:
    """Each item's checklist with what was ticked, and whether any is owed; refuses what no rule allows
    to be missing."""
    checklists: Checklists = {}
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


def receipt_no(app_id: int, now: datetime) -> str:
    """受理编号: 'SL' + the Beijing date + an 8-digit sequence; sorts by date, then by acceptance order."""
    return f"SL{now.astimezone(SHANGHAI):%Y%m%d}{app_id:08d}"


def _new_application(
    data: Mapping[str, Any], actor: Actor, items: list[ServiceItem], incomplete: bool, now: datetime
) -> Application:
    """The application's row as accepted: several departments, or several items, make it joint."""
    applicant = data["applicant"]
    return Application(
        title=data.get("title") or "、".join(i.name for i in items),
        joint=len({i.department_code or i.department_name for i in items}) > 1 or len(items) > 1,
        status=AppStatus.ACCEPTED.value,
        applicant_name=applicant["name"],
        applicant_phone=applicant["phone"],
        applicant_id_number=applicant.get("id_number"),
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


def _task(item: ServiceItem, checklist: list[dict[str, Any]], now: datetime) -> ApplicationTask:
    """One item's task for its department (XZFW when the item names none)."""
    return ApplicationTask(
        item_code=item.item_code,
        item_name=item.name,
        department_code=item.department_code or "XZFW",
        department_name=item.department_name,
        status=TaskStatus.SUBMITTED.value,
        promised_days=item.promised_days,
        materials=checklist,
        updated_at=now,
    )
