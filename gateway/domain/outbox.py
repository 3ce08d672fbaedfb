"""The outbox's states: where a message for an external system stands, and which states do what."""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    """Where one outbox message stands."""

    PENDING = "pending"  # 待发送: due at next_attempt_at
    SENDING = "sending"  # 发送中: a worker holds its lease
    SENT = "sent"  # 已发送: kept as the record of what went out
    DEAD = "dead"  # 死信: every attempt failed; resend or discard it
    DISCARDED = "discarded"  # 已放弃: never sent (a dead letter given up, a held publication rejected)
    # 待审核: a publication whose redaction was not sure, waiting for a supervisor to approve (-> pending)
    # or reject (-> discarded) it.
    HELD = "held"


S = OutboxStatus

# Not yet delivered: what a worker may claim.
OPEN_STATES: tuple[OutboxStatus, ...] = (S.PENDING, S.SENDING)
# What holds back later messages of the same ordering key. HELD is neither open (no worker claims it)
# nor blocking: the inquiry's status messages to the same system keep flowing meanwhile (a citizen's
# message must not stay 待受理 on the website because a reply text waits for a person), and nothing
# later depends on the held text having gone first.
BLOCKING_STATES: tuple[OutboxStatus, ...] = (S.PENDING, S.SENDING, S.DEAD)

OUTBOX_STATUS_LABELS: dict[OutboxStatus, str] = {
    S.PENDING: "待发送",
    S.SENDING: "发送中",
    S.SENT: "已发送",
    S.DEAD: "死信",
    S.DISCARDED: "已放弃",
    S.HELD: "待审核",
}
