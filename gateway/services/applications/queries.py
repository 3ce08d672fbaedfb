"""Reading applications: the list by filter, one application's history, and the applicant in full
(audited)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gateway.domain.access import Actor
from gateway.domain.applications import ApplicationFilter
from gateway.domain.clock import Clock
from gateway.services import audit
from gateway.services.applications import flow, snapshots
from gateway.services.applications.schedule import Schedule
from gateway.services.ports import UnitOfWork
from gateway.services.snapshots import Citizen, Page


def page(
    uow: UnitOfWork,
    schedule: Schedule,
    clock: Clock,
    f: ApplicationFilter,
    actor: Actor,
    *,
    offset: int,
    limit: int,
) -> Page:
    """Applications, newest first; a department sees only those it has a task in."""
    now = clock()
    if actor.role == "department":
        f = replace(f, department=actor.department_code)
    rows, total = uow.applications.find(
        f, now=now, pickup_cutoff=schedule.pickup_cutoff(now), offset=offset, limit=limit
    )
    return Page([snapshots.application(r, actor, schedule, clock()) for r in rows], total)


def history(uow: UnitOfWork, app_id: int, actor: Actor) -> list[dict[str, Any]]:
    """The application's stored steps, oldest first."""
    flow.load(uow.applications, app_id, actor)
    return [snapshots.event(e) for e in uow.applications.events(app_id)]


def reveal(uow: UnitOfWork, app_id: int, reason: str, actor: Actor, clock: Clock) -> Citizen:
    """The applicant's name, phone and ID number in full; the read goes to the audit log."""
    app = flow.load(uow.applications, app_id, actor)
    person = (app.applicant_name, app.applicant_phone, app.applicant_id_number)
    return audit.reveal(uow.audit, actor, ("application", app.id), person, reason, clock())
