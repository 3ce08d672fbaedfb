"""Catalog sync: stream the provincial 事项库 page by page into the gateway's validated, versioned copy.

Each page is one transaction: records are validated (a bad one is reported and skipped), an item is
written only when its content hash changed, each change gets a version row naming the sync run, and the
changed codes go to the outbox for the website (办事指南), the hotline knowledge base and the windows.
A full sync then retires, never deletes, what the source no longer lists. Memory holds one page and the
set of codes seen, never the catalog.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import KW_ONLY, dataclass
from typing import Any

from gateway.config import Settings
from gateway.domain.catalog import normalize_department
from gateway.domain.clock import Clock
from gateway.services.catalog import publish, sync_writes
from gateway.services.catalog.records import Prepared
from gateway.services.catalog.sync_pages import (
    Page,
    ReadAhead,
    ReadApart,
    Screen,
    Source,
    SyncReport,
    Validator,
)
from gateway.services.cursors import get_cursor, save_cursor
from gateway.services.ports import Transactions, UnitOfWork

log = logging.getLogger("gateway.catalog")

CURSOR = "catalog.updated_since"
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


class _Batch:
    """The writer thread's open write transaction, shared by consecutive pages.

    A page's writes join it; when the page is done it commits, unless the sync's thread already holds
    the next page (`waiting`) and the transaction is younger than `seconds`. So pages share a
    transaction only while the writer is behind, and it is never left open while the sync waits for
    the source or validates. What its pages counted (new, changed, retired) reaches the report when
    it commits: a failed run's counts are what it stored.
    """

    def __init__(self, db: Transactions, report: SyncReport, seconds: float) -> None:
        self.db = db
        self.report = report
        self.seconds = seconds
        self.waiting = threading.Event()
        self.pending = SyncReport(run_id=report.run_id)
        self._open: tuple[ExitStack, UnitOfWork, float] | None = None

    def uow(self) -> UnitOfWork:
        """The open transaction's unit of work; begins one if none is open."""
        if self._open is None:
            stack = ExitStack()
            uow = stack.enter_context(self.db.writing())
            self._open = (stack, uow, time.monotonic())
        return self._open[1]

    def page_done(self) -> None:
        """A page is written: commit, unless the next page waits and the transaction is young."""
        if self._open is not None and (
            not self.waiting.is_set() or time.monotonic() - self._open[2] >= self.seconds
        ):
            self.commit()

    def commit(self) -> None:
        """Commit the open transaction, if any, and add what its pages counted to the report."""
        if self._open is None:
            return
        stack = self._open[0]
        self._open = None
        pending, self.pending = self.pending, SyncReport(run_id=self.report.run_id)
        stack.close()  # the unit of work commits
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
        stack.__exit__(type(failure), failure, None)  # the unit of work rolls back


@dataclass(eq=False)
class CatalogSync:
    """Runs syncs; one instance per process is enough."""

    db: Transactions
    settings: Settings
    source: Source
    validate: Validator
    clock: Clock
    page_size: int = 500
    # Checks the fields outside an item's content; given, unchanged content skips full validation.
    validate_envelope: Validator | None = None
    # Given (picklable), a full sync reads the listing in a child process built from it.
    source_factory: Callable[[], Source] | None = None
    commit_after_seconds: float = COMMIT_AFTER_SECONDS
    _: KW_ONLY
    # How pages are read while the previous one is worked on, handed in by the wiring: in a child
    # process built by source_factory (read_apart), else one page ahead on a thread (read_ahead).
    read_apart: ReadApart
    read_ahead: ReadAhead

    def __post_init__(self) -> None:
        self._departments = {normalize_department(d.name): d.code for d in self.settings.departments}

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
        with self.db.writing() as uow:
            report.run_id = uow.catalog.start_run(full=full, started_at=self.clock(), updated_since=since)
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
    ) -> dict[str, Prepared]:
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
        screen = Screen(self.validate, self.validate_envelope, self._departments)
        return screen.valid(records, stored, report, seen, revalidate=revalidate)

    def _stored(self, codes: list[str]) -> dict[str, tuple[str, bool]]:
        """code -> (content hash, retired) of the stored items among these codes."""
        if not codes:
            return {}
        with self.db.reading() as uow:
            return uow.catalog.stored_states(codes)

    def _write(self, number: int, valid: dict[str, Prepared], batch: _Batch) -> int:
        """One page's writes (on the writer thread), in the batch's transaction; returns how many of
        its items turned out unchanged (new, changed and retired it counts on the batch)."""
        unchanged = self._write_page(number, valid, batch) if valid else 0
        batch.page_done()
        return unchanged

    def _write_page(self, number: int, valid: dict[str, Prepared], batch: _Batch) -> int:
        """The page's new, changed and retired items, in the batch's open transaction; how many of its
        items turned out unchanged."""
        return sync_writes.page(batch.uow(), number, valid, batch.pending, self.clock())

    def _retire_unseen(self, seen: set[str], report: SyncReport) -> None:
        """After a full sync: whatever the source no longer lists is retired (history stays)."""
        with self.db.reading() as uow:
            active = uow.catalog.active_codes()
        gone = [code for code in active if code not in seen]
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            now = self.clock()
            counts = SyncReport(run_id=report.run_id)
            with self.db.writing() as uow:
                sync_writes.retire(uow.catalog, chunk, counts, now)
                publish.announce(uow.outbox, 100_000 + start // 500, chunk, report.run_id, now)
            report.retired += counts.retired  # once committed

    def _analyze(self) -> None:
        """Fresh planner statistics after a big sync (on PostgreSQL with a VACUUM: uow.catalog.analyze)."""
        with self.db.writing() as uow:
            uow.catalog.analyze()

    # ---- bookkeeping ----------------------------------------------------------------------------

    def _finish(self, report: SyncReport, status: str, error: str | None) -> None:
        """Record the run's outcome with its counts and rejects."""
        with self.db.writing() as uow:
            uow.catalog.finish_run(
                report.run_id,
                status=status,
                error=error,
                finished_at=self.clock(),
                counts=report.counts(),
                rejects=report.rejects,
            )
