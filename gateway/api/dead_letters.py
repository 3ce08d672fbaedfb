"""/api/v1/outbox/{id}/resend and /discard: dead letters back into the queue, or given up (audited)."""

from __future__ import annotations

from typing import Any

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.domain.access import OUTBOX_MANAGE
from gateway.services.snapshots import OutboxSnapshot
from schemas.common import OutboxOut
from schemas.inquiry import ReasonIn

blp = GatewayBlueprint(
    "dead_letters", __name__, url_prefix="/api/v1/outbox", description="Dead letters: resend or discard"
)

ID = "<int(max=9223372036854775807):message_id>"


@blp.route(f"/{ID}/resend", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OutboxOut)
@blp.alt_response(404, description="no such message")
@blp.alt_response(409, description="the message is not a dead letter")
@protected(blp, OUTBOX_MANAGE)
def resend(data: dict[str, Any], message_id: int) -> OutboxSnapshot:
    """Put a dead letter back in the queue with fresh attempts."""
    return services().outbox.resend(message_id, data["reason"], current_actor())


@blp.route(f"/{ID}/discard", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, OutboxOut)
@blp.alt_response(404, description="no such message")
@blp.alt_response(409, description="the message is not a dead letter")
@protected(blp, OUTBOX_MANAGE)
def discard(data: dict[str, Any], message_id: int) -> OutboxSnapshot:
    """Give up on a dead letter; the messages queued behind it may then go."""
    return services().outbox.discard(message_id, data["reason"], current_actor())
