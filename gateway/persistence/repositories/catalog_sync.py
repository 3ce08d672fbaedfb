"""The catalog sync's reads and writes: stored states, a page's new, changed and retired items, its runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy import text as sql_text

from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm, SyncRun
from gateway.persistence.repositories.base import Repository
from gateway.persistence.repositories.catalog_bulk import (
    ITEMS,
    VERSIONS,
    bulk_insert,
    bulk_update,
    insert_terms,
)

TERMS: Table = ServiceItemTerm.__table__  # type: ignore[assignment]


class CatalogSyncRecords(Repository):
    """What the sync reads and writes, a page at a time (reached as ``uow.catalog``)."""

    def stored_states(self, codes: Sequence[str]) -> dict[str, tuple[str, bool]]:
        """code -> (content hash, retired) of the stored items among these codes."""
        if not codes:
            return {}
        query = select(ServiceItem.item_code, ServiceItem.content_hash, ServiceItem.retired)
        return {
            code: (digest, retired)
            for code, digest, retired in self.session.execute(query.where(ServiceItem.item_code.in_(codes)))
        }

    def active_codes(self) -> Sequence[str]:
        """The codes of every item not retired."""
        return self.session.scalars(select(ServiceItem.item_code).where(ServiceItem.retired.is_(False))).all()

    def add_items(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """New items (service_items rows, all with the same keys) in one statement; code -> new id."""
        bulk_insert(self.session, ITEMS, rows)
        codes = [row["item_code"] for row in rows]
        query = select(ServiceItem.item_code, ServiceItem.id).where(ServiceItem.item_code.in_(codes))
        return {code: item_id for code, item_id in self.session.execute(query)}

    def add_terms(self, rows: list[tuple[str, int]], *, existing_ok: bool = False) -> None:
        """(term, item_id) rows in one statement; with existing_ok a stored one is left as it is."""
        insert_terms(self.session, rows, existing_ok=existing_ok)

    def remove_terms(self, rows: list[tuple[str, int]]) -> None:
        """(term, item_id) rows deleted."""
        if rows:
            self.session.execute(
                delete(TERMS).where(TERMS.c.term == bindparam("t"), TERMS.c.item_id == bindparam("i")),
                [{"t": term, "i": item_id} for term, item_id in rows],
            )

    def add_versions(self, rows: list[dict[str, Any]]) -> None:
        """service_item_versions rows (all with the same keys) in one statement."""
        bulk_insert(self.session, VERSIONS, rows)

    def items_to_change(self, codes: Sequence[str]) -> Sequence[ServiceItem]:
        """The stored items of these codes, detached: read to compare, then written by update_items in
        one statement, never through these objects."""
        rows = self.session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes))).all()
        for row in rows:
            self.session.expunge(row)
        return rows

    def update_items(self, rows: list[dict[str, Any]]) -> None:
        """service_items rows (all with the same keys, "id" among them) over the stored ones."""
        bulk_update(self.session, ITEMS, rows)

    def retire_items(self, codes: Sequence[str], now: datetime) -> Sequence[ServiceItem]:
        """These items marked retired (never deleted), their version counted up; the rows, written."""
        rows = self.session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes))).all()
        for row in rows:
            row.retired, row.retired_at, row.updated_at = True, now, now
            row.version += 1
        self.session.flush()
        return rows

    def start_run(self, *, full: bool, started_at: datetime, updated_since: str | None) -> int:
        """A sync run's row, running; its id."""
        run = SyncRun(
            source="catalog_source",
            full=full,
            status="running",
            started_at=started_at,
            updated_since=updated_since,
            rejects=[],
        )
        self.session.add(run)
        self.session.flush()
        return run.id

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        error: str | None,
        finished_at: datetime,
        counts: dict[str, int],
        rejects: list[dict[str, Any]],
    ) -> None:
        """A sync run's outcome, with its counts (seen, new, ... by name) and the rejects kept."""
        run = self.session.get(SyncRun, run_id)
        assert run is not None
        run.status, run.error, run.finished_at = status, error, finished_at
        for name, count in counts.items():
            setattr(run, name, count)
        run.rejects = list(rejects)

    def analyze(self) -> None:
        """Fresh planner statistics for the catalog's tables; on PostgreSQL also VACUUM, which marks the
        pages all-visible so that search's index-only scans need not visit the rows (autovacuum would,
        but later, and not at all where it is turned off). Call it in a write unit of work."""
        tables = [t.name for t in (ITEMS, TERMS, VERSIONS)]
        bind = self.session.get_bind()
        if bind.dialect.name == "sqlite":
            self.session.execute(sql_text("PRAGMA analysis_limit=1000"))  # a sample is enough
            for table in tables:
                self.session.execute(sql_text(f"ANALYZE {table}"))
            return
        # VACUUM cannot run inside a transaction: a connection of its own, in autocommit.
        autocommit = bind.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")
