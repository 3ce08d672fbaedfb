"""/api/v1/rectifications (整改): the tasks a bad rating opens, their 回访 and their closing."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.actions import action, reading
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links
from gateway.domain.access import RECTIFY
from schemas.applications import CloseIn, RectificationCallbackIn, RectificationOut, RectificationQuery

blp = GatewayBlueprint(
    "rectifications",
    __name__,
    url_prefix="/api/v1/rectifications",
    description="整改: rectifications opened by bad ratings",
)

ID = "<int(max=9223372036854775807):rect_id>"
NO_SUCH = "no such rectification"
# A rectification in a response (or the newest of a listing) leads to its next steps.
STEPS = ["get_rectification", "rectification_callback", "rectification_close"]
# Each step answers the rectification and leads to the next steps.
STEP = partial(
    action,
    blp,
    response=RectificationOut,
    permission=RECTIFY,
    missing=NO_SUCH,
    follow_ups=link_to("rectifications", STEPS, rect_id=BODY_ID),
)


@blp.route("", methods=["GET"])
@blp.arguments(RectificationQuery, location="query")
@blp.response(200, RectificationOut(many=True))
@links(blp, [200], link_to("rectifications", STEPS, rect_id=FIRST_ID))
@blp.paginate()
@protected(blp, RECTIFY)
def list_rectifications(
    query: dict[str, Any], pagination_parameters: PaginationParameters
) -> list[dict[str, Any]]:
    """Rectification tasks from bad ratings, newest first."""
    find = partial(services().evaluations.rectifications, current_actor(), status=query.get("status"))
    return paged(pagination_parameters, find)


@blp.route(f"/{ID}", methods=["GET"])
@links(blp, [200], link_to("rectifications", STEPS, rect_id=BODY_ID))
@reading(blp, RectificationOut(), RECTIFY, missing=NO_SUCH)
def get_rectification(rect_id: int) -> dict[str, Any]:
    """One rectification with the rating that opened it and the rated application (applicant masked)."""
    return services().evaluations.rectification(rect_id, current_actor())


@blp.route(f"/{ID}/callback", methods=["POST"])
@STEP(RectificationCallbackIn, conflict="closed already")
def rectification_callback(data: dict[str, Any], rect_id: int) -> dict[str, Any]:
    """回访 record: required before the rectification may close."""
    return services().evaluations.callback(rect_id, data, current_actor())


@blp.route(f"/{ID}/close", methods=["POST"])
@STEP(CloseIn, conflict="no callback recorded yet")
def rectification_close(data: dict[str, Any], rect_id: int) -> dict[str, Any]:
    """Close a rectification (409 until a callback is recorded)."""
    return services().evaluations.close(rect_id, data, current_actor())
