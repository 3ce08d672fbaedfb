"""/api/v1/publications: replies held for review (待审核) before the website shows them; approve or reject."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.actions import action
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import FIRST_ID, link_to, links
from gateway.domain.access import OUTBOX_MANAGE
from gateway.services.publications import PublicationService, PublicationSnapshot
from schemas.publication import ApproveIn, PublicationOut, PublicationQuery, RejectIn

blp = GatewayBlueprint(
    "publications",
    __name__,
    url_prefix="/api/v1/publications",
    description="公开答复 held for review (待审核): approve or reject",
)

ID = "<int(max=9223372036854775807):message_id>"
NO_SUCH = "no such publication"
# The first publication listed leads to its approval or rejection (OpenAPI links).
DECISIONS = link_to("publications", ["approve", "reject"], message_id=FIRST_ID)


def publications() -> PublicationService:
    """The publication service over this app's database and clock."""
    wired = services()
    return PublicationService(wired.db, wired.clock)


@blp.route("", methods=["GET"])
@blp.arguments(PublicationQuery, location="query")
@blp.response(200, PublicationOut(many=True))
@blp.paginate()
@links(blp, [200], DECISIONS)
@protected(blp, OUTBOX_MANAGE)
def list_publications(
    query: dict[str, Any], pagination_parameters: PaginationParameters
) -> list[PublicationSnapshot]:
    """Replies for the website in a status (held by default), oldest first, with why each was held."""
    return paged(pagination_parameters, partial(publications().find, current_actor(), status=query["status"]))


@blp.route(f"/{ID}/approve", methods=["POST"])
@action(
    blp,
    ApproveIn,
    PublicationOut,
    OUTBOX_MANAGE,
    missing=NO_SUCH,
    conflict="not held, or a later reply of the inquiry replaces it",
)
def approve(data: dict[str, Any], message_id: int) -> PublicationSnapshot:
    """Send a held reply (with an edited text or title, redacted again, if given); audited."""
    return publications().approve(message_id, current_actor(), text=data.get("text"), title=data.get("title"))


@blp.route(f"/{ID}/reject", methods=["POST"])
@action(blp, RejectIn, PublicationOut, OUTBOX_MANAGE, missing=NO_SUCH, conflict="not held")
def reject(data: dict[str, Any], message_id: int) -> PublicationSnapshot:
    """Never publish a held reply; the reason is audited."""
    return publications().reject(message_id, data["reason"], current_actor())
