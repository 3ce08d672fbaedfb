"""/api/v1/applications (办件): accepted at any window, listed, read, and the window's actions written out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from marshmallow import Schema

from gateway.api.actions import action, reading, reveal_view
from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import filter_of, paged
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links, operation_id
from gateway.domain.access import APP_ACCEPT, APP_READ
from gateway.domain.applications import AppAction
from gateway.services.applications import ApplicationFilter
from schemas.applications import (
    AppEventOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    AppNoteIn,
    PickupIn,
    PostIn,
    SupplementIn,
)

blp = GatewayBlueprint(
    "applications",
    __name__,
    url_prefix="/api/v1/applications",
    description="办件: window, review, delivery",
)

ID = "<int(max=9223372036854775807):app_id>"
NO_SUCH = "no such application"
NOT_NOW = "not allowed in the current status"

WINDOW_ACTIONS = (AppAction.SUPPLEMENT, AppAction.PREPARE, AppAction.PICKUP, AppAction.POST)
_APPLICATION_VIEWS = [
    "get_application",
    "application_events",
    "reveal_applicant",
    *(f"application_{a.name.lower()}" for a in WINDOW_ACTIONS),
]
# An application in a response (or the newest of a listing) leads to everything done with one, its
# 好差评 (gateway.api.evaluations) included.
FOLLOW_UPS = link_to("applications", _APPLICATION_VIEWS, app_id=BODY_ID) | link_to(
    "evaluations", ["evaluate"], app_id=BODY_ID
)
NEWEST_FOLLOW_UPS = link_to("applications", _APPLICATION_VIEWS, app_id=FIRST_ID) | link_to(
    "evaluations", ["evaluate"], app_id=FIRST_ID
)


@blp.route("", endpoint="applications")
class Applications(MethodView):
    """The applications: accepted and listed."""

    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, ApplicationOut(many=True))
    @links(blp, [200], NEWEST_FOLLOW_UPS)
    @blp.paginate()
    @operation_id(blp, "list_applications")
    @protected(blp, APP_READ)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
        """Applications, newest first; filters include results waiting too long for pickup."""
        find = partial(services().applications.find, filter_of(ApplicationFilter, query), current_actor())
        return paged(pagination_parameters, find)

    @blp.arguments(ApplicationIn)
    @blp.response(201, ApplicationOut)
    @links(blp, [201], FOLLOW_UPS)
    @operation_id(blp, "accept")
    @protected(blp, APP_ACCEPT)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """前台综合受理: any window accepts any item.

        422 names a missing material (容缺 where the item allows).
        """
        return services().applications.accept(data, current_actor())


@blp.route(f"/{ID}", endpoint="get_application")
class Application(MethodView):
    """One application."""

    @blp.response(200, ApplicationOut)
    @blp.alt_response(404, description=NO_SUCH)
    @protected(blp, APP_READ)
    def get(self, app_id: int) -> dict[str, Any]:
        """One application with its department tasks."""
        return services().applications.get(app_id, current_actor())


# 查看完整信息, its URL written out; the view, its body and answer are those of every record's reveal.
reveal_applicant = reveal_view(
    blp, f"/{ID}/reveal", "applicant", NO_SUCH, lambda: services().applications.reveal
)


@blp.route(f"/{ID}/events", methods=["GET"])
@reading(blp, AppEventOut(many=True), APP_READ, missing=NO_SUCH)
def application_events(app_id: int) -> list[dict[str, Any]]:
    """Every step, with the proxy (全程代办) where staff acted for the applicant."""
    return services().applications.events(app_id, current_actor())


# ---- the window's actions (the departments' review and decision arrive through their own systems) ----


def window_action(rule: str, act: AppAction, body: type[Schema]) -> Callable[..., dict[str, Any]]:
    """The view of one window action at `rule` (POST): each answers, links and fails alike."""

    def view(data: dict[str, Any], app_id: int) -> dict[str, Any]:
        return services().applications.act(app_id, act, data, current_actor())

    view.__name__ = f"application_{act.name.lower()}"
    view.__doc__ = f"Window action '{act.value}'; 409 names the current status and the allowed actions."
    documented = action(
        blp, body, ApplicationOut, APP_ACCEPT, missing=NO_SUCH, conflict=NOT_NOW, follow_ups=FOLLOW_UPS
    )(view)
    return blp.route(rule, methods=["POST"])(documented)  # type: ignore[no-any-return]


# One line a window action, its URL written out: the four views differ only in these three values.
application_supplement = window_action(f"/{ID}/supplement", AppAction.SUPPLEMENT, SupplementIn)
application_prepare = window_action(f"/{ID}/prepare", AppAction.PREPARE, AppNoteIn)
application_pickup = window_action(f"/{ID}/pickup", AppAction.PICKUP, PickupIn)
application_post = window_action(f"/{ID}/post", AppAction.POST, PostIn)
