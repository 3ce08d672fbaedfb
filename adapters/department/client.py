"""Sends the gateway's application tasks to the departments' back offices (统一审批系统)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.base.client import AnswerRules, post_json
from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.department import wire
from adapters.department.codes import ERR_BUSY, FLAG_OK
from gateway.domain.errors import UpstreamError, WireError
from gateway.domain.messages import SUPPLEMENT, TASK_SUBMITTED, WITHDRAWN

Mapper = Callable[[Mapping[str, Any]], dict[str, Any]]

# event type -> (how to map it, where it goes, operation name for the log)
ROUTES: dict[str, tuple[Mapper, str, str]] = {
    TASK_SUBMITTED: (wire.task_push, "/spxt/api/rw/ts", "task_push"),
    SUPPLEMENT: (wire.supplement, "/spxt/api/rw/bz", "supplement"),
    WITHDRAWN: (wire.withdrawal, "/spxt/api/rw/ch", "withdraw"),
}

# (flag, errcode, msg). A 200 saying "E" is a refusal all the same; only E9999 (busy) is worth another try.
ANSWERS: AnswerRules[tuple[str, str, str]] = AnswerRules(
    read=wire.read_answer,
    accepted=lambda answer: answer[0] == FLAG_OK,
    explain=lambda answer: f"{answer[1]} {answer[2]}",
    refusal=lambda answer: f"{answer[1]} {answer[2]}",
    retryable=lambda answer: answer[1] == ERR_BUSY,
    unreadable="not in the system's answer format",
)


class DepartmentClient:
    """Outbound to the unified approval system: task pushes, supplied material and withdrawals.

    One API serves every department; the department is named in each body (`BLBM`).
    """

    system = "department"

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, message: OutboundMessage) -> None:
        """Deliver one message or raise UpstreamError."""
        route = ROUTES.get(message.event_type)
        if route is None:
            raise UpstreamError(self.system, f"the departments take no {message.event_type}", retryable=False)
        mapper, path, operation = route
        try:
            body = mapper(message.payload)
        except WireError as err:
            raise UpstreamError(self.system, f"cannot map the message: {err}", retryable=False) from None
        self._post(path, operation, body, message.idempotency_key)

    def _post(self, path: str, operation: str, body: dict[str, Any], key: str) -> None:
        post_json(self.http, path, operation, body, key, ANSWERS, system=self.system)
