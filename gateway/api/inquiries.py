"""/api/v1/inquiries: intake, listing, history and the lifecycle actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links
from gateway.domain.access import CREATE, PII, READ, act
from gateway.domain.lifecycle import Action
from gateway.services.inquiry_queries import InquiryFilter
from gateway.services.views import Citizen, EventView, InquiryView
from schemas.inquiry import (
    ACTION_SCHEMAS,
    CitizenOut,
    EventOut,
    InquiryIn,
    InquiryOut,
    InquiryQuery,
    RevealIn,
)

blp = GatewayBlueprint(
    "inquiries", __name__, url_prefix="/api/v1/inquiries", description="诉求: intake and lifecycle"
)

ID = "<int(max=9223372036854775807):inquiry_id>"

# An inquiry in a response (or the newest of a listing) leads to everything done with one: OpenAPI links,
# which clients and fuzzers follow.
_VIEWS = ["get_inquiry", "list_events", "reveal_citizen", *(f"action_{a.name.lower()}" for a in Action)]
FOLLOW_UPS = link_to("inquiries", _VIEWS, inquiry_id=BODY_ID)


@blp.route("", methods=["POST"])
@blp.arguments(InquiryIn)
@blp.response(201, InquiryOut, description="created")
@blp.alt_response(
    200, schema=InquiryOut, description="a repeat of (channel, external_id): the existing inquiry"
)
@links(blp, [201, 200], FOLLOW_UPS)
@protected(blp, CREATE)
def create_inquiry(data: dict[str, Any]) -> tuple[InquiryView, int]:
    """Take in an inquiry of a channel the key's role takes in (idempotent on channel + external_id).

    A channel system's key takes in its own channel, an operator's the hotline, a window clerk's the window;
    only a channel's own system gives external_id (its own id). Anything else is refused with 403.
    """
    view, created = services().inquiries.intake(data, current_actor())
    return view, 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(InquiryQuery, location="query")
@blp.response(200, InquiryOut(many=True))
@links(blp, [200], link_to("inquiries", _VIEWS, inquiry_id=FIRST_ID))
@blp.paginate()
@protected(blp, READ)
def list_inquiries(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[InquiryView]:
    """Inquiries, newest first, filtered and paged (X-Pagination header)."""
    filters = InquiryFilter(
        status=tuple(query.get("status") or ()),
        department=query.get("department"),
        kind=query.get("kind"),
        channel=query.get("channel"),
        overdue=query.get("overdue"),
        due_soon=query.get("due_soon"),
        created_from=query.get("created_from"),
        created_to=query.get("created_to"),
        text=query.get("q"),
    )
    page = services().inquiries.find(
        filters,
        current_actor(),
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = page.total
    return page.items


@blp.route(f"/{ID}", methods=["GET"])
@blp.response(200, InquiryOut)
@blp.alt_response(404, description="no such inquiry")
@protected(blp, READ)
def get_inquiry(inquiry_id: int) -> InquiryView:
    """One inquiry; personal data masked."""
    return services().inquiries.get(inquiry_id, current_actor())


@blp.route(f"/{ID}/events", methods=["GET"])
@blp.response(200, EventOut(many=True))
@blp.alt_response(404, description="no such inquiry")
@protected(blp, READ)
def list_events(inquiry_id: int) -> list[EventView]:
    """The inquiry's history: every transition with actor, time, from, to and note."""
    return services().inquiries.events(inquiry_id, current_actor())


@blp.route(f"/{ID}/reveal", methods=["POST"])
@blp.arguments(RevealIn)
@blp.response(200, CitizenOut)
@blp.alt_response(404, description="no such inquiry")
@protected(blp, PII)
def reveal_citizen(data: dict[str, Any], inquiry_id: int) -> Citizen:
    """The citizen's name, phone and ID number in full; each read is audited with its reason."""
    return services().inquiries.reveal(inquiry_id, data["reason"], current_actor())


def _action_view(action: Action) -> Callable[..., InquiryView]:
    def view(data: dict[str, Any], inquiry_id: int) -> InquiryView:
        return services().inquiries.act(inquiry_id, action, data, current_actor())

    view.__name__ = f"action_{action.name.lower()}"
    view.__doc__ = f"Lifecycle action '{action.value}'; 409 names the current status and allowed actions."
    return view


for _action in Action:
    _view = _action_view(_action)
    _view = protected(blp, act(_action))(_view)
    _view = blp.alt_response(409, description="not allowed in the current status")(_view)
    _view = blp.alt_response(404, description="no such inquiry")(_view)
    _view = blp.response(200, InquiryOut)(_view)
    _view = links(blp, [200], FOLLOW_UPS)(_view)
    _view = blp.arguments(ACTION_SCHEMAS[_action.value])(_view)
    blp.route(f"/{ID}/{_action.value}", methods=["POST"], endpoint=_view.__name__)(_view)
