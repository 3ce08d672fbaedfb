"""Stand-ins for the gateway's webhook endpoint: verify the signature, parse, answer in the system's style."""

from __future__ import annotations

import time
from typing import NamedTuple

from flask import Response, jsonify, request

from adapters.base.port import Ack, Inbound
from adapters.base.webhooks import SignatureError, verify
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent


class Received(NamedTuple):
    """A push that verified and parsed: its webhook id and events."""

    webhook_id: str
    events: list[InboundEvent]


def answer(ack: Ack) -> tuple[Response, int]:
    """The system's answer as a Flask response."""
    return jsonify(ack.body), ack.status


def receive(inbound: Inbound, secrets: list[str]) -> Received | tuple[Response, int]:
    """The current request verified and parsed, or the system's refusal (401 bad signature, 400 bad body)."""
    raw = request.get_data()
    try:
        # Werkzeug's Headers is case-insensitive but no Mapping; verify looks names up in lower case.
        headers = {key.lower(): value for key, value in request.headers.items()}
        webhook_id = verify(secrets, headers, raw, time.time())
        events = inbound.parse(raw)
    except SignatureError:
        return answer(inbound.rejected(401, "签名无效"))
    except WireError as err:
        return answer(inbound.rejected(400, f"{err.field}: {err.reason}"))
    return Received(webhook_id, events)
