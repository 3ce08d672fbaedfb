"""Health, readiness and the working-day calendar (the outbox: gateway.api.outbox)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import jsonify, send_from_directory
from flask.typing import ResponseReturnValue

from gateway.api.auth import protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.domain.access import READ
from gateway.domain.errors import InvalidInput
from schemas.common import DeadlineOut, DeadlineQuery

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
    state = services().system.readiness()
    if state.error is not None:
        return jsonify(status="unavailable", database="error", detail=state.error), 503
    migrations = {"current": state.current, "head": state.head}
    if not state.ready:
        return jsonify(status="unavailable", database="ok", migrations=migrations), 503
    return jsonify(status="ok", database="ok", migrations=migrations)


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
