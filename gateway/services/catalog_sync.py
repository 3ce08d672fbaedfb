"""Catalog sync: stream the provincial 事项库 page by page into the gateway's validated, versioned copy.

Each page is one transaction: records are validated (a bad one is reported and skipped), an item is
written only when its content hash changed, each change gets a version row naming the sync run, and the
changed codes go to the outbox for the website (办事指南), the hotline knowledge base and the windows.
A full sync then retires, never deletes, what the source no longer lists. Memory holds one page and the
set of codes seen, never the catalog.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import JSON, Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.domain.catalog import content_hash, diff, normalize_department
from gateway.domain.clock import Clock
from gateway.domain.messages import CATALOG_ITEMS
from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm, ServiceItemVersion, SyncRun
from gateway.persistence.db import Database, json_text
from gateway.persistence.repositories.outbox import OutboxRepository
from gateway.services import outbox
from gateway.services.catalog_text import index_columns, index_terms
from gateway.services.cursors import get_cursor, save_cursor

log = logging.getLogger("gateway.catalog")

CURSOR = "catalog.updated_since"
TARGETS = ("website", "hotline", "window")  # 办事指南 publication, knowledge base, window item catalog
MAX_REJECTS_KEPT = 1000
# After a sync that wrote this many items the planner's statistics are refreshed (search plans depend
# on them; autovacuum may be off or slow to notice a catalog that appeared in a minute).
ANALYZE_AFTER = 5000
# While the writer is behind (the next page already waits for it), consecutive pages share one write
# transaction until it is this old (checked as each page ends, so it may run one page longer); a page
# that finds none waiting commits at once. On SQLite each commit pays a WAL checkpoint (with its
# fsyncs) and writes again the index and FTS5 pages that consecutive pages share: a full sync of
# 100,000 items took 49 s committing page by page, ~38 s so (bench/catalog.py). Other writers wait for
# SQLite's one write lock about this long (plus a page) during a sync that is behind; on PostgreSQL
# nobody waits.
COMMIT_AFTER_SECONDS = 1.0
# SQLite's -> and ->> (3.38+) read a page's rows out of one JSON parameter; an older SQLite gets the
# rows one by one (correct, slower).
_JSON_ARROWS = sqlite3.sqlite_version_info >= (3, 38, 0)
# Core tables for the bulk statements (executemany, no ORM bookkeeping per row).
_ITEMS: Table = ServiceItem.__table__  # type: ignore[assignment]
_TERMS: Table = ServiceItemTerm.__table__  # type: ignore[assignment]
_VERSIONS: Table = ServiceItemVersion.__table__  # type: ignore[assignment]


class Page(Protocol):
    @property
    def records(self) -> list[dict[str, Any]]: ...
    @property
    def next_cursor(self) -> str | None: ...
    @property
    def server_time(self) -> str: ...


class Source(Protocol):
    def iter_pages(self, *, updated_since: str | None, page_size: int = 500) -> Iterator[Page]: ...


# `factory().iter_pages(**kwargs)`'s pages, read in a child process (adapters.base.apart.pages_apart).
ReadApart = Callable[..., Generator[Page, None, None]]
# The same pages, the next one fetched on a thread while the caller works (adapters.base.apart.ahead).
ReadAhead = Callable[[Iterator[Page]], Generator[Page, None, None]]
Validator = Callable[[dict[str, Any]], dict[str, Any]]  # raises an exception with .messages when invalid


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A validated item with what its rows need, computed before it reaches the writer thread."""

    item: dict[str, Any]
    digest: str  # content hash ("" for a retired record: its content is not written)
    values: dict[str, Any]  # service_items columns (content, search columns, content_hash)
    terms: set[str]  # service_item_terms


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


class _Batch:
    """The writer thread's open write transaction, shared by consecutive pages.

    A page's writes join it; when the page is done it commits, unless the sync's thread already holds
    the next page (`waiting`) and the transaction is younger than `seconds`. So pages share a
    transaction only while the writer is behind, and it is never left open while the sync waits for
    the source or validates. What its pages counted (new, changed, retired) reaches the report when
    it commits: a failed run's counts are what it stored.
    """

    def __init__(self, db: Database, report: SyncReport, seconds: float) -> None:
        self.db = db
        self.report = report
        self.seconds = seconds
        self.waiting = threading.Event()
        self.pending = SyncReport(run_id=report.run_id)
        self._open: tuple[ExitStack, Session, float] | None = None

    def session(self) -> Session:
        """The open transaction's session; begins one if none is open."""
        if self._open is None:
            stack = ExitStack()
            session = stack.enter_context(self.db.unit_of_work())
            self._open = (stack, session, time.monotonic())
        return self._open[1]

    def page_done(self) -> None:
        if self._open is not None and (
            not self.waiting.is_set() or time.monotonic() - self._open[2] >= self.seconds
        ):
            self.commit()

    def commit(self) -> None:
        if self._open is None:
            return
        stack = self._open[0]
        self._open = None
        pending, self.pending = self.pending, SyncReport(run_id=self.report.run_id)
        stack.close()  # unit_of_work commits
        self.report.new += pending.new
        self.report.changed += pending.changed
        self.report.retired += pending.retired

    def abort(self) -> None:
        """Rolls back the open transaction, if any (after a failure: its pages count for nothing)."""
        if self._open is None:
            return
        stack = self._open[0]
        self._open = None
        self.pending = SyncReport(run_id=self.report.run_id)
        failure = RuntimeError("catalog sync aborted")
        stack.__exit__(type(failure), failure, None)  # unit_of_work rolls back


class CatalogSync:
    """Runs syncs; one instance per process is enough."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        source: Source,
        validate: Validator,
        clock: Clock,
        page_size: int = 500,
        validate_envelope: Validator | None = None,
        source_factory: Callable[[], Source] | None = None,
        commit_after_seconds: float = COMMIT_AFTER_SECONDS,
        *,
        read_apart: ReadApart,
        read_ahead: ReadAhead,
    ) -> None:
        self.db = db
        self.source = source
        # Given (picklable), a full sync reads the listing in a child process built from it.
        self.source_factory = source_factory
        # How pages are read while the previous one is worked on, handed in by the wiring: in a child
        # process built by source_factory (read_apart), else one page ahead on a thread (read_ahead).
        self.read_apart = read_apart
        self.read_ahead = read_ahead
        self.validate = validate
        # Checks the fields outside an item's content; given, unchanged content skips full validation.
        self.validate_envelope = validate_envelope
        self.clock = clock
        self.page_size = page_size
        self.commit_after_seconds = commit_after_seconds
        self._departments = {normalize_department(d.name): d.code for d in settings.departments}

    def run(
        self,
        *,
        full: bool = False,
        revalidate: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> SyncReport:
        """One sync; full re-reads everything and retires what is gone, otherwise only what changed.
        revalidate validates every listed record in full, also those whose content is stored already
        (after validation rules were tightened: an item that now fails is rejected, and a full sync
        retires it).

        Three stages overlap: a thread (a child process, in a full sync given a source_factory) fetches
        the next page while this one validates the current page, and another thread writes the
        previous page (sqlite3 and psycopg release the GIL while the database works). Pages are still
        written one at a time, in order; while the writer is behind, several share a transaction
        (_Batch).
        """
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
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-write")
        writing: Future[int] | None = None
        batch = _Batch(self.db, report, self.commit_after_seconds)

        def settle() -> None:
            """Wait for the page being written; raises what the writer raised."""
            nonlocal writing
            if writing is not None:
                report.unchanged += writing.result()  # counted here: one thread adds to it
                writing = None

        pages: Generator[Page, None, None]
        if full and self.source_factory is not None:
            # The whole catalog: reading and mapping pages on another core halves what this GIL does.
            pages = self.read_apart(
                self.source_factory, updated_since=since, page_size=self.page_size, read_ahead=True
            )
        else:
            pages = self.read_ahead(self.source.iter_pages(updated_since=since, page_size=self.page_size))
        try:
            for number, page in enumerate(pages):
                next_since = next_since or page.server_time  # the source's clock when the sync began
                valid = self._validated(page.records, report, seen, revalidate=revalidate)
                batch.waiting.set()  # this page waits: the writer keeps its transaction open for it
                settle()
                batch.waiting.clear()
                writing = writer.submit(self._write, number, valid, batch)
                if progress:
                    progress(len(page.records))
            settle()
            batch.commit()  # the writer is idle now
            if full:
                self._retire_unseen(seen, report)
        except BaseException as err:  # KeyboardInterrupt and SystemExit too: the run is recorded
            batch.waiting.clear()
            writer.shutdown(wait=True, cancel_futures=True)
            try:
                batch.abort()  # before recording the failure: on SQLite it holds the write lock
            except Exception:
                log.exception("catalog sync %s: rolling back its open transaction failed", report.run_id)
            self._finish(report, "failed", f"{type(err).__name__}: {err}"[:2000])
            raise
        finally:
            try:
                writer.shutdown(wait=True)
                batch.abort()  # never left open while the fetching thread is being stopped
            finally:
                pages.close()  # stops the fetching thread (after the page it may be fetching)
        self._finish(report, "succeeded", None)
        if report.new + report.changed + report.retired >= ANALYZE_AFTER:
            self._analyze()
        if next_since:
            save_cursor(self.db, CURSOR, next_since, self.clock())
        log.info(
            "catalog sync %s: %s", report.run_id, {k: v for k, v in vars(report).items() if k != "rejects"}
        )
        return report

    # ---- one page -------------------------------------------------------------------------------

    def _validated(
        self, records: list[dict[str, Any]], report: SyncReport, seen: set[str], *, revalidate: bool
    ) -> dict[str, _Prepared]:
        """The page's records that need writing, validated and prepared; the others are counted or
        rejected here. Everything but the database work happens here, off the writer thread.

        A record whose content hashes to what is stored (and whose status is the stored one) is
        unchanged: that content passed validation when it was stored, so only the fields outside the
        content (code, status, update time, the source's department code) are checked again. A full
        re-sync of an unchanged catalog is then mostly reading. (Content stored under rules that have
        since been tightened is re-judged only by a revalidating sync.)

        A code listed again in the same run (an item changed while the listing ran) never takes that
        shortcut: the stored row read here is the committed one, and the earlier listing of it may still
        be in the writer's open transaction. The writer compares it with what its transaction holds.
        """
        codes = [r["item_code"] for r in records if isinstance(r.get("item_code"), str)]
        stored = self._stored([code for code in codes if code not in seen])
        valid: dict[str, _Prepared] = {}
        for record in records:
            report.seen += 1
            code = record.get("item_code")
            known = stored.get(code) if isinstance(code, str) and code not in seen else None
            if (
                known is not None
                and not revalidate
                and record.get("retired") is known[1]
                and (known[1] or content_hash(record) == known[0])
                and self._envelope_valid(record)
            ):
                seen.add(record["item_code"])  # a stored code, so a str
                if not known[1]:
                    report.unchanged += 1
                continue
            try:
                item = self.validate(record)
            except Exception as err:  # noqa: BLE001 - any invalid record is reported, never fatal
                messages = getattr(err, "messages", str(err))
                self._reject(report, code, messages)
                continue
            valid[item["item_code"]] = self._prepare(item)  # a later listing in the page wins
            seen.add(item["item_code"])
        return valid

    def _prepare(self, item: dict[str, Any]) -> _Prepared:
        if item["retired"]:
            return _Prepared(item, "", {}, set())
        digest = content_hash(item)
        values = self._columns(item) | index_columns(item)
        values["content_hash"] = digest
        return _Prepared(item, digest, values, index_terms(item))

    def _envelope_valid(self, record: dict[str, Any]) -> bool:
        if self.validate_envelope is None:
            return False  # no such check given: every record is validated in full
        try:
            self.validate_envelope(record)
        except Exception:  # noqa: BLE001 - the full validation names what is wrong
            return False
        return True

    def _stored(self, codes: list[str]) -> dict[str, tuple[str, bool]]:
        """code -> (content hash, retired) of the stored items among these codes."""
        if not codes:
            return {}
        with self.db.read() as session:
            return {
                code: (digest, retired)
                for code, digest, retired in session.execute(
                    select(ServiceItem.item_code, ServiceItem.content_hash, ServiceItem.retired).where(
                        ServiceItem.item_code.in_(codes)
                    )
                )
            }

    def _write(self, number: int, valid: dict[str, _Prepared], batch: _Batch) -> int:
        """One page's writes (on the writer thread), in the batch's transaction; returns how many of
        its items turned out unchanged (new, changed and retired it counts on the batch)."""
        unchanged = self._write_page(number, valid, batch) if valid else 0
        batch.page_done()
        return unchanged

    def _write_page(self, number: int, valid: dict[str, _Prepared], batch: _Batch) -> int:
        """The page's new, changed and retired items, in the batch's open transaction."""
        unchanged = 0
        now = self.clock()
        counts = batch.pending
        session = batch.session()
        # Only what the comparison needs: the full rows (~3 KB each) are read for changed items alone.
        stored = {
            row.item_code: row
            for row in session.execute(
                select(
                    ServiceItem.id, ServiceItem.item_code, ServiceItem.content_hash, ServiceItem.retired
                ).where(ServiceItem.item_code.in_(list(valid)))
            )
        }
        fresh: list[_Prepared] = []
        changed: dict[str, _Prepared] = {}
        retiring: list[str] = []
        for code, prepared in valid.items():
            row = stored.get(code)
            if prepared.item["retired"]:
                if row is not None and not row.retired:
                    retiring.append(code)
                continue
            if row is None:
                fresh.append(prepared)
            elif row.content_hash != prepared.digest or row.retired:
                changed[code] = prepared
            else:
                unchanged += 1
        if fresh:
            self._insert(session, fresh, counts, now)
        if changed:
            self._change(session, changed, counts, now)
        if retiring:
            self._retire(session, retiring, counts, now)
        touched = [p.item["item_code"] for p in fresh] + list(changed) + retiring
        if touched:
            self._announce(session, number, touched, counts.run_id, now)
        return unchanged

    def _insert(self, session: Session, fresh: list[_Prepared], report: SyncReport, now: datetime) -> None:
        """New items, their terms and first versions: three executemany INSERTs, no per-row RETURNING."""
        first = {"version": 1, "retired": False, "retired_at": None, "created_at": now, "updated_at": now}
        _bulk_insert(session, _ITEMS, [p.values | first for p in fresh])
        codes = [p.item["item_code"] for p in fresh]
        ids: dict[str, int] = {
            code: item_id
            for code, item_id in session.execute(
                select(ServiceItem.item_code, ServiceItem.id).where(ServiceItem.item_code.in_(codes))
            )
        }
        _insert_terms(session, [(t, ids[p.item["item_code"]]) for p in fresh for t in p.terms])
        _bulk_insert(
            session,
            _VERSIONS,
            [_version(p.item["item_code"], 1, "new", {}, p.digest, report.run_id, now) for p in fresh],
        )
        report.new += len(fresh)

    def _change(
        self,
        session: Session,
        changed: dict[str, _Prepared],
        report: SyncReport,
        now: datetime,
    ) -> None:
        """Changed (or restored) items: new content, a version row with the diff, terms kept in step."""
        rows = session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(list(changed)))).all()
        gone: list[dict[str, Any]] = []
        added: list[tuple[str, int]] = []
        updates: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        for row in rows:
            prepared = changed[row.item_code]
            item, digest = prepared.item, prepared.digest
            before = _as_record(row)
            old_terms, new_terms = index_terms(before), prepared.terms
            gone += ({"t": t, "i": row.id} for t in old_terms - new_terms)
            added += ((t, row.id) for t in new_terms - old_terms)
            version = row.version + 1
            fixed = {"retired": False, "retired_at": None, "version": version, "updated_at": now}
            updates.append({"id": row.id} | prepared.values | fixed)
            change = "restored" if row.retired else "changed"
            versions.append(
                _version(row.item_code, version, change, diff(before, item), digest, report.run_id, now)
            )
        for row in rows:
            session.expunge(row)  # written below in one statement, not through these objects
        _bulk_update(session, _ITEMS, updates)
        if gone:
            session.execute(
                delete(_TERMS).where(_TERMS.c.term == bindparam("t"), _TERMS.c.item_id == bindparam("i")),
                gone,
            )
        # A stored term the recomputed old set missed (stored under another definition) must not
        # fail the page on every run: on a change, a term already there is left as it is.
        _insert_terms(session, added, existing_ok=True)
        _bulk_insert(session, _VERSIONS, versions)
        report.changed += len(rows)

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

    def _retire(self, session: Session, codes: list[str], report: SyncReport, now: datetime) -> None:
        """Items the source stopped (or no longer lists): marked retired with a version row, never deleted."""
        versions: list[dict[str, Any]] = []
        for row in session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes))):
            row.retired, row.retired_at, row.updated_at = True, now, now
            row.version += 1
            versions.append(
                _version(
                    row.item_code,
                    row.version,
                    "retired",
                    {"retired": [False, True]},
                    row.content_hash,
                    report.run_id,
                    now,
                )
            )
        session.flush()
        if versions:
            session.execute(insert(_VERSIONS), versions)
        report.retired += len(versions)

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
            counts = SyncReport(run_id=report.run_id)
            with self.db.unit_of_work() as session:
                self._retire(session, chunk, counts, now)
                self._announce(session, 100_000 + start // 500, chunk, report.run_id, now)
            report.retired += counts.retired  # once committed

    def _announce(
        self, session: Session, number: int, codes: Iterable[str], run_id: int, now: datetime
    ) -> None:
        """One message per page and receiver; the items' content is read when it is sent."""
        payload = {"item_codes": sorted(codes), "sync_run_id": run_id}
        for target in TARGETS:
            outbox.enqueue(
                OutboxRepository(session),
                target=target,
                event_type=CATALOG_ITEMS,
                ordering_key=f"catalog:{target}",
                payload=payload,
                idempotency_key=f"catalog-run{run_id}-page{number}-{target}",
                now=now,
            )

    def _analyze(self) -> None:
        """Fresh planner statistics after a big sync; on PostgreSQL also VACUUM, which marks the pages
        all-visible so that search's index-only scans need not visit the rows (autovacuum would, but
        later, and not at all where it is turned off)."""
        tables = [t.name for t in (_ITEMS, _TERMS, _VERSIONS)]
        if self.db.is_sqlite:
            with self.db.unit_of_work() as session:
                session.execute(sql_text("PRAGMA analysis_limit=1000"))  # a sample is enough
                for table in tables:
                    session.execute(sql_text(f"ANALYZE {table}"))
            return
        autocommit = self.db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:  # VACUUM cannot run inside a transaction
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")

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


def _insert_terms(session: Session, rows: list[tuple[str, int]], *, existing_ok: bool = False) -> None:
    """(term, item_id) rows, ~21 per item, 2 M for a catalog: in one statement per page on both
    backends; with existing_ok, a row already stored is skipped instead of failing the page."""
    if not rows:
        return
    rows.sort()  # in primary-key order: each index page is visited once per page of items, not per row
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One statement with two arrays: an executemany would run 1.8 M single-row INSERTs on the server.
        terms, ids = zip(*rows, strict=True)
        connection.exec_driver_sql(
            f"INSERT INTO {_TERMS.name} (term, item_id) SELECT * FROM unnest(%s::text[], %s::bigint[])"  # noqa: S608
            + (" ON CONFLICT DO NOTHING" if existing_ok else ""),
            (list(terms), list(ids)),
        )
        return
    # Plain strings and integers: nothing to convert, the tuples go to json_each as they are.
    _sqlite_insert(connection, _TERMS, ["term", "item_id"], rows, or_ignore=existing_ok)


def _bulk_insert(
    session: Session, table: Table, rows: list[dict[str, Any]], *, or_ignore: bool = False
) -> None:
    """Rows (all with the same keys) into a table; on SQLite as ONE statement over json_each.

    sqlite3's executemany steps once per row and takes the GIL back between rows, so a writer thread
    inserting rows (with their FTS5 triggers) and a thread validating the next page take turns instead
    of overlapping. One INSERT ... SELECT FROM json_each(?) runs the whole page, triggers included, in
    a single step with the GIL released. Values are converted by the columns' own SQLAlchemy types
    first (DATETIME text, booleans), so what is stored is exactly what an ORM insert stores; JSON
    columns travel as JSON and are stored as SQLite renders them, which is the engine's serializer's
    compact form (db.json_text). Elsewhere (PostgreSQL): an ordinary executemany. or_ignore (SQLite
    only) skips rows whose key is already stored.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    _sqlite_insert(
        connection, table, names, _storage_values(dialect, table, names, rows), or_ignore=or_ignore
    )


def _storage_values(
    dialect: Any, table: Table, names: list[str], rows: list[dict[str, Any]]
) -> list[list[Any]]:
    """The rows' values as SQLite stores them, in `names` order: converted by the columns' own types
    (DATETIME text, booleans); JSON columns stay JSON values (SQLite renders them as db.json_text)."""
    pick = itemgetter(*names)
    values: list[Any] = [list(pick(row)) for row in rows] if len(names) > 1 else [[pick(r)] for r in rows]
    for index, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            continue  # stays a JSON value inside the page's JSON
        to_db = column_type.dialect_impl(dialect).bind_processor(dialect)
        if to_db is None:
            continue
        converted: dict[Any, Any] = {}  # the page's timestamps repeat: convert each value once
        for row in values:
            value = row[index]
            try:
                row[index] = converted[value]
            except KeyError:
                row[index] = converted[value] = to_db(value)
            except TypeError:  # unhashable
                row[index] = to_db(value)
    return values


def _bulk_update(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows (all with the same keys, "id" among them) written over the stored rows of those ids.

    On SQLite as ONE `UPDATE ... FROM json_each(?)`: FTS5 pays a flush for every statement that
    touches it, so an UPDATE per row (what executemany and the ORM's flush run) cost ~1.5 ms per
    changed item in the three trigram tables' triggers; one statement for the page, ~0.2 ms.
    Elsewhere: an executemany UPDATE by id.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns = [name for name in names if name != "id"]
    if dialect.name != "sqlite":
        statement = (
            update(table)
            .where(table.c.id == bindparam("v_id"))
            .values({name: bindparam(f"v_{name}") for name in columns})
        )
        connection.execute(statement, [{f"v_{k}": v for k, v in row.items()} for row in rows])
        return
    values = _storage_values(dialect, table, names, rows)
    quote = dialect.identifier_preparer.quote
    is_json = _json_columns(table, names)
    key = names.index("id")
    payload = json_text(values)
    if not _one_statement(payload):
        sets = ", ".join(f"{quote(n)} = ?" for n in columns)
        connection.exec_driver_sql(
            f"UPDATE {quote(table.name)} SET {sets} WHERE id = ?",  # noqa: S608
            [row[:key] + row[key + 1 :] + row[key : key + 1] for row in _plain(values, is_json)],
        )
        return
    sets = ", ".join(
        f"{quote(n)} = j.value {'->' if j else '->>'} {i}"
        for i, (n, j) in enumerate(zip(names, is_json, strict=True))
        if i != key
    )
    connection.exec_driver_sql(
        f"UPDATE {quote(table.name)} SET {sets} FROM json_each(?) AS j "  # noqa: S608
        f"WHERE {quote(table.name)}.id = j.value ->> {key}",
        (payload,),
    )


def _sqlite_insert(
    connection: Connection,
    table: Table,
    names: list[str],
    values: Sequence[Sequence[Any]],
    *,
    or_ignore: bool = False,
) -> None:
    """Rows of values already in storage form, in one INSERT ... SELECT FROM json_each(?).

    A JSON column's value is read with `->` (its JSON text, compact), every other with `->>` (the SQL
    value: text, integer, real or NULL; JSON true/false become 1/0, as SQLAlchemy stores booleans).
    """
    quote = connection.dialect.identifier_preparer.quote
    is_json = _json_columns(table, names)
    head = f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {quote(table.name)} "  # noqa: S608
    head += f"({', '.join(quote(name) for name in names)}) "
    payload = json_text(values)
    if not _one_statement(payload):
        connection.exec_driver_sql(head + f"VALUES ({', '.join('?' * len(names))})", _plain(values, is_json))
        return
    extract = ", ".join(f"value {'->' if j else '->>'} {i}" for i, j in enumerate(is_json))
    connection.exec_driver_sql(head + f"SELECT {extract} FROM json_each(?)", (payload,))  # noqa: S608


def _json_columns(table: Table, names: list[str]) -> list[bool]:
    return [isinstance(table.c[name].type, JSON) for name in names]


def _one_statement(payload: str) -> bool:
    """Whether a page's JSON can be read by ->/->> in one statement: SQLite 3.38+, and no NUL (->>
    would end a text there; validated content has none). Otherwise the rows go one by one."""
    return _JSON_ARROWS and "\\u0000" not in payload


def _plain(values: Sequence[Sequence[Any]], is_json: list[bool]) -> list[tuple[Any, ...]]:
    """Rows of storage values as sqlite3 parameters: JSON columns as their text."""
    return [tuple(json_text(v) if j else v for v, j in zip(row, is_json, strict=True)) for row in values]


def _version(
    code: str, version: int, change: str, changes: dict[str, Any], digest: str, run_id: int, now: datetime
) -> dict[str, Any]:
    return {
        "item_code": code,
        "version": version,
        "change": change,
        "changes": changes,
        "content_hash": digest,
        "sync_run_id": run_id,
        "created_at": now,
    }


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
