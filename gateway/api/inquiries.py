"""/api/v1/inquiries: intake, listing, history and the lifecycle actions, each route written out."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from gateway.api.actions import action, reading, reveal_view
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import filter_of, paged
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links, operation_id
from gateway.domain.access import CREATE, READ, act
from gateway.domain.lifecycle import Action
from gateway.services.inquiries import InquiryFilter
from gateway.services.snapshots import EventSnapshot, InquirySnapshot
from schemas.inquiry import (
    CallbackIn,
    DispatchIn,
    EscalateIn,
    EventOut,
    ExtensionIn,
    InquiryIn,
    InquiryOut,
    InquiryQuery,
    NoteIn,
    ReasonIn,
    ReplyIn,
)

blp = GatewayBlueprint(
    "inquiries", __name__, url_prefix="/api/v1/inquiries", description="诉求: intake and lifecycle"
)

ID = "<int(max=9223372036854775807):inquiry_id>"
NO_SUCH = "no such inquiry"
NOT_NOW = "not allowed in the current status"

# An inquiry in a response (or the newest of a listing) leads to everything done with one: OpenAPI links,
# which clients and fuzzers follow.
_VIEWS = ["get_inquiry", "list_events", "reveal_citizen", *(f"action_{a.name.lower()}" for a in Action)]
# 协办: the co-departments' opinions on it (gateway.api.co_departments), 并单's endpoints (gateway.api.merges)
# and 附件 (gateway.api.attachments) are done with an inquiry too.
_OPINIONS = link_to("opinions", ["list_opinions", "give_opinion"], inquiry_id=BODY_ID)
MERGE_VIEWS = ["list_duplicates", "merge_inquiry", "unmerge_inquiry", "list_children"]
_ATTACHMENTS = ["list_attachments", "upload_attachments"]
FOLLOW_UPS = {
    **link_to("inquiries", _VIEWS, inquiry_id=BODY_ID),
    **_OPINIONS,
    **link_to("merges", MERGE_VIEWS, inquiry_id=BODY_ID),
    **link_to("attachments", _ATTACHMENTS, inquiry_id=BODY_ID),
}
# Every lifecycle action answers the inquiry, leads to what may follow, and names 404 and 409 alike.
LIFECYCLE = partial(
    action, blp, response=InquiryOut, missing=NO_SUCH, conflict=NOT_NOW, follow_ups=FOLLOW_UPS
)


@blp.route("", endpoint="inquiries")
class Inquiries(MethodView):
    """The inquiries: taken in and listed."""

    @blp.arguments(InquiryQuery, location="query")
    @blp.response(200, InquiryOut(many=True))
    @links(
        blp,
        [200],
        link_to("inquiries", _VIEWS, inquiry_id=FIRST_ID)
        | link_to("merges", MERGE_VIEWS, inquiry_id=FIRST_ID)
        | link_to("attachments", _ATTACHMENTS, inquiry_id=FIRST_ID),
    )
    @blp.paginate()
    @operation_id(blp, "list_inquiries")
    @protected(blp, READ)
    def get(
        self, query: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[InquirySnapshot]:
        """Inquiries, newest first, filtered and paged (X-Pagination header)."""
        find = partial(services().inquiries.find, filter_of(InquiryFilter, query), current_actor())
        return paged(pagination_parameters, find)

    @blp.arguments(InquiryIn)
    @blp.response(201, InquiryOut, description="created")
    @blp.alt_response(
        200, schema=InquiryOut, description="a repeat of (channel, external_id): the existing inquiry"
    )
    @links(blp, [201, 200], FOLLOW_UPS)
    @operation_id(blp, "create_inquiry")
    @protected(blp, CREATE)
    def post(self, data: dict[str, Any]) -> tuple[InquirySnapshot, int]:
        """Take in an inquiry of a channel the key's role takes in (idempotent on channel + external_id).

        A channel system's key takes in its own channel, an operator's the hotline, a window clerk's the window;
        only a channel's own system gives external_id (its own id). Anything else is refused with 403.
        """  # noqa: E501 - the spec's text, line for line
        view, created = services().inquiries.intake(data, current_actor())
        return view, 201 if created else 200


@blp.route(f"/{ID}", endpoint="get_inquiry")
class Inquiry(MethodView):
    """One inquiry."""

    @blp.response(200, InquiryOut)
    @blp.alt_response(404, description=NO_SUCH)
    @protected(blp, READ)
    def get(self, inquiry_id: int) -> InquirySnapshot:
        """One inquiry; personal data masked."""
        return services().inquiries.get(inquiry_id, current_actor())


@blp.route(f"/{ID}/events", methods=["GET"])
@reading(blp, EventOut(many=True), READ, missing=NO_SUCH)
def list_events(inquiry_id: int) -> list[EventSnapshot]:
    """The inquiry's history: every transition with actor, time, from, to and note."""
    return services().inquiries.events(inquiry_id, current_actor())


# 查看完整信息, its URL written out; the view, its body and answer are those of every record's reveal.
reveal_citizen = reveal_view(blp, f"/{ID}/reveal", "citizen", NO_SUCH, lambda: services().inquiries.reveal)


# ---- the lifecycle actions (gateway.domain.lifecycle.TRANSITIONS says when each is allowed) ----------


@blp.route(f"/{ID}/dispatch", methods=["POST"])
@LIFECYCLE(DispatchIn, permission=act(Action.DISPATCH))
def action_dispatch(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'dispatch'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.DISPATCH, data, current_actor())


@blp.route(f"/{ID}/acknowledge", methods=["POST"])
@LIFECYCLE(NoteIn, permission=act(Action.ACKNOWLEDGE))
def action_acknowledge(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'acknowledge'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.ACKNOWLEDGE, data, current_actor())


@blp.route(f"/{ID}/return", methods=["POST"])
@LIFECYCLE(ReasonIn, permission=act(Action.RETURN))
def action_return(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'return'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.RETURN, data, current_actor())


@blp.route(f"/{ID}/request-extension", methods=["POST"])
@LIFECYCLE(ExtensionIn, permission=act(Action.REQUEST_EXTENSION))
def action_request_extension(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'request-extension'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.REQUEST_EXTENSION, data, current_actor())


@blp.route(f"/{ID}/approve-extension", methods=["POST"])
@LIFECYCLE(NoteIn, permission=act(Action.APPROVE_EXTENSION))
def action_approve_extension(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'approve-extension'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.APPROVE_EXTENSION, data, current_actor())


@blp.route(f"/{ID}/refuse-extension", methods=["POST"])
@LIFECYCLE(ReasonIn, permission=act(Action.REFUSE_EXTENSION))
def action_refuse_extension(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'refuse-extension'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.REFUSE_EXTENSION, data, current_actor())


@blp.route(f"/{ID}/reply", methods=["POST"])
@LIFECYCLE(ReplyIn, permission=act(Action.REPLY))
def action_reply(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'reply'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.REPLY, data, current_actor())


@blp.route(f"/{ID}/callback", methods=["POST"])
@LIFECYCLE(CallbackIn, permission=act(Action.CALLBACK))
def action_callback(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'callback'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.CALLBACK, data, current_actor())


@blp.route(f"/{ID}/close", methods=["POST"])
@LIFECYCLE(NoteIn, permission=act(Action.CLOSE))
def action_close(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'close'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.CLOSE, data, current_actor())


@blp.route(f"/{ID}/reopen", methods=["POST"])
@LIFECYCLE(ReasonIn, permission=act(Action.REOPEN))
def action_reopen(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'reopen'; 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.REOPEN, data, current_actor())


@blp.route(f"/{ID}/escalate", methods=["POST"])
@LIFECYCLE(EscalateIn, permission=act(Action.ESCALATE))
def action_escalate(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Lifecycle action 'escalate' (督办): issues a 督办单 to the lead department (GET
    /api/v1/supervision-notices?inquiry_id=); 409 names the current status and allowed actions."""
    return services().inquiries.act(inquiry_id, Action.ESCALATE, data, current_actor())
