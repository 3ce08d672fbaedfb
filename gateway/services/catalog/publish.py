"""What the catalog announces: the changed item codes of a sync page, to the website (办事指南), the
hotline knowledge base and the windows; the items' content is read when a message is sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from gateway.domain.messages import CATALOG_ITEMS
from gateway.persistence.catalog_models import ServiceItem
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.services import outbox
from gateway.services.catalog.snapshots import detail

TARGETS = ("website", "hotline", "window")  # 办事指南 publication, knowledge base, window item catalog


def announce(
    messages: OutboxRepository, number: int, codes: Iterable[str], run_id: int, now: datetime
) -> None:
    """One message per page and receiver, in the unit of work that writes the page (``uow.outbox``)."""
    payload = {"item_codes": sorted(codes), "sync_run_id": run_id}
    for target in TARGETS:
        outbox.enqueue(
            messages,
            target=target,
            event_type=CATALOG_ITEMS,
            ordering_key=f"catalog:{target}",
            payload=payload,
            idempotency_key=f"catalog-run{run_id}-page{number}-{target}",
            now=now,
        )


def with_items(payload: dict[str, Any], rows: Sequence[ServiceItem]) -> dict[str, Any]:
    """A queued {item_codes} message with the items' current content (rows by code), as it is sent."""
    items = [detail(row, []) for row in rows]
    for item in items:
        item["source_updated_at"] = item["source_updated_at"].isoformat()
        item.pop("children", None)
    return {**payload, "items": items}
