"""A validated source record as the rows the sync writes: an item's columns, terms and version rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.domain.catalog import CONTENT_FIELDS, content_hash, normalize_department
from gateway.persistence.catalog_models import ServiceItem
from gateway.services.catalog.text import index_columns, index_terms


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated item with what its rows need, computed before it reaches the writer thread."""

    item: dict[str, Any]
    digest: str  # content hash ("" for a retired record: its content is not written)
    values: dict[str, Any]  # service_items columns (content, search columns, content_hash)
    terms: set[str]  # service_item_terms


def prepare(item: dict[str, Any], departments: dict[str, str]) -> Prepared:
    """A validated item's rows; departments maps normalized department names to configured codes."""
    if item["retired"]:
        return Prepared(item, "", {}, set())
    digest = content_hash(item)
    values = _columns(item, departments) | index_columns(item)
    values["content_hash"] = digest
    return Prepared(item, digest, values, index_terms(item))


def _columns(item: dict[str, Any], departments: dict[str, str]) -> dict[str, Any]:
    return {
        "item_code": item["item_code"],
        "name": item["name"],
        "item_type": item["item_type"],
        "parent_code": item.get("parent_code"),
        "department_code": departments.get(normalize_department(item["department"])),
        "department_name": item["department"],
        "legal_basis": item.get("legal_basis"),
        "statutory_days": item["statutory_days"],
        "promised_days": item["promised_days"],
        "materials": item["materials"],
        "steps": item["steps"],
        "fee": item.get("fee"),
        "place": item.get("place"),
        "windows": item["windows"],
        "online_url": item.get("online_url"),
        "consult_phone": item.get("consult_phone"),
        "complaint_phone": item.get("complaint_phone"),
        "keywords": item["keywords"],
        "guide": item.get("guide"),
        "accepts_incomplete": item["accepts_incomplete"],
        "source_updated_at": item["updated_at"],
    }


def version_row(
    code: str, version: int, change: str, changes: dict[str, Any], digest: str, run_id: int, now: datetime
) -> dict[str, Any]:
    """A service_item_versions row: one change of an item, by a sync run."""
    return {
        "item_code": code,
        "version": version,
        "change": change,
        "changes": changes,
        "content_hash": digest,
        "sync_run_id": run_id,
        "created_at": now,
    }


def as_record(row: ServiceItem) -> dict[str, Any]:
    """A stored row in the shape of a validated record, for diffs."""
    # A row stores each content field under its own name, but for the department (its name's column).
    return {name: getattr(row, _COLUMN_OF.get(name, name)) for name in CONTENT_FIELDS}


_COLUMN_OF = {"department": "department_name"}
