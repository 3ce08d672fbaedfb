"""What the catalog's readers are handed: items, versions and runs as plain dicts, never live rows."""

from __future__ import annotations

from typing import Any

from gateway.domain.catalog import ITEM_TYPES
from gateway.persistence.catalog_models import JobRun, ServiceItem, ServiceItemVersion, SyncRun

_RUN_FIELDS = (
    "id",
    "source",
    "full",
    "status",
    "started_at",
    "finished_at",
    "updated_since",
    "seen",
    "new",
    "changed",
    "unchanged",
    "retired",
    "rejected",
    "rejects",
    "error",
)
_JOB_FIELDS = ("id", "job", "host", "started_at", "finished_at", "outcome", "detail")
_VERSION_FIELDS = ("version", "change", "changes", "sync_run_id", "created_at")


def summary(item: ServiceItem) -> dict[str, Any]:
    """The fields a search result shows."""
    return {
        "item_code": item.item_code,
        "name": item.name,
        "item_type": item.item_type,
        "item_type_label": ITEM_TYPES.get(item.item_type, item.item_type),
        "department": item.department_code,
        "department_name": item.department_name,
        "promised_days": item.promised_days,
        "statutory_days": item.statutory_days,
        "retired": item.retired,
        "parent_code": item.parent_code,
    }


def detail(item: ServiceItem, children: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything about an item, as 办事指南 shows it."""
    return {
        **summary(item),
        "legal_basis": item.legal_basis,
        "materials": list(item.materials),
        "steps": list(item.steps),
        "fee": item.fee,
        "place": item.place,
        "windows": list(item.windows),
        "online_url": item.online_url,
        "consult_phone": item.consult_phone,
        "complaint_phone": item.complaint_phone,
        "keywords": list(item.keywords),
        "guide": item.guide,
        "accepts_incomplete": item.accepts_incomplete,
        "version": item.version,
        "source_updated_at": item.source_updated_at,
        "children": children,
    }


def version(row: ServiceItemVersion) -> dict[str, Any]:
    """One entry of an item's version history."""
    return {name: getattr(row, name) for name in _VERSION_FIELDS}


def sync_run(run: SyncRun) -> dict[str, Any]:
    """A catalog sync run with its counts and rejects."""
    return {name: getattr(run, name) for name in _RUN_FIELDS}


def job_run(run: JobRun) -> dict[str, Any]:
    """A scheduler job run."""
    return {name: getattr(run, name) for name in _JOB_FIELDS}
