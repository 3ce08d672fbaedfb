"""How applications look to callers: applicant masked, tasks listed, flags derived."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain.access import APP_ACCEPT, Actor
from gateway.domain.applications import AppStatus, rectification_allowed, window_allowed
from gateway.domain.disclosure import NOBODY, redact
from gateway.domain.pii import Person, mask_id_number, mask_name, mask_phone
from gateway.persistence.application_models import Application, ApplicationEvent, Evaluation, Rectification
from gateway.services.applications.schedule import Schedule
from gateway.services.records import picked


def application(app: Application, actor: Actor, schedule: Schedule, now: datetime) -> dict[str, Any]:
    """One application as the API shows it to this actor (the window's actions only to window staff)."""
    pickup_overdue = bool(
        app.status == AppStatus.READY.value and app.ready_at and app.ready_at < schedule.pickup_cutoff(now)
    )
    allowed = [a.value for a in window_allowed(AppStatus(app.status))] if actor.can(APP_ACCEPT) else []
    return {
        "id": app.id,
        "receipt_no": app.receipt_no,
        "title": app.title,
        "joint": app.joint,
        "status": app.status,
        "applicant": _masked(app),
        "window": app.window,
        "accepted_by": app.accepted_by,
        "proxy": app.proxy,
        "incomplete": app.incomplete,
        "supplement_due_at": app.supplement_due_at,
        "supplement_overdue": bool(app.incomplete and app.supplement_due_at and app.supplement_due_at < now),
        "supplemented_at": app.supplemented_at,
        "promised_at": app.promised_at,
        "calendar_estimated": app.calendar_estimated,
        "decided_at": app.decided_at,
        "decision_reason": app.decision_reason,
        "refused_by": app.refused_by,
        "delivery_method": app.delivery_method,
        "ready_at": app.ready_at,
        "pickup_overdue": pickup_overdue,
        "tracking_no": app.tracking_no,
        "collected_by": mask_name(app.collected_by),
        "delivered_at": app.delivered_at,
        "created_at": app.created_at,
        "updated_at": app.updated_at,
        "tasks": [
            {
                "id": t.id,
                "item_code": t.item_code,
                "item_name": t.item_name,
                "department": t.department_code,
                "department_name": t.department_name,
                "status": t.status,
                "promised_days": t.promised_days,
                "materials": list(t.materials),
                "reason": t.reason,
                "result_no": t.result_no,
                "decided_at": t.decided_at,
            }
            for t in app.tasks
        ],
        "allowed_actions": allowed,
    }


# The keys of each, in the order callers see them; all but a few are the row's columns of those names.
_EVENT = (
    "id", "action", "task_id", "from_status", "to_status", "actor", "actor_role", "proxy", "note", "data",
    "created_at",
)  # fmt: skip
_EVALUATION = ("id", "application_id", "level", "score", "comment", "department", "created_at")
_RECTIFICATION = (
    "id", "evaluation_id", "application_id", "department", "status", "due_at", "overdue", "measures",
    "callback_note", "callback_satisfied", "callback_at", "callback_by", "closed_at", "closed_by",
    "created_at", "allowed_actions",
)  # fmt: skip


def event(e: ApplicationEvent) -> dict[str, Any]:
    """One stored step."""
    return picked(e, _EVENT, data=dict(e.data or {}))


def evaluation(e: Evaluation) -> dict[str, Any]:
    """A 好差评 rating."""
    return picked(e, _EVALUATION, department=e.department_code)


def rectification(
    r: Rectification, now: datetime, rated: tuple[Evaluation, Application] | None = None
) -> dict[str, Any]:
    """A rectification task; with `rated`, the rating that opened it and the application (applicant
    masked). Its free text (the rating's comment, the 回访 record, the measures) is shown without the
    applicant's data, as everywhere else: an applicant often says who they are and how to call back."""
    person = applicant_of(rated[1]) if rated is not None else NOBODY
    view = picked(
        r,
        _RECTIFICATION,
        department=r.department_code,
        overdue=r.status != "closed" and r.due_at < now,
        allowed_actions=rectification_allowed(r.status),
        measures=redact(r.measures, person),
        callback_note=redact(r.callback_note, person),
    )
    if rated is not None:
        rating, app = rated
        view["rating"] = {**evaluation(rating), "comment": redact(rating.comment, person)}
        view["application"] = {
            "id": app.id,
            "receipt_no": app.receipt_no,
            "title": app.title,
            "items": [t.item_name for t in app.tasks],
            "applicant": _masked(app),
            "window": app.window,
            "delivered_at": app.delivered_at,
        }
    return view


def applicant_of(app: Application) -> Person:
    """The application's applicant, whom no free text shown to staff may carry in full."""
    return Person(app.applicant_name, app.applicant_phone, app.applicant_id_number)


def _masked(app: Application) -> dict[str, Any]:
    """The applicant as everyone sees them by default (a reveal shows them in full, audited)."""
    return {
        "name": mask_name(app.applicant_name),
        "phone": mask_phone(app.applicant_phone),
        "id_number": mask_id_number(app.applicant_id_number),
        "masked": True,
    }
