"""What every simulator shares: fault injection, idempotent receipt, signed pushes, a threaded server.

Simulators are written from each system's PROTOCOL.md, not from our clients. This module only holds the
plumbing that has nothing to do with any one protocol.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import requests
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from adapters.base.webhooks import sign


@dataclass
class Fault:
    """What the simulator does to the next requests instead of answering normally."""

    status: int | None = None  # answer with this HTTP status (e.g. 500, 429)
    delay: float = 0.0  # sleep this long first (longer than the client's timeout = "slow")
    retry_after: str | None = None
    remaining: int = 1  # how many requests it applies to


@dataclass
class Received:
    """One request the simulator accepted (or saw again under the same idempotency key)."""

    operation: str
    idempotency_key: str | None
    body: dict[str, Any]
    duplicate: bool


@dataclass
class SimulatorState:
    """Thread-safe memory of a simulator: faults to inject, messages received, keys seen."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: list[Fault] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    seen_keys: dict[str, Any] = field(default_factory=dict)
    # The subclass's own collections that reset() empties too (each has a clear()).
    cleared_on_reset: ClassVar[tuple[str, ...]] = ()

    def inject(self, fault: Fault) -> None:
        """Queue a fault for the next requests."""
        with self.lock:
            self.faults.append(fault)

    def next_fault(self) -> Fault | None:
        """Take the fault that applies to this request, if any."""
        with self.lock:
            while self.faults:
                fault = self.faults[0]
                if fault.remaining <= 0:
                    self.faults.pop(0)
                    continue
                fault.remaining -= 1
                return fault
            return None

    def record(
        self, operation: str, key: str | None, body: dict[str, Any], make_result: Callable[[], Any]
    ) -> tuple[Any, bool]:
        """Store a request once per idempotency key; a repeat returns the first result, marked duplicate."""
        with self.lock:
            if key is not None and key in self.seen_keys:
                self.received.append(Received(operation, key, body, duplicate=True))
                return self.seen_keys[key], True
            result = make_result()
            if key is not None:
                self.seen_keys[key] = result
            self.received.append(Received(operation, key, body, duplicate=False))
            return result, False

    def record_on(
        self,
        operation: str,
        key: str | None,
        body: dict[str, Any],
        entries: dict[str, dict[str, Any]],
        entry_id: str,
        change: Callable[[dict[str, Any]], Any],
    ) -> tuple[Any, bool] | None:
        """record() a change to entries[entry_id]; None, and nothing recorded, when there is no such entry."""
        with self.lock:
            entry = entries.get(entry_id)
        if entry is None:
            return None
        return self.record(operation, key, body, lambda: change(entry))

    def accepted(self, operation: str | None = None) -> list[Received]:
        """Requests that were new (not repeats), optionally of one operation."""
        with self.lock:
            return [
                r
                for r in self.received
                if not r.duplicate and (operation is None or r.operation == operation)
            ]

    def reset(self) -> None:
        """Forget everything: faults, requests, keys and the collections named in cleared_on_reset."""
        with self.lock:
            self.faults.clear()
            self.received.clear()
            self.seen_keys.clear()
            for name in self.cleared_on_reset:
                getattr(self, name).clear()


State = TypeVar("State", bound=SimulatorState)


def simulator_app(
    import_name: str,
    make_state: Callable[..., State],
    gateway_webhook_url: str | None,
    webhook_secrets: list[str] | None,
    missing_secrets: str,
    **settings: Any,
) -> tuple[Flask, State]:
    """A Flask app holding a fresh state at app.extensions["simulator"]; a ValueError(missing_secrets)
    when there is a webhook URL to push to but no secret to sign with."""
    if gateway_webhook_url and not webhook_secrets:
        raise ValueError(missing_secrets)
    app = Flask(import_name)
    state = make_state(
        gateway_webhook_url=gateway_webhook_url, webhook_secrets=list(webhook_secrets or []), **settings
    )
    app.extensions["simulator"] = state
    return app, state


def apply_fault(state: SimulatorState) -> tuple[int, dict[str, str]] | None:
    """Sleep and/or pick an error status for this request; None means answer normally."""
    fault = state.next_fault()
    if fault is None:
        return None
    if fault.delay:
        time.sleep(fault.delay)
    if fault.status is None:
        return None
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
    return fault.status, headers


def push_webhook(
    url: str, secrets: list[str], body: dict[str, Any], webhook_id: str | None = None, timeout: float = 10.0
) -> requests.Response:
    """POST a signed webhook (Standard Webhooks) the way the real system would call the gateway."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = sign(secrets, webhook_id or f"msg_{uuid.uuid4().hex}", int(time.time()), raw).as_dict()
    headers["Content-Type"] = "application/json; charset=utf-8"
    return requests.post(url, data=raw, headers=headers, timeout=timeout)


class ServerThread:
    """A real HTTP server for a WSGI app on a thread (ephemeral port unless given); for tests and the demo."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.port = self._server.server_port
        # A short poll interval: stop() waits for it, and tests stop many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (the port is then refused: the system is 'down')."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
