"""督办单 (supervision notices): a supervisor's formal demand to the lead department of an inquiry.

A notice is issued by the inquiry's escalate action (督办; by hand or by the deadline sweep's 超期督办),
signed for by the department (签收) and answered (督办回复). Its stored status moves through the table
below; "overdue" is not stored but derived, like an inquiry's 超期: an open notice whose requested
response date (respond_by) has passed. An open notice is closed when its inquiry closes (办结) or leaves
the department (退单, or re-dispatch to another lead); a responded notice stays responded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class NoticeStatus(StrEnum):
    """Where a notice stands, as stored."""

    ISSUED = "issued"  # 已下发: waiting for the department to sign for it
    ACKNOWLEDGED = "acknowledged"  # 已签收: the department has it, the response is owed
    RESPONDED = "responded"  # 已回复: the department's 督办回复 is in
    CLOSED = "closed"  # 已关闭: the inquiry closed before a response


class NoticeAction(StrEnum):
    """What the department does to a notice; each is POST /supervision-notices/{id}/{action}."""

    ACKNOWLEDGE = "acknowledge"  # 签收
    RESPOND = "respond"  # 督办回复


OVERDUE = "overdue"  # the derived state of an open notice past its respond_by (逾期未回复)

N, NA = NoticeStatus, NoticeAction

# The one table: (status, action) -> next status; anything absent is refused with 409.
NOTICE_TRANSITIONS: dict[tuple[NoticeStatus, NoticeAction], NoticeStatus] = {
    (N.ISSUED, NA.ACKNOWLEDGE): N.ACKNOWLEDGED,
    (N.ACKNOWLEDGED, NA.RESPOND): N.RESPONDED,
}

# Notices still waiting for the department: these show as the 督办 badge and may become overdue.
OPEN: frozenset[NoticeStatus] = frozenset({N.ISSUED, N.ACKNOWLEDGED})

# Every state a notice is shown in (the stored ones and the derived overdue), for filters and the spec.
STATES: tuple[str, ...] = (N.ISSUED, N.ACKNOWLEDGED, OVERDUE, N.RESPONDED, N.CLOSED)

STATE_LABELS: dict[str, str] = {
    N.ISSUED: "待签收",
    N.ACKNOWLEDGED: "已签收",
    OVERDUE: "逾期未回复",
    N.RESPONDED: "已回复",
    N.CLOSED: "已关闭",
}


def notice_allowed(status: NoticeStatus) -> list[NoticeAction]:
    """Actions the table allows in a stored status, in table order (overdue changes none of them)."""
    return [action for (state, action) in NOTICE_TRANSITIONS if state == status]


def notice_next(status: NoticeStatus, action: NoticeAction) -> NoticeStatus | None:
    """The status an action leads to, or None when the table refuses it."""
    return NOTICE_TRANSITIONS.get((status, action))


def notice_state(status: NoticeStatus, respond_by: datetime, now: datetime) -> str:
    """The state shown: the stored status, or overdue for an open notice past its response date."""
    return OVERDUE if status in OPEN and respond_by < now else status.value
