"""/api/v1/applications/stats: the supervisors' figures (绩效考核)."""

from __future__ import annotations

from typing import Any

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.domain.access import STATS
from schemas.applications import StatsOut, StatsQuery

blp = GatewayBlueprint(
    "statistics",
    __name__,
    url_prefix="/api/v1/applications",
    description="绩效考核: figures per item or department",
)


@blp.route("/stats", methods=["GET"])
@blp.arguments(StatsQuery, location="query")
@blp.response(200, StatsOut(many=True))
@protected(blp, STATS)
def stats(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Per item or department: counts, on-time rate, average working days, ratings (绩效考核)."""
    return services().evaluations.stats(
        current_actor(), group=query["group"], start=query.get("start"), end=query.get("end")
    )
