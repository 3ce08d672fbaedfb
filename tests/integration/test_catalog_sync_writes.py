"""What the sync writes per page: terms kept in step, restored items, and a failed write mid-sync."""

from __future__ import annotations

import copy
import dataclasses
import re
import time
from types import SimpleNamespace

import pytest
from marshmallow import ValidationError
from sqlalchemy import delete, select, text, update

from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm, ServiceItemVersion, SyncRun
from gateway.persistence.models import OutboxMessage
from gateway.services.catalog import CURSOR
from gateway.services.catalog import sync as catalog_sync
from gateway.services.catalog.text import index_terms
from gateway.services.cursors import get_cursor
from tests.integration.catalog_support import catalog_source

SIZE = 300


@pytest.fixture
def source():
    with catalog_source(seed=11, size=SIZE) as server:
        yield server


def stored_terms(gw, code):
    with gw.db.read() as session:
        return set(
            session.scalars(
                select(ServiceItemTerm.term)
                .join(ServiceItem, ServiceItem.id == ServiceItemTerm.item_id)
                .where(ServiceItem.item_code == code)
            )
        )


def as_item(row):
    return {"name": row.name, "keywords": row.keywords}


def test_a_renamed_item_has_exactly_the_terms_of_its_new_name(gw, source):
    gw.catalog_sync(page_size=100).run(full=True)
    with gw.db.read() as session:
        rows = {r.item_code: r for r in session.scalars(select(ServiceItem))}
    codes = source.app.extensions["simulator"].change(40)  # the simulator renames some of them
    report = gw.catalog_sync(page_size=100).run(full=False)
    assert report.changed == 40
    with gw.db.read() as session:
        after = {
            r.item_code: r
            for r in session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes)))
        }
    renamed = [c for c in codes if after[c].name != rows[c].name]
    assert renamed, "the simulator's changes include new names"
    for code in codes:
        assert stored_terms(gw, code) == index_terms(as_item(after[code]))
    untouched = next(c for c in rows if c not in codes)
    assert stored_terms(gw, untouched) == index_terms(as_item(rows[untouched]))


def test_terms_of_an_old_name_are_removed_when_the_source_renames_it_back(gw):
    gw.catalog_sync(page_size=100).run(full=True)
    old = {"name": "旧称婚姻登记证明", "keywords": ["旧称"]}
    with gw.db.unit_of_work() as session:
        row = session.scalar(select(ServiceItem).order_by(ServiceItem.item_code.desc()).limit(1))
        code, current = row.item_code, as_item(row)
        session.execute(delete(ServiceItemTerm).where(ServiceItemTerm.item_id == row.id))
        session.add_all(ServiceItemTerm(term=t, item_id=row.id) for t in index_terms(old))
        # one stored term the old name does not explain (a row stored under another definition):
        # the change must neither fail on it nor lose it
        stray = sorted(index_terms(current) - index_terms(old))[0]
        session.add(ServiceItemTerm(term=stray, item_id=row.id))
        row.name, row.keywords, row.content_hash = old["name"], old["keywords"], "stale"
    assert index_terms(old) - index_terms(current), "the old name has terms the current one lacks"
    report = gw.catalog_sync(page_size=100).run(full=True)
    assert report.changed == 1
    assert stored_terms(gw, code) == index_terms(current)


def test_an_item_retired_here_but_listed_again_is_restored_with_a_version(gw):
    gw.catalog_sync(page_size=100).run(full=True)
    with gw.db.unit_of_work() as session:
        code = session.scalar(select(ServiceItem.item_code).order_by(ServiceItem.item_code).limit(1))
        session.execute(
            update(ServiceItem).where(ServiceItem.item_code == code).values(retired=True, version=2)
        )
    report = gw.catalog_sync(page_size=100).run(full=True)
    assert (report.changed, report.unchanged, report.new) == (1, SIZE - 1, 0)
    with gw.db.read() as session:
        item = session.scalar(select(ServiceItem).where(ServiceItem.item_code == code))
        last = session.scalar(
            select(ServiceItemVersion)
            .where(ServiceItemVersion.item_code == code)
            .order_by(ServiceItemVersion.version.desc())
            .limit(1)
        )
    assert not item.retired and item.retired_at is None and item.version == 3
    assert (last.change, last.version, last.sync_run_id) == ("restored", 3, report.run_id)


def test_a_write_that_fails_mid_sync_fails_the_run_and_keeps_the_pages_before(gw, monkeypatch):
    real = catalog_sync.CatalogSync._write
    calls = []

    def failing(self, number, valid, batch):
        calls.append(number)
        if number == 1:
            raise RuntimeError("disk full")
        return real(self, number, valid, batch)

    monkeypatch.setattr(catalog_sync.CatalogSync, "_write", failing)
    sync = gw.catalog_sync(page_size=100)
    sync.commit_after_seconds = 0  # every page commits on its own
    with pytest.raises(RuntimeError, match="disk full"):
        sync.run(full=True)
    assert calls == [0, 1]  # nothing is written after the failure
    with gw.db.read() as session:
        run = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
        stored = session.scalars(select(ServiceItem.item_code)).all()
    assert run.status == "failed" and "disk full" in run.error and run.finished_at is not None
    assert len(stored) == 100 == run.new  # page 0 committed, in its own transaction
    assert get_cursor(gw.db, CURSOR) is None  # the cursor does not move past a failed sync

    monkeypatch.setattr(catalog_sync.CatalogSync, "_write", real)
    report = gw.catalog_sync(page_size=100).run(full=True)
    assert (report.new, report.unchanged) == (SIZE - 100, 100)


class AfterCommits:
    """The real client, handing over page n only once the items of the pages before it are committed
    (or after 5 s): a source slower than the writer, without sleeping for it."""

    def __init__(self, client, db, page_size):
        self.client, self.db, self.page_size = client, db, page_size
        self.late: list[int] = []  # pages handed over although the earlier ones were not committed

    def committed(self):
        with self.db.read() as session:
            return len(session.scalars(select(ServiceItem.id)).all())

    def iter_pages(self, *, updated_since, page_size=500):
        pages = self.client.iter_pages(updated_since=updated_since, page_size=page_size)
        for number, page in enumerate(pages):
            deadline = time.monotonic() + 5
            while self.committed() < number * self.page_size:
                if time.monotonic() > deadline:
                    self.late.append(number)
                    break
                time.sleep(0.01)
            yield page


@pytest.fixture
def transactions(monkeypatch):
    """The items each committed write transaction of a sync added, in commit order."""
    committed: list[int] = []
    real = catalog_sync._Batch.commit

    def commit(self):
        if self._open is not None:
            committed.append(self.pending.new)
        real(self)

    monkeypatch.setattr(catalog_sync._Batch, "commit", commit)
    return committed


PAGES = SIZE // 50


def behind_writer(monkeypatch, fail_at=None, clock=None):
    """The writer ends each page (but the last) only once the next one waits for it: it is behind.
    With a clock, each page takes 0.2 s of it."""
    real = catalog_sync.CatalogSync._write_page

    def behind(self, number, valid, batch):
        if number == fail_at:
            raise RuntimeError("disk full")
        unchanged = real(self, number, valid, batch)
        if clock is not None:
            clock[0] += 0.2
        if number < PAGES - 1:
            assert batch.waiting.wait(5), "the next page never came"
        return unchanged

    monkeypatch.setattr(catalog_sync.CatalogSync, "_write_page", behind)


def test_pages_share_a_transaction_while_the_writer_is_behind(gw, monkeypatch, transactions):
    behind_writer(monkeypatch)
    sync = gw.catalog_sync(page_size=50)
    sync.commit_after_seconds = 60
    report = sync.run(full=True)
    assert transactions == [SIZE]  # six pages, one transaction
    assert (report.new, report.unchanged) == (SIZE, 0)
    with gw.db.read() as session:
        assert len(session.scalars(select(ServiceItem.item_code)).all()) == SIZE


def test_a_shared_transaction_commits_once_it_is_old_enough(gw, monkeypatch, transactions):
    clock = [1000.0]
    monkeypatch.setattr(catalog_sync, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    behind_writer(monkeypatch, clock=clock)
    sync = gw.catalog_sync(page_size=50)
    sync.commit_after_seconds = 0.3  # older after the second page of a transaction
    sync.run(full=True)
    assert transactions == [100, 100, 100]


def test_each_page_commits_when_the_writer_waits_for_the_source(gw, transactions):
    sync = gw.catalog_sync(page_size=50)
    sync.commit_after_seconds = 60
    sync.source = source = AfterCommits(sync.source, gw.db, 50)
    sync.source_factory = None  # read in this process, through the wrapper
    report = sync.run(full=True)
    assert source.late == []  # never held open while the sync waits for the source
    assert transactions == [50] * PAGES
    assert report.new == SIZE


def test_a_failure_rolls_back_every_page_of_its_transaction(gw, monkeypatch, transactions):
    behind_writer(monkeypatch, fail_at=3)
    sync = gw.catalog_sync(page_size=50)
    sync.commit_after_seconds = 60
    with pytest.raises(RuntimeError, match="disk full"):
        sync.run(full=True)
    with gw.db.read() as session:
        run = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
        stored = session.scalars(select(ServiceItem.item_code)).all()
        versions = session.scalars(select(ServiceItemVersion.id)).all()
        messages = session.scalars(select(OutboxMessage.id)).all()
    assert transactions == []  # pages 0-2 shared the transaction page 3 failed in
    assert (run.status, run.new, len(stored), len(versions), len(messages)) == ("failed", 0, 0, 0, 0)
    monkeypatch.undo()
    report = gw.catalog_sync(page_size=50).run(full=True)  # and the next sync stores them all
    assert report.new == SIZE


def test_an_interrupted_sync_is_recorded_and_leaves_no_transaction_open(gw, transactions):
    sync = gw.catalog_sync(page_size=50)
    sync.commit_after_seconds = 60

    calls = []

    def progress(n):
        calls.append(n)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C at `flask catalog sync`, with pages in flight

    with pytest.raises(KeyboardInterrupt):
        sync.run(full=True, progress=progress)
    with gw.db.unit_of_work() as session:  # the write lock is free (SQLite: BEGIN IMMEDIATE)
        run = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
        stored = session.scalars(select(ServiceItem.item_code)).all()
    assert (run.status, run.error) == ("failed", "KeyboardInterrupt: ")
    assert run.new == len(stored) == sum(transactions) <= 150


class Listed:
    """Pages given in advance (a listing the test shapes)."""

    def __init__(self, pages):
        self.pages = pages

    def iter_pages(self, *, updated_since, page_size=500):
        yield from self.pages


@pytest.mark.parametrize("change", ["retired", "renamed"])
def test_the_last_listing_of_a_code_wins_though_its_first_is_not_committed(gw, monkeypatch, change):
    gw.catalog_sync(page_size=50).run(full=True)
    sync = gw.catalog_sync(page_size=50)
    pages = list(sync.source.iter_pages(updated_since=None, page_size=50))
    stored = copy.deepcopy(pages[1].records[0])
    renamed = {**stored, "name": stored["name"] + "（新）"}
    edited = {**stored, "retired": True} if change == "retired" else renamed
    pages[1].records[0] = edited  # listed retired (or renamed) ...
    pages[3].records.append(stored)  # ... and again, as stored, by the time the listing got that far
    for page in pages[2:]:  # every later page changes something too: the writer is busy with each
        page.records[5] = {**page.records[5], "name": page.records[5]["name"] + "（改）"}
    behind_writer(monkeypatch)  # page 1 is still in the open transaction when page 3 is read
    sync.source, sync.source_factory = Listed(pages), None
    sync.commit_after_seconds = 60
    sync.run(full=True)
    with gw.db.read() as session:
        row = session.scalar(select(ServiceItem).where(ServiceItem.item_code == stored["item_code"]))
        versions = session.scalars(
            select(ServiceItemVersion.change)
            .where(ServiceItemVersion.item_code == stored["item_code"])
            .order_by(ServiceItemVersion.version)
        ).all()
    assert (row.retired, row.name) == (False, stored["name"])
    second, third = ("retired", "restored") if change == "retired" else ("changed", "changed")
    assert versions == ["new", second, third]


def test_bulk_inserted_rows_are_stored_as_the_orm_stores_them(gw, source):
    gw.catalog_sync(page_size=100).run(full=True)
    code = source.app.extensions["simulator"].change(1)[0]  # one row rewritten through the ORM
    gw.catalog_sync(page_size=100).run(full=False)
    with gw.db.read() as session:
        raw = session.execute(
            text(
                "SELECT item_code, typeof(retired), typeof(materials), typeof(created_at), created_at, "
                "source_updated_at FROM service_items ORDER BY item_code"
            )
        ).all()
        orm_written = session.execute(
            text("SELECT updated_at FROM service_items WHERE item_code = :c"), {"c": code}
        ).scalar_one()
        item = session.scalar(select(ServiceItem).where(ServiceItem.item_code != code).limit(1))
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")  # SQLAlchemy's DATETIME text
    assert stamp.match(orm_written)
    assert {(r[1], r[2], r[3]) for r in raw} == {("integer", "text", "text")}
    assert all(stamp.match(r[4]) and stamp.match(r[5]) for r in raw)
    assert isinstance(item.materials, list) and isinstance(item.materials[0]["required"], bool)
    assert item.retired is False and item.source_updated_at.tzinfo is not None
    assert gw.catalog.get(item.item_code)["materials"] == item.materials


class Tampered:
    """The real client over HTTP, with one record's non-content fields spoiled on the way in."""

    def __init__(self, client, code, **fields):
        self.client, self.code, self.fields = client, code, fields

    def iter_pages(self, *, updated_since, page_size=500):
        for page in self.client.iter_pages(updated_since=updated_since, page_size=page_size):
            records = [{**r, **self.fields} if r.get("item_code") == self.code else r for r in page.records]
            yield dataclasses.replace(page, records=records)


def test_unchanged_content_with_a_bad_update_time_is_rejected_not_skipped(gw):
    gw.catalog_sync(page_size=100).run(full=True)
    sync = gw.catalog_sync(page_size=100)
    with gw.db.read() as session:
        code = session.scalar(select(ServiceItem.item_code).order_by(ServiceItem.item_code).limit(1))
    sync.source = Tampered(sync.source, code, updated_at="garbage", source_department_code="a\x00b")
    sync.source_factory = None  # read in this process, through the tampering wrapper
    report = sync.run(full=True)
    assert (report.rejected, report.unchanged, report.retired) == (1, SIZE - 1, 1)
    assert report.rejects[0]["item_code"] == code and "updated_at" in report.rejects[0]["reasons"]


def test_a_revalidating_sync_rejudges_stored_content_under_tightened_rules(gw):
    gw.catalog_sync(page_size=100).run(full=True)
    with gw.db.read() as session:
        code = session.scalar(select(ServiceItem.item_code).order_by(ServiceItem.item_code).limit(1))
    sync = gw.catalog_sync(page_size=100)
    lenient = sync.validate

    def tightened(record):  # a rule added since the item was stored
        if record.get("item_code") == code:
            raise ValidationError({"legal_basis": ["设定依据须注明条款"]})
        return lenient(record)

    sync.validate = tightened
    skipped = sync.run(full=True)
    assert (skipped.rejected, skipped.unchanged, skipped.retired) == (0, SIZE, 0)  # content as stored
    rejudged = sync.run(full=True, revalidate=True)
    assert (rejudged.rejected, rejudged.unchanged, rejudged.retired) == (1, SIZE - 1, 1)
    assert rejudged.rejects == [{"item_code": code, "reasons": {"legal_basis": ["设定依据须注明条款"]}}]
