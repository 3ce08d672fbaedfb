"""The /_sim/ control endpoints every simulator offers (faults, reset, state), and push bookkeeping.

Protocol-neutral: each simulator says how its answers look (the callbacks), so a simulator's control
endpoints keep answering in that system's own style. Nothing here knows any system's protocol.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue

from adapters.base.simulator import Fault, SimulatorState, push_webhook

Reply = Callable[[], ResponseReturnValue]


@dataclass
class Push:
    """One message a simulator pushed to the gateway and what the gateway answered."""

    body: dict[str, Any]
    webhook_id: str | None
    status: int | None
    answer: Any


def fault_from_spec(spec: Any, retry_after_key: str = "retry_after") -> Fault | None:
    """A Fault from a /_sim/faults body (status, delay, retry_after, remaining); None if it is not one."""
    if not isinstance(spec, dict):
        return None
    try:
        status, retry_after = spec.get("status"), spec.get(retry_after_key)
        return Fault(
            status=None if status is None else int(status),
            delay=float(spec.get("delay", 0.0)),
            retry_after=None if retry_after is None else str(retry_after),
            remaining=int(spec.get("remaining", 1)),
        )
    except (TypeError, ValueError):
        return None


def json_or_empty() -> Any:
    """The request's JSON body, or {} when there is none (or it is falsy)."""
    return request.get_json(silent=True) or {}


def json_fields() -> dict[str, Any]:
    """The request's JSON body when it is an object, else {}."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def checked_body(check: Callable[[dict[str, Any]], str | None], not_an_object: str) -> dict[str, Any] | str:
    """The request's JSON object, or the words refusing it: not_an_object, or the problem check finds."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return not_an_object
    problem = check(body)
    return body if problem is None else problem


def received_views(state: SimulatorState) -> list[dict[str, Any]]:
    """Every request the simulator received, as plain data (the caller holds state.lock)."""
    return [
        {
            "operation": r.operation,
            "idempotency_key": r.idempotency_key,
            "body": r.body,
            "duplicate": r.duplicate,
        }
        for r in state.received
    ]


def json_or_text(text: str) -> Any:
    """An answer body as JSON when it is JSON, else as text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def push_and_read(
    url: str, secrets: list[str], body: dict[str, Any], webhook_id: str | None = None
) -> tuple[str, int, Any]:
    """Push a signed webhook (a fresh id unless given): (webhook id, HTTP status, answer as JSON or text)."""
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    response = push_webhook(url, secrets, body, webhook_id)
    return webhook_id, response.status_code, json_or_text(response.text)


def register_control(
    app: Flask | Blueprint,
    state: Callable[[], SimulatorState],
    *,
    queued: Reply,
    bad_fault: Reply,
    done_reset: Reply,
    snapshot: Reply | None = None,
    read_spec: Callable[[], Any] = json_or_empty,
    retry_after_key: str = "retry_after",
    prefix: str = "/_sim",
    names: tuple[str, str, str] = ("inject_fault", "reset", "snapshot"),
) -> None:
    """POST {prefix}/faults, POST {prefix}/reset and (given `snapshot`) GET {prefix}/state.

    `state` finds the simulator's state for the request; the replies are the simulator's own answers.
    """

    def inject_fault() -> ResponseReturnValue:
        fault = fault_from_spec(read_spec(), retry_after_key)
        if fault is None:
            return bad_fault()
        state().inject(fault)
        return queued()

    def reset() -> ResponseReturnValue:
        state().reset()
        return done_reset()

    app.add_url_rule(f"{prefix}/faults", names[0], inject_fault, methods=["POST"])
    app.add_url_rule(f"{prefix}/reset", names[1], reset, methods=["POST"])
    if snapshot is not None:
        app.add_url_rule(f"{prefix}/state", names[2], snapshot, methods=["GET"])


def push_to_gateway(url: str | None, secrets: list[str], body: dict[str, Any]) -> Push:
    """Push `body` signed to the gateway and keep what it answered; not pushed at all without a URL."""
    if not url:
        return Push(body, None, None, None)
    return Push(body, *push_and_read(url, secrets, body))
