"""/api/v1/outbox/{id}/resend and /discard: dead letters back into the queue, or given up (audited)."""

from __future__ import annotations

from typing import Any

from gateway.api.actions import action
from gateway.api.auth import current_actor, services
from gateway.api.errors import GatewayBlueprint
from gateway.domain.access import OUTBOX_MANAGE
from gateway.services.snapshots import OutboxSnapshot
from schemas.common import OutboxOut
from schemas.inquiry import ReasonIn

blp = GatewayBlueprint(
    "dead_letters", __name__, url_prefix="/api/v1/outbox", description="Dead letters: resend or discard"
)

ID = "<int(max=9223372036854775807):message_id>"
# Both take a reason (audited) and apply to a dead letter only.
DEAD_LETTER_ACTION = action(
    blp,
    ReasonIn,
    OutboxOut,
    OUTBOX_MANAGE,
    missing="no such message",
    conflict="the message is not a dead letter",
)


@blp.route(f"/{ID}/resend", methods=["POST"])
@DEAD_LETTER_ACTION
def resend(data: dict[str, Any], message_id: int) -> OutboxSnapshot:
    """Put a dead letter back in the queue with fresh attempts."""
    return services().outbox.resend(message_id, data["reason"], current_actor())


@blp.route(f"/{ID}/discard", methods=["POST"])
@DEAD_LETTER_ACTION
def discard(data: dict[str, Any], message_id: int) -> OutboxSnapshot:
    """Give up on a dead letter; the messages queued behind it may then go."""
    return services().outbox.discard(message_id, data["reason"], current_actor())
