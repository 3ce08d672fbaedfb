"""The 12345 inquiry lifecycle: states, actions and the one table of allowed transitions."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    """Where an inquiry (诉求) stands."""

    RECEIVED = "received"  # 受理: waiting for dispatch (the manual queue when no rule matched)
    DISPATCHED = "dispatched"  # 已派单
    ACKNOWLEDGED = "acknowledged"  # 已签收, being handled
    RETURNED = "returned"  # 已退单, back at the hotline for re-routing
    EXTENSION_REQUESTED = "extension_requested"  # 延期申请中
    REPLIED = "replied"  # 已答复
    CALLED_BACK = "called_back"  # 已回访
    REOPENED = "reopened"  # 重办
    CLOSED = "closed"  # 办结


class Action(StrEnum):
    """What a caller can do to an inquiry; each is POST /inquiries/{id}/{action}."""

    DISPATCH = "dispatch"
    ACKNOWLEDGE = "acknowledge"
    RETURN = "return"
    REQUEST_EXTENSION = "request-extension"
    APPROVE_EXTENSION = "approve-extension"
    REFUSE_EXTENSION = "refuse-extension"
    REPLY = "reply"
    CALLBACK = "callback"
    CLOSE = "close"
    REOPEN = "reopen"
    ESCALATE = "escalate"


S, A = Status, Action

# The one table: (state, action) -> next state. Anything absent is refused with 409. What each action
# does to the inquiry's fields is the table beside it, lifecycle_effects.EFFECTS.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.RECEIVED, A.DISPATCH): S.DISPATCHED,
    # 即时答复: an operator answers a consult on the call, without a department
    (S.RECEIVED, A.REPLY): S.REPLIED,
    (S.RECEIVED, A.ESCALATE): S.RECEIVED,
    (S.DISPATCHED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.DISPATCHED, A.RETURN): S.RETURNED,
    (S.DISPATCHED, A.DISPATCH): S.DISPATCHED,  # re-dispatch before the department signs for it
    (S.DISPATCHED, A.ESCALATE): S.DISPATCHED,
    (S.ACKNOWLEDGED, A.RETURN): S.RETURNED,
    (S.ACKNOWLEDGED, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.ACKNOWLEDGED, A.REPLY): S.REPLIED,
    (S.ACKNOWLEDGED, A.ESCALATE): S.ACKNOWLEDGED,
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION): S.ACKNOWLEDGED,
    (S.EXTENSION_REQUESTED, A.REFUSE_EXTENSION): S.ACKNOWLEDGED,
    (S.EXTENSION_REQUESTED, A.ESCALATE): S.EXTENSION_REQUESTED,
    (S.RETURNED, A.DISPATCH): S.DISPATCHED,
    (S.RETURNED, A.ESCALATE): S.RETURNED,
    (S.REPLIED, A.CALLBACK): S.CALLED_BACK,
    (S.REPLIED, A.CLOSE): S.CLOSED,
    (S.CALLED_BACK, A.CLOSE): S.CLOSED,
    (S.CALLED_BACK, A.REOPEN): S.REOPENED,
    (S.CLOSED, A.REOPEN): S.REOPENED,
    (S.REOPENED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.REOPENED, A.DISPATCH): S.DISPATCHED,
    (S.REOPENED, A.ESCALATE): S.REOPENED,
}

# States in which a department holds the inquiry and its deadline runs.
HANDLING: frozenset[Status] = frozenset({S.DISPATCHED, S.ACKNOWLEDGED, S.EXTENSION_REQUESTED, S.REOPENED})

STATUS_LABELS: dict[Status, str] = {
    S.RECEIVED: "待派单",
    S.DISPATCHED: "已派单",
    S.ACKNOWLEDGED: "办理中",
    S.RETURNED: "已退单",
    S.EXTENSION_REQUESTED: "延期申请中",
    S.REPLIED: "已答复",
    S.CALLED_BACK: "已回访",
    S.REOPENED: "重办",
    S.CLOSED: "已办结",
}


def allowed_actions(status: Status) -> list[Action]:
    """Actions the table allows in a state, in table order."""
    return [action for (state, action) in TRANSITIONS if state == status]


def next_status(status: Status, action: Action) -> Status | None:
    """The state an action leads to, or None when the table refuses it."""
    return TRANSITIONS.get((status, action))


INTAKE = "intake"  # the first event of every inquiry; it has no from-state
# 并单 (gateway.domain.merging): the child's status is set to its master's, outside the table.
MERGE_EVENTS = ("merge", "unmerge")
# History entries that record what happened beside the lifecycle and change no state: a 协办意见, a
# 督办单's 签收 and 督办回复, a 并单 child's own 回访 by 12345 (from_status == to_status).
RECORD_EVENTS = ("opinion", "notice_acknowledged", "notice_responded", "child_callback")


def replay(transitions: Iterable[tuple[str | None, str, str]]) -> Status | None:
    """Fold stored (from, action, to) events into a state, checking each against the table."""
    state: Status | None = None
    for from_status, action, to_status in transitions:
        if from_status != state:
            raise ValueError(f"event starts from {from_status}, but the inquiry was {state}")
        if action == INTAKE:
            if state is not None:
                raise ValueError("intake after the inquiry already existed")
            state = Status(to_status)
            continue
        if state is None:
            raise ValueError(f"{action} before intake")
        if action in MERGE_EVENTS:
            state = Status(to_status)
            continue
        if action in RECORD_EVENTS:
            if to_status != state:
                raise ValueError(f"{action} changed the state from {state} to {to_status}")
            continue
        expected = next_status(state, Action(action))
        if expected is None or expected != to_status:
            raise ValueError(f"event {from_status} -{action}-> {to_status} is not in the table")
        state = expected
    return state
