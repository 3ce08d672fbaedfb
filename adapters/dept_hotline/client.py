"""Sends the gateway's messages to the retained specialist lines (双向转接), each line at its own URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base.client import AnswerRules, post_json
from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.dept_hotline import wire
from gateway.domain.errors import UpstreamError, WireError
from gateway.domain.messages import STATUS_CHANGED, TRANSFER_CREATE

TRANSFER_PATH = "/zx/api/transfer-in"
STATUS_PATH = "/zx/api/status"

# (status, reason). A 200 saying ERROR is a refusal all the same (PROTOCOL.md), never worth another try.
ANSWERS: AnswerRules[tuple[str, str]] = AnswerRules(
    read=wire.read_answer,
    accepted=lambda answer: answer[0] == "OK",
    explain=lambda answer: answer[1],
    refusal=lambda answer: f"ERROR {answer[1]}",
    retryable=lambda answer: False,
    unreadable="not in the lines' answer format",
)


class DeptHotlineClient:
    """Outbound to the lines: 12345 calls transferred to a line, and progress of calls a line transferred.

    `lines` maps a line code (e.g. "12348") to the HttpClient of that line's base URL.
    """

    system = "dept_hotline"

    def __init__(self, lines: Mapping[str, HttpClient]) -> None:
        self.lines = dict(lines)

    def send(self, message: OutboundMessage) -> None:
        """Deliver one message to the line it concerns, or raise UpstreamError."""
        payload = message.payload
        try:
            if message.event_type == TRANSFER_CREATE:
                body = wire.transfer_in(payload)
                path, operation = TRANSFER_PATH, "transfer_in"
            elif message.event_type == STATUS_CHANGED:
                if payload.get("external_id") is None:
                    return  # not a call from a line: no line has a record to tell
                body = wire.status_callback(payload)
                path, operation = STATUS_PATH, "status_callback"
            else:
                raise UpstreamError(self.system, f"the lines take no {message.event_type}", retryable=False)
        except WireError as err:
            raise UpstreamError(self.system, f"cannot map the message: {err}", retryable=False) from None
        http = self.lines.get(body["rxhm"])
        if http is None:
            raise UpstreamError(self.system, f"line {body['rxhm']} is not configured", retryable=False)
        self._post(http, path, operation, body, message.idempotency_key)

    def _post(self, http: HttpClient, path: str, operation: str, body: dict[str, Any], key: str) -> None:
        post_json(http, path, operation, body, key, ANSWERS)
