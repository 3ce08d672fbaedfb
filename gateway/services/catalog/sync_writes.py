"""What one sync page writes: its new items, its changed (or restored) ones, and the ones it retires,
each with a version row naming the sync run, the search terms kept in step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.domain.catalog import diff
from gateway.persistence.repositories.catalog import CatalogRepository
from gateway.services.catalog import publish
from gateway.services.catalog.records import Prepared, as_record, version_row
from gateway.services.catalog.sync_pages import SyncReport
from gateway.services.catalog.text import index_terms
from gateway.services.ports import UnitOfWork


def page(uow: UnitOfWork, number: int, valid: dict[str, Prepared], counts: SyncReport, now: datetime) -> int:
    """A page's new, changed and retired items, compared with what the unit of work holds (an earlier
    listing of a code may be in its transaction), and the message announcing them; how many of its
    items turned out unchanged (new, changed and retired are counted on `counts`)."""
    unchanged = 0
    # Only what the comparison needs: the full rows (~3 KB each) are read for changed items alone.
    stored = uow.catalog.stored_states(list(valid))
    fresh: list[Prepared] = []
    changed: dict[str, Prepared] = {}
    retiring: list[str] = []
    for code, prepared in valid.items():
        state = stored.get(code)  # (content hash, retired)
        if prepared.item["retired"]:
            if state is not None and not state[1]:
                retiring.append(code)
            continue
        if state is None:
            fresh.append(prepared)
        elif state[0] != prepared.digest or state[1]:
            changed[code] = prepared
        else:
            unchanged += 1
    if fresh:
        insert(uow.catalog, fresh, counts, now)
    if changed:
        change(uow.catalog, changed, counts, now)
    if retiring:
        retire(uow.catalog, retiring, counts, now)
    touched = [p.item["item_code"] for p in fresh] + list(changed) + retiring
    if touched:
        publish.announce(uow.outbox, number, touched, counts.run_id, now)
    return unchanged


def insert(catalog: CatalogRepository, fresh: list[Prepared], counts: SyncReport, now: datetime) -> None:
    """New items, their terms and first versions: three statements, no per-row RETURNING."""
    first = {"version": 1, "retired": False, "retired_at": None, "created_at": now, "updated_at": now}
    ids = catalog.add_items([p.values | first for p in fresh])
    catalog.add_terms([(t, ids[p.item["item_code"]]) for p in fresh for t in p.terms])
    catalog.add_versions(
        [version_row(p.item["item_code"], 1, "new", {}, p.digest, counts.run_id, now) for p in fresh]
    )
    counts.new += len(fresh)


def change(
    catalog: CatalogRepository, changed: dict[str, Prepared], counts: SyncReport, now: datetime
) -> None:
    """Changed (or restored) items: new content, a version row with the diff, terms kept in step."""
    rows = catalog.items_to_change(list(changed))
    gone: list[tuple[str, int]] = []
    added: list[tuple[str, int]] = []
    updates: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for row in rows:
        prepared = changed[row.item_code]
        item, digest = prepared.item, prepared.digest
        before = as_record(row)
        old_terms, new_terms = index_terms(before), prepared.terms
        gone += ((t, row.id) for t in old_terms - new_terms)
        added += ((t, row.id) for t in new_terms - old_terms)
        version = row.version + 1
        fixed = {"retired": False, "retired_at": None, "version": version, "updated_at": now}
        updates.append({"id": row.id} | prepared.values | fixed)
        kind = "restored" if row.retired else "changed"
        versions.append(
            version_row(row.item_code, version, kind, diff(before, item), digest, counts.run_id, now)
        )
    catalog.update_items(updates)
    catalog.remove_terms(gone)
    # A stored term the recomputed old set missed (stored under another definition) must not fail the
    # page on every run: on a change, a term already there is left as it is.
    catalog.add_terms(added, existing_ok=True)
    catalog.add_versions(versions)
    counts.changed += len(rows)


def retire(catalog: CatalogRepository, codes: Sequence[str], counts: SyncReport, now: datetime) -> None:
    """Items the source stopped (or no longer lists): marked retired with a version row, never deleted."""
    versions = [
        version_row(
            row.item_code,
            row.version,
            "retired",
            {"retired": [False, True]},
            row.content_hash,
            counts.run_id,
            now,
        )
        for row in catalog.retire_items(codes, now)
    ]
    catalog.add_versions(versions)
    counts.retired += len(versions)
