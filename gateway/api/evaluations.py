"""/api/v1/applications/{id}/evaluation: 好差评, one rating per visit after delivery."""

from __future__ import annotations

from typing import Any

from gateway.api.actions import action
from gateway.api.auth import current_actor, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.spec import link_to
from gateway.domain.access import APP_ACCEPT
from schemas.applications import EvaluationIn, EvaluationOut

blp = GatewayBlueprint(
    "evaluations", __name__, url_prefix="/api/v1/applications", description="好差评: rating a delivered visit"
)

ID = "<int(max=9223372036854775807):app_id>"
# A rating leads back to the application it rated.
RATED = link_to(
    "applications", ["get_application", "application_events"], app_id="$response.body#/application_id"
)


@blp.route(f"/{ID}/evaluation", methods=["POST"])
@action(
    blp,
    EvaluationIn,
    EvaluationOut,
    APP_ACCEPT,
    missing="no such application",
    conflict="not delivered yet, or rated already",
    follow_ups=RATED,
    status=201,
)
def evaluate(data: dict[str, Any], app_id: int) -> dict[str, Any]:
    """好差评: one rating per visit after delivery; 不满意/非常不满意 opens a rectification."""
    return services().evaluations.evaluate(app_id, data, current_actor())
