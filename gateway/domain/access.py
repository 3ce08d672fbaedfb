"""Roles and what each may do: the one role table, and the visibility rule derived from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gateway.domain.errors import Forbidden
from gateway.domain.inquiry import Channel
from gateway.domain.lifecycle import Action

HUMAN_ROLES = ("operator", "window", "department", "supervisor", "admin")
# External systems that call in and receive messages: the inquiry channels plus the departments' back offices.
SYSTEMS = (*(c.value for c in Channel if c is not Channel.API), "department")
SYSTEM_ROLES = tuple(f"system:{name}" for name in SYSTEMS)
ROLES = HUMAN_ROLES + SYSTEM_ROLES  # the roles a key or an account may be given
SCHEDULER_ROLE = "system:scheduler"  # the gateway's own deadline sweep; no key is ever issued for it

READ = "inquiry:read"
CREATE = "inquiry:create"  # takes in inquiries of at least one channel (which: intake(channel))
PII = "pii:read"  # may see citizens' names, phones and ID numbers in full (each read audited)
OUTBOX = "outbox:read"
OUTBOX_MANAGE = "outbox:manage"  # resend or discard dead letters
AUDIT = "audit:read"
JOBS = "jobs:read"  # sync runs and job history
APP_READ = "application:read"
APP_ACCEPT = "application:accept"  # 前台综合受理 and the window's later steps (补正, 出件, 好差评)
APP_REVIEW = "application:review"  # a department back office reporting its decision
RECTIFY = "rectification:manage"  # 整改: list, 回访 and close (a department: only its own)
MERGE = "inquiry:merge"  # 并单: see duplicate candidates, merge an inquiry into a master and undo it
STATS = "stats:read"
KEYS = "keys:manage"
OPINION_READ = "opinion:read"  # 协办: read co-departments' opinions and tasks (a department: its own)
OPINION_WRITE = "opinion:write"  # 协办: give the opinion of one's own department's task
NOTICE_READ = "supervision:read"  # 督办单: read notices (a department its own)
NOTICE_ANSWER = "supervision:answer"  # 督办单: 签收 and 督办回复, by the inquiry's lead department
# Issuing a 督办单 is the inquiry's escalate action: it needs act(Action.ESCALATE).
ATTACH = "attachment:create"  # 附件: upload files to an inquiry the actor may see (and act on)
ATTACH_PUBLIC = "attachment:publish"  # mark a reply attachment public (only a department answers)


def act(action: Action) -> str:
    """The permission an inquiry action needs."""
    return f"inquiry:{action.value}"


def intake(channel: str) -> str:
    """The permission to take in (受理) an inquiry of a channel."""
    return f"{CREATE}:{channel}"


class Sight(StrEnum):
    """Which inquiries a role may read and act on."""

    ALL = "all"
    DEPARTMENT = "department"  # those its department leads (主办) or helps with (协办)
    # Those of its own channel, and those forwarded to its system (12345's work orders). A system key's
    # channel is the system it speaks for; a person's is the one channel they take in (the window clerk's
    # counter inquiries: 综合窗口 staff have no business with 12345 calls or website messages).
    CHANNEL = "channel"
    NONE = "none"


@dataclass(frozen=True)
class Role:
    """One row of the role table."""

    sees: Sight
    takes_in: frozenset[Channel]  # channels it may take in; only a channel's own system gives external_id
    may: frozenset[str]  # permissions besides taking in
    lead_only: bool = False  # acts only on inquiries its department leads, not those it helps with


A, C = Action, Channel
# 督办单: supervisors issue (escalate) and read all; departments read their own and answer; operators read.
_OPERATOR = {READ, PII, MERGE, OPINION_READ, NOTICE_READ, ATTACH} | {
    act(a)
    for a in (A.DISPATCH, A.REPLY, A.CALLBACK, A.CLOSE, A.REOPEN, A.APPROVE_EXTENSION, A.REFUSE_EXTENSION)
}
_DEPARTMENT = {
    READ,
    APP_READ,
    RECTIFY,
    OPINION_READ,
    OPINION_WRITE,
    NOTICE_READ,
    NOTICE_ANSWER,
    ATTACH,
    ATTACH_PUBLIC,
} | {act(a) for a in (A.ACKNOWLEDGE, A.RETURN, A.REQUEST_EXTENSION, A.REPLY)}
# 窗口人员 also work the 整改 of bad ratings (the list, 回访, closing): every application is taken in at the
# service center's windows, so their channel's applications are all of them.
_WINDOW = {READ, PII, APP_READ, APP_ACCEPT, RECTIFY, ATTACH}
_SUPERVISOR = {
    READ,
    PII,
    OUTBOX,
    OUTBOX_MANAGE,
    AUDIT,
    JOBS,
    APP_READ,
    RECTIFY,
    STATS,
    OPINION_READ,
    NOTICE_READ,
    MERGE,
} | {
    act(a)
    for a in (A.DISPATCH, A.APPROVE_EXTENSION, A.REFUSE_EXTENSION, A.ESCALATE, A.CLOSE, A.REOPEN, A.CALLBACK)
}
_NOTHING: frozenset[Channel] = frozenset()

# The role table. A channel system's key has only what its protocol sends (adapters/<system>/inbound.py):
# every channel system pushes new inquiries; only 12345 pushes 回访 results (HFJG); the departments'
# back offices push application decisions and no inquiry traffic at all.
ROLE_TABLE: dict[str, Role] = {
    "operator": Role(Sight.ALL, frozenset({C.HOTLINE}), frozenset(_OPERATOR)),
    "window": Role(Sight.CHANNEL, frozenset({C.WINDOW}), frozenset(_WINDOW)),
    "department": Role(Sight.DEPARTMENT, _NOTHING, frozenset(_DEPARTMENT), lead_only=True),
    "supervisor": Role(Sight.ALL, _NOTHING, frozenset(_SUPERVISOR)),
    "admin": Role(
        Sight.ALL,
        frozenset({C.HOTLINE, C.WINDOW}),
        frozenset(_OPERATOR | _DEPARTMENT | _SUPERVISOR | {KEYS, APP_ACCEPT}),
    ),
    "system:hotline": Role(Sight.CHANNEL, frozenset({C.HOTLINE}), frozenset({READ, act(A.CALLBACK)})),
    "system:website": Role(Sight.CHANNEL, frozenset({C.WEBSITE}), frozenset({READ})),
    "system:window": Role(Sight.CHANNEL, frozenset({C.WINDOW}), frozenset({READ})),
    "system:dept_hotline": Role(Sight.CHANNEL, frozenset({C.DEPT_HOTLINE}), frozenset({READ})),
    "system:department": Role(Sight.NONE, _NOTHING, frozenset({APP_REVIEW})),
    # The scheduler's deadline sweep: 督办 of overdue inquiries of every channel, nothing else.
    SCHEDULER_ROLE: Role(Sight.ALL, _NOTHING, frozenset({READ, act(A.ESCALATE)})),
}
_NO_ROLE = Role(Sight.NONE, _NOTHING, frozenset())


def _permissions(role: Role) -> frozenset[str]:
    taking_in = {intake(c.value) for c in role.takes_in}
    return role.may | taking_in | ({CREATE} if taking_in else set())


PERMISSIONS: dict[str, frozenset[str]] = {name: _permissions(role) for name, role in ROLE_TABLE.items()}


@dataclass(frozen=True)
class Scope:
    """The inquiries an actor may see, as conditions that must all hold; None does not narrow."""

    system: str | None = None  # the inquiry's channel or forwarded_to is this system
    department: str | None = None  # this department leads the inquiry or helps with it
    nothing: bool = False

    def admits(self, channel: str, forwarded_to: str | None, departments: Iterable[str | None]) -> bool:
        """True if an inquiry with these facts is inside the scope (the per-row form of the rule)."""
        if self.nothing:
            return False
        if self.system is not None and self.system not in (channel, forwarded_to):
            return False
        return self.department is None or self.department in set(departments)


@dataclass(frozen=True)
class Actor:
    """Who is calling: a key's name, role and (for department keys) department."""

    name: str
    role: str
    department_code: str | None = None

    @property
    def row(self) -> Role:
        """The actor's row of the role table (an unknown role may do nothing)."""
        return ROLE_TABLE.get(self.role, _NO_ROLE)

    def can(self, permission: str) -> bool:
        """True if the role grants the permission."""
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def scope(self) -> Scope:
        """The inquiries this actor may read and act on (the one visibility rule)."""
        sees = self.row.sees
        if sees is Sight.ALL:
            return Scope()
        if sees is Sight.DEPARTMENT and self.department_code:
            return Scope(department=self.department_code)
        if sees is Sight.CHANNEL:
            takes_in = self.row.takes_in
            own = self.system or (next(iter(takes_in)).value if len(takes_in) == 1 else None)
            if own:
                return Scope(system=own)
        return Scope(nothing=True)

    def acts_on(self, lead_department: str | None) -> bool:
        """False when the role acts only as the lead (主办) and its department is not the lead."""
        return not self.row.lead_only or lead_department == self.department_code

    def intake_refusal(self, channel: str, external_id: str | None) -> str | None:
        """Why this actor may not take in an inquiry of the channel (with that external_id), or None."""
        if not self.can(intake(channel)):
            return f"role '{self.role}' may not take in inquiries of channel '{channel}'"
        if external_id is not None and self.system != channel:
            return (
                f"role '{self.role}' may not give external_id: "
                f"the ids of channel '{channel}' come only from its system"
            )
        return None

    @property
    def system(self) -> str | None:
        """The external system a system:<name> key speaks for."""
        return self.role.split(":", 1)[1] if self.role.startswith("system:") else None

    @property
    def label(self) -> str:
        """How the actor appears in events and the audit log."""
        return f"{self.name} ({self.role})"


SYSTEM_ACTOR = Actor(name="routing", role="system:gateway")


def require(actor: Actor, *permissions: str) -> None:
    """Forbidden unless the actor's role has every permission given (checked in that order): the one
    permission check of the use cases."""
    for permission in permissions:
        if not actor.can(permission):
            raise Forbidden(f"role '{actor.role}' may not {permission}")
