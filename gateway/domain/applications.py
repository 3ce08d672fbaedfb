"""办件: the window flow's states, the one table of allowed transitions, and the joint-decision rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from gateway.domain.listing import ListFilter


class AppStatus(StrEnum):
    """Where an application stands (前台综合受理 → 后台分类审批 → 统一窗口出件)."""

    ACCEPTED = "accepted"  # 已受理, tasks sent to the departments
    UNDER_REVIEW = "under_review"  # 审查中
    CORRECTION = "correction"  # 补正: a department needs more material; the window tells the applicant
    GRANTED = "granted"  # 准予 (every task granted)
    REFUSED = "refused"  # 不予 (one refusal decides it)
    READY = "ready"  # 待取件 at the delivery window
    DELIVERED = "delivered"  # 已出件: collected, or posted with a tracking number


class AppAction(StrEnum):
    """What happens to an application; window actions are POST /applications/{id}/{action}."""

    REVIEW = "review"  # from a department: 审查中
    REQUEST_CORRECTION = "request-correction"  # from a department: 补正
    SUPPLEMENT = "supplement"  # window: the applicant brings missing (容缺) or corrected (补正) material
    GRANT = "grant"  # all tasks granted
    REFUSE = "refuse"  # a task refused
    PREPARE = "prepare"  # delivery window: result ready for pickup
    PICKUP = "pickup"  # delivery window: collected
    POST = "post"  # delivery window: sent by post with a tracking number


S, A = AppStatus, AppAction


def _awaiting_departments(state: AppStatus) -> dict[tuple[AppStatus, AppAction], AppStatus]:
    """What may happen while the departments have the tasks: the same from 已受理 as from 审查中."""
    return {
        (state, A.REVIEW): S.UNDER_REVIEW,  # from 审查中: another task of a joint application starts review
        (state, A.REQUEST_CORRECTION): S.CORRECTION,
        (state, A.SUPPLEMENT): state,  # 容缺: the missing material arrives before or during review
        (state, A.GRANT): S.GRANTED,
        (state, A.REFUSE): S.REFUSED,
    }


APP_TRANSITIONS: dict[tuple[AppStatus, AppAction], AppStatus] = {
    **_awaiting_departments(S.ACCEPTED),
    **_awaiting_departments(S.UNDER_REVIEW),
    (S.CORRECTION, A.SUPPLEMENT): S.UNDER_REVIEW,
    (S.CORRECTION, A.REQUEST_CORRECTION): S.CORRECTION,
    (S.CORRECTION, A.REVIEW): S.CORRECTION,  # another department reviewing does not lift the correction
    (S.CORRECTION, A.REFUSE): S.REFUSED,
    (S.GRANTED, A.PREPARE): S.READY,
    (S.GRANTED, A.POST): S.DELIVERED,
    (S.REFUSED, A.PREPARE): S.READY,  # a refusal decision is handed out too (不予许可决定书)
    (S.REFUSED, A.POST): S.DELIVERED,
    (S.READY, A.PICKUP): S.DELIVERED,
    (S.READY, A.POST): S.DELIVERED,
}

WINDOW_ACTIONS = (A.SUPPLEMENT, A.PREPARE, A.PICKUP, A.POST)
OPEN = frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.CORRECTION})
DECIDED = frozenset({S.GRANTED, S.REFUSED})


class TaskStatus(StrEnum):
    """One department's part of an application (部门联办: each runs in parallel)."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    CORRECTION = "correction"
    GRANTED = "granted"
    REFUSED = "refused"
    DONE = "done"  # 办结 after a decision
    WITHDRAWN = "withdrawn"  # another department refused the joint application


T = TaskStatus
TASK_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    T.SUBMITTED: frozenset({T.UNDER_REVIEW, T.CORRECTION, T.GRANTED, T.REFUSED, T.WITHDRAWN}),
    T.UNDER_REVIEW: frozenset({T.UNDER_REVIEW, T.CORRECTION, T.GRANTED, T.REFUSED, T.WITHDRAWN}),
    T.CORRECTION: frozenset({T.UNDER_REVIEW, T.CORRECTION, T.REFUSED, T.WITHDRAWN}),
    T.GRANTED: frozenset({T.DONE}),
    T.REFUSED: frozenset({T.DONE}),
    T.DONE: frozenset(),
    T.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True)
class ApplicationFilter(ListFilter):
    """What the list of applications may be narrowed by: a list's filters, the item, overdue pickups or
    supplements."""

    item_code: str | None = None
    pickup_overdue: bool | None = None
    supplement_overdue: bool | None = None


def app_allowed(status: AppStatus) -> list[AppAction]:
    """Actions the table allows in a state."""
    return [action for (state, action) in APP_TRANSITIONS if state == status]


def window_allowed(status: AppStatus) -> list[AppAction]:
    """Actions the table allows in a state that are done at the window (the rest the departments report)."""
    return [action for action in app_allowed(status) if action in WINDOW_ACTIONS]


def app_next(status: AppStatus, action: AppAction) -> AppStatus | None:
    """The state an action leads to, or None when the table refuses it."""
    return APP_TRANSITIONS.get((status, action))


def task_may_become(current: TaskStatus, new: TaskStatus) -> bool:
    """Whether a department's status report fits the task's current state."""
    return new in TASK_TRANSITIONS[current]


@dataclass(frozen=True)
class Decision:
    """What the tasks decide for the whole application, if anything yet."""

    action: AppAction | None
    department: str | None = None
    reason: str | None = None


def decide(tasks: Sequence[tuple[str, TaskStatus, str | None]]) -> Decision:
    """(department, status, reason) of every task -> the application's outcome.

    One refusal decides it (and names the department and why); granted only when every task is granted.
    """
    for department, status, reason in tasks:
        if status is T.REFUSED:
            return Decision(A.REFUSE, department, reason)
    live = [status for _, status, _ in tasks if status is not T.WITHDRAWN]
    if live and all(status in (T.GRANTED, T.DONE) for status in live):
        return Decision(A.GRANT)
    return Decision(None)


def missing_materials(
    checklist: Iterable[tuple[str, bool, bool]], provided: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(name, required, key) of the checklist and the names provided -> (missing required, missing key)."""
    have = set(provided)
    checklist = list(checklist)  # read twice below
    missing = [name for name, required, _ in checklist if required and name not in have]
    key_missing = [name for name, required, key in checklist if required and key and name not in have]
    return missing, key_missing


# 整改's states, in the order a rectification goes through them: 待回访, 已回访, 已办结.
RECTIFICATION_STATUSES = ("open", "called_back", "closed")
RECTIFICATION_ACTIONS: dict[str, tuple[str, ...]] = {
    "open": ("callback",),
    "called_back": ("callback", "close"),
}


def rectification_allowed(status: str) -> list[str]:
    """整改: what a rectification in this state allows (open / called_back / closed); a callback (回访)
    comes before it can close."""
    return list(RECTIFICATION_ACTIONS.get(status, ()))
