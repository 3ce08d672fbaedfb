"""Sends the gateway's messages to the website's interaction system (政府网站互动交流系统)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.base.http import HttpClient, bad_answer
from adapters.base.port import OutboundMessage
from adapters.website import catalog_wire, wire
from gateway.domain import messages
from gateway.domain.errors import UpstreamError, WireError

_CALLS: dict[str, Callable[[dict[str, Any]], wire.WebsiteCall | None]] = {
    messages.REPLY_PUBLISH: wire.reply_call,
    messages.REPLY_TO_WRITER: wire.writer_reply_call,
    messages.STATUS_CHANGED: wire.status_call,
}


class WebsiteClient:
    """The website's outbound adapter: replies, status updates and 办事指南, each with an Idempotency-Key."""

    system = "website"

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, message: OutboundMessage) -> None:
        """Deliver, treat as done when the website has no use for it, or raise UpstreamError."""
        if message.event_type == messages.CATALOG_ITEMS:
            self._publish_guides(message)
            return
        to_call = _CALLS.get(message.event_type)
        if to_call is None:
            raise UpstreamError(
                self.system, f"the website takes no '{message.event_type}' messages", retryable=False
            )
        try:
            call = to_call(message.payload)
        except WireError as err:
            raise self._unmappable(message, err) from None
        if call is not None:
            self._post(call, message.idempotency_key)

    def _publish_guides(self, message: OutboundMessage) -> None:
        try:
            batches = catalog_wire.guide_batches(message.payload)
        except WireError as err:
            raise self._unmappable(message, err) from None
        # A failed page fails the message; its retry replays the pages already taken under their keys.
        for batch in batches:
            self._post(batch.call, batch.key(message.idempotency_key))

    def _unmappable(self, message: OutboundMessage, err: WireError) -> UpstreamError:
        # A payload we cannot map will not map better next time.
        return UpstreamError(self.system, f"cannot map {message.event_type}: {err}", retryable=False)

    def _post(self, call: wire.WebsiteCall, key: str) -> None:
        response = self.http.request(
            "POST", call.path, operation=call.operation, json=call.body, headers={"Idempotency-Key": key}
        )
        try:
            answer = response.json()
        except ValueError:
            # Unconfirmed; sending again under the same key cannot publish twice.
            raise bad_answer(
                self.system, response, f"{call.operation} answered an unreadable body", retryable=True
            ) from None
        if not isinstance(answer, dict) or answer.get("success") is not True:
            raise bad_answer(
                self.system, response, f"{call.operation} answered success=false", retryable=False
            )
