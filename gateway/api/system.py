"""Health, readiness, the working-day calendar and the outbox."""

from __future__ import annotations

from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import jsonify, send_from_directory
from flask.typing import ResponseReturnValue
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import text

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.spec import FIRST_ID, link_to, links
from gateway.domain.access import OUTBOX, PII, READ
from gateway.domain.errors import InvalidInput
from gateway.persistence.migrate import current_revision, head_revision
from gateway.services.views import OutboxView
from schemas.common import DeadlineOut, DeadlineQuery, OutboxOut, OutboxQuery
from schemas.inquiry import RevealIn

probes = FlaskBlueprint("probes", __name__)


@probes.get("/api/docs/static/<path:filename>")
def swagger_static(filename: str) -> ResponseReturnValue:
    """Swagger UI's files, from the swagger-ui-bundle package (the machines have no CDN access)."""
    import swagger_ui_bundle

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


@probes.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is up."""
    return jsonify(status="ok")


@probes.get("/readyz")
def readyz() -> ResponseReturnValue:
    """The database answers and its schema is at the newest migration."""
    db = services().db
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current, head = current_revision(db.engine), head_revision()
    except Exception as err:  # noqa: BLE001 - any failure means not ready
        return jsonify(status="unavailable", database="error", detail=type(err).__name__), 503
    if current != head:
        return jsonify(
            status="unavailable", database="ok", migrations={"current": current, "head": head}
        ), 503
    return jsonify(status="ok", database="ok", migrations={"current": current, "head": head})


calendar_blp = GatewayBlueprint(
    "calendar", __name__, url_prefix="/api/v1/calendar", description="工作日 calendar"
)


@calendar_blp.route("/deadline", methods=["GET"])
@calendar_blp.arguments(DeadlineQuery, location="query")
@calendar_blp.response(200, DeadlineOut)
@protected(calendar_blp, READ)
def deadline(query: dict[str, Any]) -> dict[str, Any]:
    """The end of the Nth working day after start (the start day is not counted)."""
    try:
        result = services().calendar.add_workdays(query["start"], query["workdays"])
    except ValueError as err:  # a deadline past year 9999
        raise InvalidInput("workdays", str(err)) from None
    return {
        "start": query["start"],
        "workdays": query["workdays"],
        "deadline": result.at,
        "calendar_estimated": result.estimated,
    }


# The newest message of a listing leads to what may be done with one (OpenAPI links).
OUTBOX_FOLLOW_UPS = link_to("outbox", ["reveal_message"], message_id=FIRST_ID) | link_to(
    "dead_letters", ["resend", "discard"], message_id=FIRST_ID
)
outbox_blp = GatewayBlueprint(
    "outbox", __name__, url_prefix="/api/v1/outbox", description="Messages for other systems"
)


@outbox_blp.route("", methods=["GET"])
@outbox_blp.arguments(OutboxQuery, location="query")
@outbox_blp.response(200, OutboxOut(many=True))
@links(outbox_blp, [200], OUTBOX_FOLLOW_UPS)
@outbox_blp.paginate()
@protected(outbox_blp, OUTBOX)
def list_outbox(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[OutboxView]:
    """Outbox messages, newest first, for administrators; personal data masked, free text redacted."""
    page = services().outbox.find(
        status=query.get("status"),
        target=query.get("target"),
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = page.total
    return page.items


@outbox_blp.route("/<int(max=9223372036854775807):message_id>/reveal", methods=["POST"])
@outbox_blp.arguments(RevealIn)
@outbox_blp.response(200, OutboxOut)
@outbox_blp.alt_response(404, description="no such message")
@protected(outbox_blp, PII)
def reveal_message(data: dict[str, Any], message_id: int) -> OutboxView:
    """One message with its payload in full (needs outbox:read too); each read is audited with its reason."""
    return services().outbox.reveal(message_id, data["reason"], current_actor())
