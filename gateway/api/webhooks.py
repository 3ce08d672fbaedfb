"""POST /webhooks/<system>: signed pushes from external systems, answered in each system's own style.

The use case (signature, receipts, parsing, validation, applying) is InboundService.handle_webhook, the
same path the polling jobs take. A refused webhook is logged with its system, reason and webhook-id,
never its body; a body over the size limit is refused in the system's style without being read.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from adapters.base.port import Ack
from gateway.api.auth import services
from gateway.services.inbound import Push

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _answer(ack: Ack) -> ResponseReturnValue:
    response = jsonify(ack.body)
    response.status_code = ack.status
    return response


def _push() -> Push:
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        return Push(headers, request.get_data(cache=False))
    except RequestEntityTooLarge:
        return Push(headers, b"", limit=request.max_content_length)


@webhooks.post("/<system>")
def receive(system: str) -> ResponseReturnValue:
    """Take in one signed webhook from a known external system."""
    gateway = services()
    adapter = gateway.receivers.get(system)
    if adapter is None:
        return jsonify(code=404, status="Not Found", message=f"no such system: {system}"), 404
    secrets = gateway.settings.webhook_secrets.get(system, ())
    return _answer(gateway.inbound.handle_webhook(adapter, secrets, _push()))
