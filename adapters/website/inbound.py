"""Reads the website's webhooks and answers in its own body style."""

from __future__ import annotations

from adapters.base.attachments import MAX_PUSH_BYTES
from adapters.base.json_body import load_object
from adapters.base.port import Ack
from adapters.website import wire
from gateway.domain.inbound import InboundEvent

_ERROR_CODES: dict[int, str] = {
    400: "PARAM_INVALID",
    401: "SIGNATURE_INVALID",
    403: "SIGNATURE_INVALID",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PARAM_INVALID",
    415: "PARAM_INVALID",
    422: "PARAM_INVALID",
    429: "TOO_MANY_REQUESTS",
    503: "SYSTEM_BUSY",
}


class WebsiteInbound:
    """The website's inbound adapter: ``message.submitted`` webhooks become inquiries."""

    system = "website"

    def parse(self, body: bytes) -> list[InboundEvent]:
        """Map a webhook body; WireError names the website's field."""
        return [wire.inquiry_from_website(load_object(body, "body", max_bytes=MAX_PUSH_BYTES))]

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """``{"success": true, "data": {"refNos": [...], "duplicate": ...}}``."""
        return Ack(200, {"success": True, "data": {"refNos": list(references), "duplicate": duplicate}})

    def rejected(self, status: int, reason: str) -> Ack:
        """``{"success": false, "errorCode": ..., "errorMsg": ...}`` with the website's own codes."""
        code = _ERROR_CODES.get(status, "SYSTEM_ERROR" if status >= 500 else "PARAM_INVALID")
        return Ack(status, {"success": False, "errorCode": code, "errorMsg": reason})
