"""/api/v1/applications (办件), /api/v1/rectifications (整改) and the supervisors' figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.spec import BODY_ID, FIRST_ID, link_to, links
from gateway.domain.access import APP_ACCEPT, APP_READ, PII, RECTIFY, STATS
from gateway.domain.applications import AppAction
from gateway.services.applications import ApplicationFilter
from gateway.services.views import Citizen
from schemas.applications import (
    AppEventOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    AppNoteIn,
    CloseIn,
    EvaluationIn,
    EvaluationOut,
    PickupIn,
    PostIn,
    RectificationCallbackIn,
    RectificationOut,
    RectificationQuery,
    StatsOut,
    StatsQuery,
    SupplementIn,
)
from schemas.inquiry import CitizenOut, RevealIn

blp = GatewayBlueprint(
    "applications", __name__, url_prefix="/api/v1", description="办件: window, review, delivery, 好差评"
)

ID = "<int(max=9223372036854775807):app_id>"
RID = "<int(max=9223372036854775807):rect_id>"

WINDOW_ACTIONS = (AppAction.SUPPLEMENT, AppAction.PREPARE, AppAction.PICKUP, AppAction.POST)
_APPLICATION_VIEWS = [
    "get_application",
    "application_events",
    "reveal_applicant",
    *(f"application_{a.name.lower()}" for a in WINDOW_ACTIONS),
    "evaluate",
]
# An application in a response (or the newest of a listing) leads to everything done with one; a
# rectification likewise.
FOLLOW_UPS = link_to("applications", _APPLICATION_VIEWS, app_id=BODY_ID)
RECTIFICATION_STEPS = ["rectification_callback", "rectification_close"]


@blp.route("/applications", methods=["POST"])
@blp.arguments(ApplicationIn)
@blp.response(201, ApplicationOut)
@links(blp, [201], FOLLOW_UPS)
@protected(blp, APP_ACCEPT)
def accept(data: dict[str, Any]) -> dict[str, Any]:
    """前台综合受理: any window accepts any item.

    422 names a missing material (容缺 where the item allows).
    """
    return services().applications.accept(data, current_actor())


@blp.route("/applications", methods=["GET"])
@blp.arguments(ApplicationQuery, location="query")
@blp.response(200, ApplicationOut(many=True))
@links(blp, [200], link_to("applications", _APPLICATION_VIEWS, app_id=FIRST_ID))
@blp.paginate()
@protected(blp, APP_READ)
def list_applications(
    query: dict[str, Any], pagination_parameters: PaginationParameters
) -> list[dict[str, Any]]:
    """Applications, newest first; filters include results waiting too long for pickup."""
    filters = ApplicationFilter(
        status=tuple(query.get("status") or ()),
        department=query.get("department"),
        item_code=query.get("item_code"),
        pickup_overdue=query.get("pickup_overdue"),
        supplement_overdue=query.get("supplement_overdue"),
        text=query.get("q"),
    )
    page = services().applications.find(
        filters,
        current_actor(),
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = page.total
    return page.items


@blp.route(f"/applications/{ID}", methods=["GET"])
@blp.response(200, ApplicationOut)
@blp.alt_response(404, description="no such application")
@protected(blp, APP_READ)
def get_application(app_id: int) -> dict[str, Any]:
    """One application with its department tasks."""
    return services().applications.get(app_id, current_actor())


@blp.route(f"/applications/{ID}/reveal", methods=["POST"])
@blp.arguments(RevealIn)
@blp.response(200, CitizenOut)
@blp.alt_response(404, description="no such application")
@protected(blp, PII)
def reveal_applicant(data: dict[str, Any], app_id: int) -> Citizen:
    """The applicant's name, phone and ID number in full; each read is audited with its reason."""
    return services().applications.reveal(app_id, data["reason"], current_actor())


@blp.route(f"/applications/{ID}/events", methods=["GET"])
@blp.response(200, AppEventOut(many=True))
@blp.alt_response(404, description="no such application")
@protected(blp, APP_READ)
def application_events(app_id: int) -> list[dict[str, Any]]:
    """Every step, with the proxy (全程代办) where staff acted for the applicant."""
    return services().applications.events(app_id, current_actor())


def _window_action(action: AppAction) -> Callable[..., dict[str, Any]]:
    def view(data: dict[str, Any], app_id: int) -> dict[str, Any]:
        return services().applications.act(app_id, action, data, current_actor())

    view.__name__ = f"application_{action.name.lower()}"
    view.__doc__ = f"Window action '{action.value}'; 409 names the current status and the allowed actions."
    return view


for _action, _schema in zip(WINDOW_ACTIONS, (SupplementIn, AppNoteIn, PickupIn, PostIn), strict=True):
    _view = _window_action(_action)
    _view = protected(blp, APP_ACCEPT)(_view)
    _view = blp.alt_response(409, description="not allowed in the current status")(_view)
    _view = blp.alt_response(404, description="no such application")(_view)
    _view = blp.response(200, ApplicationOut)(_view)
    _view = links(blp, [200], FOLLOW_UPS)(_view)
    _view = blp.arguments(_schema)(_view)
    blp.route(f"/applications/{ID}/{_action.value}", methods=["POST"], endpoint=_view.__name__)(_view)


@blp.route(f"/applications/{ID}/evaluation", methods=["POST"])
@blp.arguments(EvaluationIn)
@blp.response(201, EvaluationOut)
@links(
    blp,
    [201],
    link_to(
        "applications", ["get_application", "application_events"], app_id="$response.body#/application_id"
    ),
)
@blp.alt_response(404, description="no such application")
@blp.alt_response(409, description="not delivered yet, or rated already")
@protected(blp, APP_ACCEPT)
def evaluate(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """好差评: one rating per visit after delivery; 不满意/非常不满意 opens a rectification."""
    return services().evaluations.evaluate(app_id, data, current_actor())


@blp.route("/rectifications", methods=["GET"])
@blp.arguments(RectificationQuery, location="query")
@blp.response(200, RectificationOut(many=True))
@links(blp, [200], link_to("applications", RECTIFICATION_STEPS, rect_id=FIRST_ID))
@blp.paginate()
@protected(blp, RECTIFY)
def list_rectifications(
    query: dict[str, Any], pagination_parameters: PaginationParameters
) -> list[dict[str, Any]]:
    """Rectification tasks from bad ratings, newest first."""
    page = services().evaluations.rectifications(
        current_actor(),
        status=query.get("status"),
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = page.total
    return page.items


@blp.route(f"/rectifications/{RID}/callback", methods=["POST"])
@blp.arguments(RectificationCallbackIn)
@blp.response(200, RectificationOut)
@links(blp, [200], link_to("applications", RECTIFICATION_STEPS, rect_id=BODY_ID))
@blp.alt_response(404, description="no such rectification")
@blp.alt_response(409, description="closed already")
@protected(blp, RECTIFY)
def rectification_callback(data: dict[str, Any], rect_id: int) -> dict[str, Any]:
    """回访 record: required before the rectification may close."""
    return services().evaluations.callback(rect_id, data, current_actor())


@blp.route(f"/rectifications/{RID}/close", methods=["POST"])
@blp.arguments(CloseIn)
@blp.response(200, RectificationOut)
@links(blp, [200], link_to("applications", RECTIFICATION_STEPS, rect_id=BODY_ID))
@blp.alt_response(404, description="no such rectification")
@blp.alt_response(409, description="no callback recorded yet")
@protected(blp, RECTIFY)
def rectification_close(data: dict[str, Any], rect_id: int) -> dict[str, Any]:
    """Close a rectification (409 until a callback is recorded)."""
    return services().evaluations.close(rect_id, data, current_actor())


@blp.route("/applications/stats", methods=["GET"])
@blp.arguments(StatsQuery, location="query")
@blp.response(200, StatsOut(many=True))
@protected(blp, STATS)
def stats(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Per item or department: counts, on-time rate, average working days, ratings (绩效考核)."""
    return services().evaluations.stats(
        current_actor(), group=query["group"], start=query.get("start"), end=query.get("end")
    )
