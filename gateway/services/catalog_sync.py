"""Catalog sync: stream the provincial 事项库 page by page into the gateway's validated, versioned copy.

Each page is one transaction: records are validated (a bad one is reported and skipped), an item is
written only when its content hash changed, each change gets a version row naming the sync run, and the
changed codes go to the outbox for the website (办事指南), the hotline knowledge base and the windows.
A full sync then retires, never deletes, what the source no longer lists. Memory holds one page and the
set of codes seen, never the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.domain.catalog import content_hash, diff, normalize_department
from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm, ServiceItemVersion, SyncRun
from gateway.persistence.db import Database
from gateway.services import outbox
from gateway.services.catalog_text import index_columns, index_terms
from gateway.services.cursors import get_cursor, save_cursor

log = logging.getLogger("gateway.catalog")

CURSOR = "catalog.updated_since"
TARGETS = ("website", "hotline", "window")  # 办事指南 publication, knowledge base, window item catalog
EVENT = "catalog.items_changed"
MAX_REJECTS_KEPT = 1000


class Page(Protocol):
    @property
    def records(self) -> list[dict[str, Any]]: ...
    @property
    def next_cursor(self) -> str | None: ...
    @property
    def server_time(self) -> str: ...


class Source(Protocol):
    def iter_pages(self, *, updated_since: str | None, page_size: int = 500) -> Iterator[Page]: ...


Validator = Callable[[dict[str, Any]], dict[str, Any]]  # raises an exception with .messages when invalid


@dataclass
class SyncReport:
    """Counts of one run, also stored on its SyncRun row."""

    run_id: int = 0
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)


class CatalogSync:
    """Runs syncs; one instance per process is enough."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        source: Source,
        validate: Validator,
        clock: Callable[[], datetime],
        page_size: int = 500,
    ) -> None:
        self.db = db
        self.source = source
        self.validate = validate
        self.clock = clock
        self.page_size = page_size
        self._departments = {normalize_department(d.name): d.code for d in settings.departments}

    def run(self, *, full: bool = False, progress: Callable[[int], None] | None = None) -> SyncReport:
        """One sync; full re-reads everything and retires what is gone, otherwise only what changed."""
        since = None if full else get_cursor(self.db, CURSOR)
        report = SyncReport()
        with self.db.unit_of_work() as session:
            run = SyncRun(
                source="catalog_source",
                full=full,
                status="running",
                started_at=self.clock(),
                updated_since=since,
                rejects=[],
            )
            session.add(run)
            session.flush()
            report.run_id = run.id
        seen: set[str] = set()
        next_since: str | None = None
        try:
            for number, page in enumerate(
                self.source.iter_pages(updated_since=since, page_size=self.page_size)
            ):
                next_since = next_since or page.server_time  # the source's clock when the sync began
                self._page(number, page.records, report, seen)
                if progress:
                    progress(len(page.records))
            if full:
                self._retire_unseen(seen, report)
        except Exception as err:
            self._finish(report, "failed", f"{type(err).__name__}: {err}"[:2000])
            raise
        self._finish(report, "succeeded", None)
        if next_since:
            save_cursor(self.db, CURSOR, next_since, self.clock())
        log.info(
            "catalog sync %s: %s", report.run_id, {k: v for k, v in vars(report).items() if k != "rejects"}
        )
        return report

    # ---- one page -------------------------------------------------------------------------------

    def _page(self, number: int, records: list[dict[str, Any]], report: SyncReport, seen: set[str]) -> None:
        valid: dict[str, dict[str, Any]] = {}
        for record in records:
            report.seen += 1
            try:
                item = self.validate(record)
            except Exception as err:  # noqa: BLE001 - any invalid record is reported, never fatal
                messages = getattr(err, "messages", str(err))
                self._reject(report, record.get("item_code"), messages)
                continue
            valid[item["item_code"]] = item
        seen.update(valid)
        if not valid:
            return
        now = self.clock()
        touched: list[str] = []
        with self.db.unit_of_work() as session:
            existing = {
                row.item_code: row
                for row in session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(list(valid))))
            }
            fresh: list[tuple[ServiceItem, dict[str, Any]]] = []
            for code, item in valid.items():
                row = existing.get(code)
                if item["retired"]:
                    if row is not None and not row.retired:
                        self._retire(session, row, report, now)
                        touched.append(code)
                    continue
                digest = content_hash(item)
                if row is None:
                    row = self._new_row(item, digest, now)
                    session.add(row)
                    fresh.append((row, item))
                    report.new += 1
                    touched.append(code)
                elif row.content_hash != digest or row.retired:
                    self._update(session, row, item, digest, now, report)
                    touched.append(code)
                else:
                    report.unchanged += 1
            session.flush()  # ids of new rows, for their terms and versions
            terms = [{"term": t, "item_id": row.id} for row, item in fresh for t in index_terms(item)]
            if terms:
                session.execute(insert(ServiceItemTerm), terms)
            session.add_all(
                ServiceItemVersion(
                    item_code=row.item_code,
                    version=1,
                    change="new",
                    changes={},
                    content_hash=digest,
                    sync_run_id=report.run_id,
                    created_at=now,
                )
                for row, digest in ((r, r.content_hash) for r, _ in fresh)
            )
            if touched:
                self._announce(session, number, touched, report.run_id, now)

    def _new_row(self, item: dict[str, Any], digest: str, now: datetime) -> ServiceItem:
        return ServiceItem(
            **self._columns(item),
            **index_columns(item),
            content_hash=digest,
            version=1,
            retired=False,
            created_at=now,
            updated_at=now,
        )

    def _columns(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "item_code": item["item_code"],
            "name": item["name"],
            "item_type": item["item_type"],
            "parent_code": item.get("parent_code"),
            "department_code": self._departments.get(normalize_department(item["department"])),
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

    def _update(
        self,
        session: Session,
        row: ServiceItem,
        item: dict[str, Any],
        digest: str,
        now: datetime,
        report: SyncReport,
    ) -> None:
        before = _as_record(row)
        restored = row.retired
        for name, value in self._columns(item).items():
            setattr(row, name, value)
        for name, value in index_columns(item).items():
            setattr(row, name, value)
        row.content_hash, row.retired, row.retired_at = digest, False, None
        row.version += 1
        row.updated_at = now
        if before["name"] != item["name"] or before["keywords"] != item["keywords"]:
            session.execute(delete(ServiceItemTerm).where(ServiceItemTerm.item_id == row.id))
            session.execute(
                insert(ServiceItemTerm), [{"term": t, "item_id": row.id} for t in index_terms(item)]
            )
        session.add(
            ServiceItemVersion(
                item_code=row.item_code,
                version=row.version,
                change="restored" if restored else "changed",
                changes=diff(before, item),
                content_hash=digest,
                sync_run_id=report.run_id,
                created_at=now,
            )
        )
        report.changed += 1

    def _retire(self, session: Session, row: ServiceItem, report: SyncReport, now: datetime) -> None:
        row.retired, row.retired_at, row.updated_at = True, now, now
        row.version += 1
        session.add(
            ServiceItemVersion(
                item_code=row.item_code,
                version=row.version,
                change="retired",
                changes={"retired": [False, True]},
                content_hash=row.content_hash,
                sync_run_id=report.run_id,
                created_at=now,
            )
        )
        report.retired += 1

    def _retire_unseen(self, seen: set[str], report: SyncReport) -> None:
        """After a full sync: whatever the source no longer lists is retired (history stays)."""
        with self.db.read() as session:
            active = session.scalars(
                select(ServiceItem.item_code).where(ServiceItem.retired.is_(False))
            ).all()
        gone = [code for code in active if code not in seen]
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            now = self.clock()
            with self.db.unit_of_work() as session:
                for row in session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(chunk))):
                    self._retire(session, row, report, now)
                self._announce(session, 100_000 + start // 500, chunk, report.run_id, now)

    def _announce(
        self, session: Session, number: int, codes: Iterable[str], run_id: int, now: datetime
    ) -> None:
        """One message per page and receiver; the items' content is read when it is sent."""
        payload = {"item_codes": sorted(codes), "sync_run_id": run_id}
        for target in TARGETS:
            outbox.enqueue(
                session,
                target=target,
                event_type=EVENT,
                ordering_key=f"catalog:{target}",
                payload=payload,
                idempotency_key=f"catalog-run{run_id}-page{number}-{target}",
                now=now,
            )

    # ---- bookkeeping ----------------------------------------------------------------------------

    @staticmethod
    def _reject(report: SyncReport, code: Any, messages: Any) -> None:
        report.rejected += 1
        if len(report.rejects) < MAX_REJECTS_KEPT:
            report.rejects.append({"item_code": code if isinstance(code, str) else None, "reasons": messages})
        log.warning("catalog record %s rejected: %s", code, messages)

    def _finish(self, report: SyncReport, status: str, error: str | None) -> None:
        with self.db.unit_of_work() as session:
            run = session.get(SyncRun, report.run_id)
            assert run is not None
            run.status, run.error, run.finished_at = status, error, self.clock()
            for name in ("seen", "new", "changed", "unchanged", "retired", "rejected"):
                setattr(run, name, getattr(report, name))
            run.rejects = list(report.rejects)


def _as_record(row: ServiceItem) -> dict[str, Any]:
    """A stored row in the shape of a validated record, for diffs."""
    return {
        "name": row.name,
        "item_type": row.item_type,
        "parent_code": row.parent_code,
        "department": row.department_name,
        "legal_basis": row.legal_basis,
        "statutory_days": row.statutory_days,
        "promised_days": row.promised_days,
        "materials": row.materials,
        "steps": row.steps,
        "fee": row.fee,
        "place": row.place,
        "windows": row.windows,
        "online_url": row.online_url,
        "consult_phone": row.consult_phone,
        "complaint_phone": row.complaint_phone,
        "keywords": row.keywords,
        "guide": row.guide,
        "accepts_incomplete": row.accepts_incomplete,
    }
