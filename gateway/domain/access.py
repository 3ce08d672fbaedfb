"""Roles and what each may do."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.inquiry import Channel
from gateway.domain.lifecycle import Action

HUMAN_ROLES = ("operator", "window", "department", "supervisor", "admin")
# External systems that call in and receive messages: the inquiry channels plus the departments' back offices.
SYSTEMS = (*(c.value for c in Channel if c is not Channel.API), "department")
SYSTEM_ROLES = tuple(f"system:{name}" for name in SYSTEMS)
ROLES = HUMAN_ROLES + SYSTEM_ROLES

READ = "inquiry:read"
CREATE = "inquiry:create"
PII = "pii:read"  # may see citizens' names, phones and ID numbers in full (each read audited)
OUTBOX = "outbox:read"
OUTBOX_MANAGE = "outbox:manage"  # resend or discard dead letters
AUDIT = "audit:read"
JOBS = "jobs:read"  # sync runs and job history
APP_READ = "application:read"
APP_ACCEPT = "application:accept"  # 前台综合受理 and the window's later steps (补正, 出件, 好差评)
APP_REVIEW = "application:review"  # a department back office reporting its decision
RECTIFY = "rectification:manage"
STATS = "stats:read"


def act(action: Action) -> str:
    """The permission an inquiry action needs."""
    return f"inquiry:{action.value}"


A = Action
_OPERATOR = {READ, CREATE, PII} | {
    act(a)
    for a in (A.DISPATCH, A.REPLY, A.CALLBACK, A.CLOSE, A.REOPEN, A.APPROVE_EXTENSION, A.REFUSE_EXTENSION)
}
_DEPARTMENT = {READ, APP_READ, RECTIFY} | {
    act(a) for a in (A.ACKNOWLEDGE, A.RETURN, A.REQUEST_EXTENSION, A.REPLY)
}
_SUPERVISOR = {READ, PII, OUTBOX, OUTBOX_MANAGE, AUDIT, JOBS, APP_READ, RECTIFY, STATS} | {
    act(a)
    for a in (A.DISPATCH, A.APPROVE_EXTENSION, A.REFUSE_EXTENSION, A.ESCALATE, A.CLOSE, A.REOPEN, A.CALLBACK)
}

PERMISSIONS: dict[str, frozenset[str]] = {
    "operator": frozenset(_OPERATOR),
    "window": frozenset({READ, CREATE, PII, APP_READ, APP_ACCEPT}),
    "department": frozenset(_DEPARTMENT),
    "supervisor": frozenset(_SUPERVISOR),
    "admin": frozenset(_OPERATOR | _DEPARTMENT | _SUPERVISOR | {"keys:manage", APP_ACCEPT}),
    **{
        role: frozenset({READ, CREATE, act(A.CALLBACK)})
        for role in SYSTEM_ROLES
        if role != "system:department"
    },
    "system:department": frozenset({APP_REVIEW}),
    # The scheduler's deadline sweep: 督办 of overdue inquiries, nothing else.
    "system:scheduler": frozenset({READ, act(A.ESCALATE)}),
}


@dataclass(frozen=True)
class Actor:
    """Who is calling: a key's name, role and (for department keys) department."""

    name: str
    role: str
    department_code: str | None = None

    def can(self, permission: str) -> bool:
        """True if the role grants the permission."""
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def system(self) -> str | None:
        """The external system a system:<name> key speaks for."""
        return self.role.split(":", 1)[1] if self.role.startswith("system:") else None

    @property
    def label(self) -> str:
        """How the actor appears in events and the audit log."""
        return f"{self.name} ({self.role})"


SYSTEM_ACTOR = Actor(name="routing", role="system:gateway")
