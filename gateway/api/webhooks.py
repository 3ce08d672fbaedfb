"""POST /webhooks/<system>: signed pushes from external systems, answered in each system's own style.

The signature is checked before the body is parsed; a refused webhook is logged with its system, reason
and webhook-id, never its body. A webhook-id seen before is answered as received and creates nothing.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from adapters.base.port import Ack, InboundEvent, WireError
from adapters.base.webhooks import SignatureError, verify
from gateway.api.auth import services
from gateway.domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from gateway.services.inbound import Received
from schemas.inquiry import load_inbound_inquiry

log = logging.getLogger("gateway.webhooks")

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")

_STATUS: dict[type[DomainError], int] = {NotFound: 404, InvalidInput: 422, Forbidden: 403}


def _answer(ack: Ack) -> ResponseReturnValue:
    response = jsonify(ack.body)
    response.status_code = ack.status
    return response


def _validated(event: InboundEvent) -> Received:
    """Check an adapter's mapped inquiry against the gateway's own schema before it is taken in."""
    if event.kind != "inquiry":
        return Received(event.kind, event.data)
    return Received(event.kind, load_inbound_inquiry(event.data))


@webhooks.post("/<system>")
def receive(system: str) -> ResponseReturnValue:
    """Take in one signed webhook from a known external system."""
    gateway = services()
    adapter = gateway.receivers.get(system)
    if adapter is None:
        return jsonify(code=404, status="Not Found", message=f"no such system: {system}"), 404
    body = request.get_data(cache=False)
    secrets = gateway.settings.webhook_secrets.get(system, ())
    try:
        if not secrets:
            raise SignatureError(f"no webhook secret configured (GATEWAY_{system.upper()}_WEBHOOK_SECRETS)")
        headers = {k.lower(): v for k, v in request.headers.items()}
        webhook_id = verify(secrets, headers, body, now=time.time())
    except SignatureError as err:
        log.warning(
            "webhook refused system=%s reason=%s webhook_id=%s",
            system,
            err,
            request.headers.get("webhook-id", "-")[:200],
        )
        return _answer(adapter.rejected(401, str(err)))

    earlier = gateway.inbound.seen(system, webhook_id)
    if earlier is not None:
        return _answer(adapter.accepted(earlier.references, duplicate=True))
    try:
        items = [_validated(event) for event in adapter.parse(body)]
    except WireError as err:
        log.warning("webhook unreadable system=%s webhook_id=%s field=%s", system, webhook_id, err.field)
        return _answer(adapter.rejected(400, str(err)))
    except ValidationError as err:
        log.warning(
            "webhook invalid system=%s webhook_id=%s fields=%s", system, webhook_id, sorted(err.messages)
        )
        return _answer(adapter.rejected(422, f"invalid fields: {err.messages}"))
    try:
        receipt = gateway.inbound.receive(system, items, webhook_id=webhook_id)
    except DomainError as err:
        log.warning(
            "webhook not applied system=%s webhook_id=%s reason=%s", system, webhook_id, type(err).__name__
        )
        return _answer(adapter.rejected(_STATUS.get(type(err), 409), str(err)))
    return _answer(adapter.accepted(receipt.references, duplicate=receipt.duplicate))
