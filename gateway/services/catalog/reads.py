"""The catalog for its readers: search, one item with its materials and steps, versions, runs."""

from __future__ import annotations

from typing import Any

from gateway.domain.errors import NotFound
from gateway.services.catalog import publish, snapshots
from gateway.services.catalog.snapshots import detail, summary
from gateway.services.ports import Transactions
from gateway.services.snapshots import Page

MAX_OFFSET = 10_000  # nobody pages that deep in a search; deeper pages cost scans
# Totals are exact up to this, then reported as this ("200 or more": refine the query). Counting is
# what a search of a common word spends its time on (every hit checked against filters); 200 keeps
# p95 within 20 ms on PostgreSQL at 100,000 items, where 1,000 cost 35 ms (bench/catalog.py).
MAX_COUNTED = 200


class CatalogService:
    """Reads of the catalog copy."""

    def __init__(self, db: Transactions) -> None:
        self.db = db

    def search(
        self,
        q: str | None,
        *,
        department: str | None = None,
        item_type: str | None = None,
        include_retired: bool = False,
        offset: int = 0,
        limit: int = 20,
    ) -> Page:
        """Items matching a text, pinyin or code; best match first.

        Tiers, best first: exact code, code prefix, exact name, name prefix, pinyin-initials prefix,
        name contains, full-pinyin prefix, title contains (code, keywords, pinyin), 办事指南 contains.
        Each tier is one query in an order its index delivers (prefix tiers: by the matched column, then
        id; the others: by id, i.e. the order the items came into the catalog), limited to what the page
        still needs; tiers run until the page is full, and an item counts in its best tier only. One-
        and two-character text matches names and keywords (the item's terms), not the guide.
        The total is exact up to MAX_COUNTED, then MAX_COUNTED.
        """
        offset = max(0, min(offset, MAX_OFFSET))
        limit = max(0, limit)
        need = offset + limit
        with self.db.reading() as uow:
            ids, total = uow.catalog.search(
                (q or "").strip(),
                department=department,
                item_type=item_type,
                include_retired=include_retired,
                need=need,
                cap=MAX_COUNTED,
            )
            page = ids[offset:need]
            # Only what a result shows: the wide columns (materials, steps, guide JSON/text) stay unread.
            rows = uow.catalog.summaries(page)
            return Page(items=[summary(rows[i]) for i in page if i in rows], total=total)

    def get(self, item_code: str) -> dict[str, Any]:
        """One item with materials, steps and its 子项."""
        with self.db.reading() as uow:
            item = uow.catalog.by_code(item_code)
            if item is None:
                raise NotFound(f"item {item_code} not found")
            return detail(item, [summary(c) for c in uow.catalog.children(item_code)])

    def versions(self, item_code: str) -> list[dict[str, Any]]:
        """An item's version history, newest first."""
        with self.db.reading() as uow:
            rows = uow.catalog.versions(item_code)
            if not rows and not uow.catalog.exists(item_code):
                raise NotFound(f"item {item_code} not found")
            return [snapshots.version(v) for v in rows]

    def hydrate(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Turn a queued {item_codes} message into the items' current content, just before it is sent."""
        with self.db.reading() as uow:
            return publish.with_items(payload, uow.catalog.by_codes(payload.get("item_codes") or []))

    def sync_runs(self, offset: int, limit: int) -> Page:
        """Catalog sync runs, newest first."""
        with self.db.reading() as uow:
            rows, total = uow.catalog.sync_runs(offset, limit)
            return Page(items=[snapshots.sync_run(r) for r in rows], total=total)

    def sync_run(self, run_id: int) -> dict[str, Any]:
        """One sync run with its rejects."""
        with self.db.reading() as uow:
            run = uow.catalog.sync_run(run_id)
            if run is None:
                raise NotFound(f"sync run {run_id} not found")
            return snapshots.sync_run(run)

    def job_runs(self, job: str | None, offset: int, limit: int) -> Page:
        """Scheduler job runs, newest first."""
        with self.db.reading() as uow:
            rows, total = uow.catalog.job_runs(job, offset, limit)
            return Page(items=[snapshots.job_run(r) for r in rows], total=total)
