"""Sends the gateway's messages to the window system (状态通知, 办件状态通知, 事项同步)."""

from __future__ import annotations

from typing import Any

from adapters.base.client import AnswerRules, post_json
from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.window import application_wire, catalog_wire, wire
from gateway.domain.errors import UpstreamError, WireError
from gateway.domain.messages import APPLICATION_STATUS, CATALOG_ITEMS, STATUS_CHANGED

NOTICE_PATH = "/ckxt/api/tz"

# (ret, message). A 200 whose ret is not 0 is a refusal all the same (PROTOCOL.md).
ANSWERS: AnswerRules[tuple[int, str]] = AnswerRules(
    read=wire.read_answer,
    accepted=lambda answer: answer[0] == 0,
    explain=lambda answer: f"ret={answer[0]} {answer[1]}",
    refusal=lambda answer: f"ret={answer[0]} {answer[1]}",
    retryable=lambda answer: answer[0] == wire.RET_BUSY,
    unreadable="not in the window's answer format",
)


class WindowClient:
    """Outbound to the window system: 状态通知 of inquiries logged at a window, 办件状态通知, 事项同步."""

    system = "window"

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, message: OutboundMessage) -> None:
        """Deliver one message or raise UpstreamError."""
        if message.event_type == CATALOG_ITEMS:
            self._sync_items(message)
            return
        if message.event_type == APPLICATION_STATUS:
            try:
                notice = application_wire.status_notice(message.payload)
            except WireError as err:
                raise UpstreamError(self.system, f"cannot map the message: {err}", retryable=False) from None
            self._post(application_wire.NOTICE_PATH, "application_notice", notice, message.idempotency_key)
            return
        if message.event_type != STATUS_CHANGED:
            raise UpstreamError(self.system, f"the window takes no {message.event_type}", retryable=False)
        if message.payload.get("external_id") is None:
            return  # not logged at a window: the window has no record to tell
        try:
            body = wire.status_notice(message.payload)
        except WireError as err:
            raise UpstreamError(self.system, f"cannot map the message: {err}", retryable=False) from None
        self._post(NOTICE_PATH, "status_notice", body, message.idempotency_key)

    def _sync_items(self, message: OutboundMessage) -> None:
        try:
            pages = catalog_wire.item_pages(message.payload)
        except WireError as err:
            raise UpstreamError(self.system, f"cannot map the message: {err}", retryable=False) from None
        # A failed page fails the message; its retry replays the pages already taken under their keys.
        for page in pages:
            self._post(catalog_wire.SYNC_PATH, "sync_items", page.body, page.key(message.idempotency_key))

    def _post(self, path: str, operation: str, body: dict[str, Any], key: str) -> None:
        post_json(self.http, path, operation, body, key, ANSWERS, system=self.system)
