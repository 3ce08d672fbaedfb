"""/api/v1/outbox: the messages for other systems, listed masked, and one revealed in full for a reason."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import FIRST_ID, link_to, links
from gateway.domain.access import OUTBOX, PII
from gateway.services.snapshots import OutboxSnapshot
from schemas.common import OutboxOut, OutboxQuery
from schemas.inquiry import RevealIn

blp = GatewayBlueprint(
    "outbox", __name__, url_prefix="/api/v1/outbox", description="Messages for other systems"
)

# The newest message of a listing leads to what may be done with one (OpenAPI links), its resending or
# discarding as a dead letter (gateway.api.dead_letters) included.
FOLLOW_UPS = link_to("outbox", ["reveal_message"], message_id=FIRST_ID) | link_to(
    "dead_letters", ["resend", "discard"], message_id=FIRST_ID
)


@blp.route("", methods=["GET"])
@blp.arguments(OutboxQuery, location="query")
@blp.response(200, OutboxOut(many=True))
@links(blp, [200], FOLLOW_UPS)
@blp.paginate()
@protected(blp, OUTBOX)
def list_outbox(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[OutboxSnapshot]:
    """Outbox messages, newest first, for administrators; personal data masked, free text redacted."""
    find = partial(services().outbox.find, status=query.get("status"), target=query.get("target"))
    return paged(pagination_parameters, find)


@blp.route("/<int(max=9223372036854775807):message_id>/reveal", methods=["POST"])
@blp.arguments(RevealIn)
@blp.response(200, OutboxOut)
@blp.alt_response(404, description="no such message")
@protected(blp, PII)
def reveal_message(data: dict[str, Any], message_id: int) -> OutboxSnapshot:
    """One message with its payload in full (needs outbox:read too); each read is audited with its reason."""
    return services().outbox.reveal(message_id, data["reason"], current_actor())
