"""/api/v1/applications/{id}/evaluation: 好差评, one rating per visit after delivery."""

from __future__ import annotations

from typing import Any

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.spec import link_to, links
from gateway.domain.access import APP_ACCEPT
from schemas.applications import EvaluationIn, EvaluationOut

blp = GatewayBlueprint(
    "evaluations", __name__, url_prefix="/api/v1/applications", description="好差评: rating a delivered visit"
)

ID = "<int(max=9223372036854775807):app_id>"


@blp.route(f"/{ID}/evaluation", methods=["POST"])
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
