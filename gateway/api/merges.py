"""/api/v1/inquiries/{id}/duplicates, /merge, /unmerge and /children: 并单 (merging duplicates)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.actions import action, reading
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.domain.access import MERGE, READ
from gateway.services.inquiries.merges import Candidate
from gateway.services.snapshots import InquirySnapshot
from schemas.inquiry import InquiryOut
from schemas.merge import CandidateOut, MergeIn, UnmergeIn

blp = GatewayBlueprint(
    "merges", __name__, url_prefix="/api/v1/inquiries", description="并单: duplicates merged into one master"
)

ID = "<int(max=9223372036854775807):inquiry_id>"
NO_SUCH = "no such inquiry (or the master)"
REFUSED = "refused: `errors.reason` says why (itself, a cycle, closed, already merged, departments differ)"


@blp.route(f"/{ID}/duplicates", methods=["GET"])
@reading(blp, CandidateOut(many=True), MERGE, missing=NO_SUCH)
def list_duplicates(inquiry_id: int) -> list[Candidate]:
    """Inquiries this one may duplicate, with why: the same caller within 30 days; the same district and
    address within 7 days with similar text (at most 20 per rule)."""
    return services().inquiries.candidates(inquiry_id, current_actor())


@blp.route(f"/{ID}/merge", methods=["POST"])
@action(blp, MergeIn, InquiryOut, MERGE, missing=NO_SUCH, conflict=REFUSED)
def merge_inquiry(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """并单: make this inquiry a child of `master_id`; it takes the master's state and follows its
    lifecycle (its own origin system hears each change). 409 names why a merge is refused."""
    return services().inquiries.merge(inquiry_id, data["master_id"], data["reason"], current_actor())


@blp.route(f"/{ID}/unmerge", methods=["POST"])
@action(blp, UnmergeIn, InquiryOut, MERGE, missing=NO_SUCH, conflict=REFUSED)
def unmerge_inquiry(data: dict[str, Any], inquiry_id: int) -> InquirySnapshot:
    """Undo a merge, until the master is replied; the inquiry goes on on its own."""
    return services().inquiries.unmerge(inquiry_id, data["reason"], current_actor())


@blp.route(f"/{ID}/children", methods=["GET"])
@blp.response(200, InquiryOut(many=True))
@blp.alt_response(404, description=NO_SUCH)
@blp.paginate()
@protected(blp, READ)
def list_children(inquiry_id: int, pagination_parameters: PaginationParameters) -> list[InquirySnapshot]:
    """The inquiries merged into this one (子单), oldest first, paged (X-Pagination header)."""
    find = partial(services().inquiries.children, inquiry_id, current_actor())
    return paged(pagination_parameters, find)
