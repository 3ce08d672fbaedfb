"""/api/v1/supervision-notices (督办单): issued by 督办, signed for (签收) and answered (督办回复).

Issuing a notice is the inquiry's escalate action: POST here with an inquiry id, or POST
/api/v1/inquiries/{id}/escalate; both run the same action, which counts, records the event and issues
the notice to the lead department (the deadline sweep's 超期督办 too).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from gateway.api.actions import action
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links, operation_id
from gateway.domain.access import NOTICE_ANSWER, NOTICE_READ, act
from gateway.domain.lifecycle import Action
from gateway.services.supervision.service import NoticeSnapshot
from schemas.supervision import NoticeAcknowledgeIn, NoticeIn, NoticeOut, NoticeQuery, NoticeRespondIn

blp = GatewayBlueprint(
    "supervision_notices",
    __name__,
    url_prefix="/api/v1/supervision-notices",
    description="督办单: supervision notices to departments and their responses",
)

ID = "<int(max=9223372036854775807):notice_id>"
NO_SUCH = "no such supervision notice"
_VIEWS = ["get_notice", "acknowledge_notice", "respond_notice"]
FOLLOW_UPS = link_to("supervision_notices", _VIEWS, notice_id=BODY_ID)
STEP = partial(
    action,
    blp,
    response=NoticeOut,
    permission=NOTICE_ANSWER,
    missing=NO_SUCH,
    conflict="not allowed in the notice's state; names the allowed actions",
    follow_ups=FOLLOW_UPS,
)


@blp.route("", endpoint="notices")
class Notices(MethodView):
    """The notices: listed and issued."""

    @blp.arguments(NoticeQuery, location="query")
    @blp.response(200, NoticeOut(many=True))
    @links(blp, [200], link_to("supervision_notices", _VIEWS, notice_id=FIRST_ID))
    @blp.paginate()
    @operation_id(blp, "list_notices")
    @protected(blp, NOTICE_READ)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[NoticeSnapshot]:
        """Notices, newest first, by state (overdue: open past its response date), department and
        inquiry; a department sees those addressed to it."""
        find = partial(services().supervision.find, current_actor(), **query)
        return paged(pagination_parameters, find)

    @blp.arguments(NoticeIn)
    @blp.response(201, NoticeOut, description="issued")
    @blp.alt_response(404, description="no such inquiry")
    @blp.alt_response(409, description="the inquiry may not be escalated now, or has no lead department")
    @links(blp, [201], FOLLOW_UPS)
    @operation_id(blp, "issue_notice")
    @protected(blp, act(Action.ESCALATE))
    def post(self, data: dict[str, Any]) -> tuple[NoticeSnapshot, int]:
        """督办: escalate the inquiry, issuing a notice to its lead department (the same action as
        POST /api/v1/inquiries/{id}/escalate)."""
        return services().supervision.issue(data, current_actor()), 201


@blp.route(f"/{ID}", endpoint="get_notice")
class Notice(MethodView):
    """One notice."""

    @blp.response(200, NoticeOut)
    @blp.alt_response(404, description=NO_SUCH)
    @protected(blp, NOTICE_READ)
    def get(self, notice_id: int) -> NoticeSnapshot:
        """One notice."""
        return services().supervision.get(notice_id, current_actor())


@blp.route(f"/{ID}/acknowledge", methods=["POST"])
@STEP(NoticeAcknowledgeIn)
def acknowledge_notice(data: dict[str, Any], notice_id: int) -> NoticeSnapshot:
    """签收: the lead department confirms it has the notice (from issued)."""
    return services().supervision.acknowledge(notice_id, data, current_actor())


@blp.route(f"/{ID}/respond", methods=["POST"])
@STEP(NoticeRespondIn)
def respond_notice(data: dict[str, Any], notice_id: int) -> NoticeSnapshot:
    """督办回复: the lead department's response (after 签收)."""
    return services().supervision.respond(notice_id, data, current_actor())
