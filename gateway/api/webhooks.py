"""POST /webhooks/<system>: signed pushes from external systems, answered in each system's own style.

The view reads the request and makes one call: InboundService.handle_webhook(system, headers, body)
verifies the signature, checks the receipt once, parses, validates and applies, through the same path
(`handle`) that the polling jobs take. A refused webhook is logged with its system, reason and webhook-id,
never its body; a body over the size limit is refused in the system's style without being read.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.api.auth import services

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")


# Systems whose pushes may carry 附件 in base64 (adapters/website/PROTOCOL.md): room for an inquiry's worth.
_CARRIES_FILES = frozenset({"website", "window"})


@webhooks.before_request
def _room_for_files() -> None:
    """A push that may carry files gets the per-inquiry attachment limit (base64: 4/3) on top."""
    if (request.view_args or {}).get("system") in _CARRIES_FILES:
        settings = services().settings
        request.max_content_length = settings.max_body_bytes + settings.attachments.max_inquiry_bytes * 4 // 3


@webhooks.post("/<system>")
def receive(system: str) -> ResponseReturnValue:
    """Take in one signed webhook from a known external system (404 in the API's shape for any other)."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        body, too_large_for = request.get_data(cache=False), None
    except RequestEntityTooLarge:
        body, too_large_for = b"", request.max_content_length
    ack = services().inbound.handle_webhook(system, headers, body, too_large_for=too_large_for)
    response = jsonify(ack.body)
    response.status_code = ack.status
    return response
