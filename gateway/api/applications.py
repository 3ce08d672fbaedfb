"""/api/v1/applications (办件): accepted at any window, listed, read, and the window's actions written out."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import filter_of, paged
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links, operation_id
from gateway.domain.access import APP_ACCEPT, APP_READ, PII
from gateway.domain.applications import AppAction
from gateway.services.applications import ApplicationFilter
from gateway.services.snapshots import Citizen
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
from schemas.inquiry import CitizenOut, RevealIn

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


@blp.route(f"/{ID}/reveal", methods=["POST"])
@blp.arguments(RevealIn)
@blp.response(200, CitizenOut)
@blp.alt_response(404, description=NO_SUCH)
@protected(blp, PII)
def reveal_applicant(data: dict[str, Any], app_id: int) -> Citizen:
    """The applicant's name, phone and ID number in full; each read is audited with its reason."""
    return services().applications.reveal(app_id, data["reason"], current_actor())


@blp.route(f"/{ID}/events", methods=["GET"])
@blp.response(200, AppEventOut(many=True))
@blp.alt_response(404, description=NO_SUCH)
@protected(blp, APP_READ)
def application_events(app_id: int) -> list[dict[str, Any]]:
    """Every step, with the proxy (全程代办) where staff acted for the applicant."""
    return services().applications.events(app_id, current_actor())


# ---- the window's actions (the departments' review and decision arrive through their own systems) ----


@blp.route(f"/{ID}/supplement", methods=["POST"])
@blp.arguments(SupplementIn)
@links(blp, [200], FOLLOW_UPS)
@blp.response(200, ApplicationOut)
@blp.alt_response(404, description=NO_SUCH)
@blp.alt_response(409, description=NOT_NOW)
@protected(blp, APP_ACCEPT)
def application_supplement(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """Window action 'supplement'; 409 names the current status and the allowed actions."""
    return services().applications.act(app_id, AppAction.SUPPLEMENT, data, current_actor())


@blp.route(f"/{ID}/prepare", methods=["POST"])
@blp.arguments(AppNoteIn)
@links(blp, [200], FOLLOW_UPS)
@blp.response(200, ApplicationOut)
@blp.alt_response(404, description=NO_SUCH)
@blp.alt_response(409, description=NOT_NOW)
@protected(blp, APP_ACCEPT)
def application_prepare(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """Window action 'prepare'; 409 names the current status and the allowed actions."""
    return services().applications.act(app_id, AppAction.PREPARE, data, current_actor())


@blp.route(f"/{ID}/pickup", methods=["POST"])
@blp.arguments(PickupIn)
@links(blp, [200], FOLLOW_UPS)
@blp.response(200, ApplicationOut)
@blp.alt_response(404, description=NO_SUCH)
@blp.alt_response(409, description=NOT_NOW)
@protected(blp, APP_ACCEPT)
def application_pickup(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """Window action 'pickup'; 409 names the current status and the allowed actions."""
    return services().applications.act(app_id, AppAction.PICKUP, data, current_actor())


@blp.route(f"/{ID}/post", methods=["POST"])
@blp.arguments(PostIn)
@links(blp, [200], FOLLOW_UPS)
@blp.response(200, ApplicationOut)
@blp.alt_response(404, description=NO_SUCH)
@blp.alt_response(409, description=NOT_NOW)
@protected(blp, APP_ACCEPT)
def application_post(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """Window action 'post'; 409 names the current status and the allowed actions."""
    return services().applications.act(app_id, AppAction.POST, data, current_actor())
