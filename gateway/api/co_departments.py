"""协办: /api/v1/inquiries/{id}/opinions (a co-department's 协办意见, and the list of them) and
/api/v1/co-department-tasks (each co-department's task, its due date and state)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import operation_id
from gateway.domain.access import OPINION_READ, OPINION_WRITE
from gateway.services.co_departments import OpinionSnapshot, TaskSnapshot
from schemas.co_departments import CoTaskOut, CoTaskQuery, OpinionIn, OpinionOut

opinions_blp = GatewayBlueprint(
    "opinions", __name__, url_prefix="/api/v1/inquiries", description="协办意见: co-departments' opinions"
)
tasks_blp = GatewayBlueprint(
    "co_department_tasks",
    __name__,
    url_prefix="/api/v1/co-department-tasks",
    description="协办: each co-department's task, due before the lead's deadline",
)

ID = "<int(max=9223372036854775807):inquiry_id>"
NO_SUCH = "no such inquiry"
REFUSED = "the inquiry is not being handled, or this department's task is answered already"


@opinions_blp.route(f"/{ID}/opinions", endpoint="opinions")
class Opinions(MethodView):
    """The co-departments' opinions on one inquiry."""

    @opinions_blp.response(200, OpinionOut(many=True))
    @opinions_blp.alt_response(404, description=NO_SUCH)
    @opinions_blp.paginate()
    @operation_id(opinions_blp, "list_opinions")
    @protected(opinions_blp, OPINION_READ)
    def get(self, inquiry_id: int, pagination_parameters: PaginationParameters) -> list[OpinionSnapshot]:
        """The opinions, oldest first (a co-department reads its own); personal data redacted."""
        find = partial(services().co_departments.opinions, inquiry_id, current_actor())
        return paged(pagination_parameters, find)

    @opinions_blp.arguments(OpinionIn)
    @opinions_blp.response(201, OpinionOut, description="recorded")
    @opinions_blp.alt_response(404, description=NO_SUCH)
    @opinions_blp.alt_response(409, description=REFUSED)
    @operation_id(opinions_blp, "give_opinion")
    @protected(opinions_blp, OPINION_WRITE)
    def post(self, data: dict[str, Any], inquiry_id: int) -> tuple[OpinionSnapshot, int]:
        """Record the caller's department's opinion: only a co-department (协办单位) of the inquiry, once,
        while the lead department handles it; 409 names why not and the statuses that allow it."""
        return services().co_departments.give_opinion(inquiry_id, data["text"], current_actor()), 201


@tasks_blp.route("", methods=["GET"])
@tasks_blp.arguments(CoTaskQuery, location="query")
@tasks_blp.response(200, CoTaskOut(many=True))
@tasks_blp.paginate()
@protected(tasks_blp, OPINION_READ)
def list_tasks(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[TaskSnapshot]:
    """Co-department tasks, earliest lead deadline first; `state=overdue` for the supervisors' list. A
    department sees its own tasks and those on the inquiries it leads."""
    find = partial(
        services().co_departments.tasks,
        current_actor(),
        state=query.get("state"),
        department=query.get("department"),
    )
    return paged(pagination_parameters, find)
