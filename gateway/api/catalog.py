"""/api/v1/items (事项库 search and 办事指南), /api/v1/catalog/sync-runs and /api/v1/jobs/runs."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_smorest.pagination import PaginationParameters

from gateway.api.auth import protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import FIRST_ID, link_to, links
from gateway.domain.access import JOBS, READ
from schemas.catalog import (
    ItemOut,
    ItemQuery,
    ItemSummaryOut,
    ItemVersionOut,
    JobRunOut,
    JobRunQuery,
    SyncRunOut,
)

items_blp = GatewayBlueprint(
    "items", __name__, url_prefix="/api/v1/items", description="政务服务事项: search and guides"
)
runs_blp = GatewayBlueprint(
    "runs", __name__, url_prefix="/api/v1", description="Catalog sync runs and scheduler job runs"
)

CODE = "<string(maxlength=64):item_code>"
ITEM_PAGES = ["get_item", "item_versions"]


@items_blp.route("", methods=["GET"])
@items_blp.arguments(ItemQuery, location="query")
@items_blp.response(200, ItemSummaryOut(many=True))
@links(items_blp, [200], link_to("items", ITEM_PAGES, item_code="$response.body#/0/item_code"))
@items_blp.paginate()
@protected(items_blp, READ)
def search_items(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    """Find items by Chinese text, full pinyin, pinyin initials or code; best match first.

    Tiers, best first: exact code, code prefix, exact name, name prefix, pinyin-initials prefix, name
    contains, full-pinyin prefix, keywords/pinyin contains, 办事指南 contains. The total in
    X-Pagination is exact up to 200; 200 means "200 or more" (refine the query).
    """
    search = partial(
        services().catalog.search,
        query.get("q"),
        department=query.get("department"),
        item_type=query.get("item_type"),
        include_retired=query["include_retired"],
    )
    return paged(pagination_parameters, search)


@items_blp.route(f"/{CODE}", methods=["GET"])
@items_blp.response(200, ItemOut)
@links(items_blp, [200], link_to("items", ["item_versions"], item_code="$response.body#/item_code"))
@items_blp.alt_response(404, description="no such item")
@protected(items_blp, READ)
def get_item(item_code: str) -> dict[str, Any]:
    """One item's guide: materials, steps, time limits, fee, place, phones and 子项."""
    return services().catalog.get(item_code)


@items_blp.route(f"/{CODE}/versions", methods=["GET"])
@items_blp.response(200, ItemVersionOut(many=True))
@items_blp.alt_response(404, description="no such item")
@protected(items_blp, READ)
def item_versions(item_code: str) -> list[dict[str, Any]]:
    """What changed in an item, when, and by which sync run."""
    return services().catalog.versions(item_code)


@runs_blp.route("/catalog/sync-runs", methods=["GET"])
@runs_blp.response(200, SyncRunOut(many=True))
@links(runs_blp, [200], link_to("runs", ["sync_run"], run_id=FIRST_ID))
@runs_blp.paginate()
@protected(runs_blp, JOBS)
def sync_runs(pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    """Catalog sync runs, newest first, with counts and rejects."""
    return paged(pagination_parameters, services().catalog.sync_runs)


@runs_blp.route("/catalog/sync-runs/<int(max=9223372036854775807):run_id>", methods=["GET"])
@runs_blp.response(200, SyncRunOut)
@runs_blp.alt_response(404, description="no such run")
@protected(runs_blp, JOBS)
def sync_run(run_id: int) -> dict[str, Any]:
    """One sync run."""
    return services().catalog.sync_run(run_id)


@runs_blp.route("/jobs/runs", methods=["GET"])
@runs_blp.arguments(JobRunQuery, location="query")
@runs_blp.response(200, JobRunOut(many=True))
@runs_blp.paginate()
@protected(runs_blp, JOBS)
def job_runs(query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    """Scheduler job runs (start, end, outcome, counts), newest first."""
    return paged(pagination_parameters, partial(services().catalog.job_runs, query.get("job")))
