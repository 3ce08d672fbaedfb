"""What the window flow tells other systems through the outbox: the departments' back offices (后台分类审批)
hear of tasks, supplements and withdrawals; the window system hears every status change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain import messages
from gateway.domain.applications import AppAction
from gateway.domain.calendar import beijing_iso
from gateway.persistence.application_models import Application, ApplicationTask
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.services import outbox
from gateway.services.applications.schedule import Schedule


def task_submitted(
    box: OutboxRepository, app: Application, task: ApplicationTask, promised_at: datetime, now: datetime
) -> None:
    """A task goes to its department's back office, with the applicant and the materials checklist."""
    payload = {
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
        "promised_at": beijing_iso(promised_at),
        "accepted_at": beijing_iso(now),
        "window": app.window,
        "proxy": app.proxy,
        "joint": app.joint,
    }
    _to_department(box, app, messages.TASK_SUBMITTED, payload, f"app{app.id}-task{task.id}-submitted", now)


def material_supplemented(
    box: OutboxRepository,
    app: Application,
    task: ApplicationTask,
    names: list[str],
    note: str | None,
    now: datetime,
) -> None:
    """The department hears which materials the applicant has brought for its task (容缺/补正)."""
    payload = {
        "task_id": task.id,
        "receipt_no": app.receipt_no,
        "item_code": task.item_code,
        "department": task.department_code,
        "materials": [{"name": n, "provided": True} for n in names],
        "note": note,
        "at": beijing_iso(now),
    }
    key = f"app{app.id}-task{task.id}-supplement-{now.timestamp():.6f}"
    _to_department(box, app, messages.SUPPLEMENT, payload, key, now)


def task_withdrawn(
    box: OutboxRepository, app: Application, task: ApplicationTask, reason: str, now: datetime
) -> None:
    """A department's task is withdrawn because another department refused the joint application."""
    payload = {
        "task_id": task.id,
        "receipt_no": app.receipt_no,
        "department": task.department_code,
        "reason": reason,
        "at": beijing_iso(now),
    }
    _to_department(box, app, messages.WITHDRAWN, payload, f"app{app.id}-task{task.id}-withdrawn", now)


def status_changed(
    box: OutboxRepository,
    schedule: Schedule,
    app: Application,
    action: str,
    now: datetime,
    *,
    reason: str | None = None,
    materials: list[str] | None = None,
) -> None:
    """The window system hears every status change (补正 and 待取件 mean calling the applicant)."""
    correction = action == AppAction.REQUEST_CORRECTION.value
    due_at = schedule.supplement_due(now) if correction else None
    outbox.enqueue(
        box,
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
            "due_at": beijing_iso(due_at),
            "tracking_no": app.tracking_no,
        },
        idempotency_key=f"app{app.id}-{action}-{app.status}-{now.timestamp():.6f}",
        now=now,
    )


def _to_department(
    box: OutboxRepository, app: Application, event_type: str, payload: dict[str, Any], key: str, now: datetime
) -> None:
    """One message to a department's back office, in order with the application's others."""
    outbox.enqueue(
        box,
        target="department",
        event_type=event_type,
        ordering_key=f"application:{app.id}:department",
        payload=payload,
        idempotency_key=key,
        now=now,
    )
