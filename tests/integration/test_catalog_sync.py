from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from adapters.base.simulator import Fault
from gateway import create_app
from gateway.domain.errors import UpstreamError
from gateway.persistence.catalog_models import ServiceItem, ServiceItemVersion, SyncRun
from gateway.persistence.models import OutboxMessage
from gateway.services.catalog import CURSOR
from gateway.services.cursors import get_cursor
from tests.conftest import FakeClock
from tests.integration.catalog_support import catalog_source

SIZE = 600


@pytest.fixture
def source():
    with catalog_source(seed=7, size=SIZE) as server:
        yield server


def count(services, model, *where):
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_full_sync_then_changes_then_nothing(gw, source):
    state = source.app.extensions["simulator"]
    first = gw.catalog_sync(page_size=100).run(full=True)
    assert (first.seen, first.new, first.changed, first.rejected) == (SIZE, SIZE, 0, 0)
    assert count(gw, ServiceItem) == SIZE
    assert count(gw, ServiceItemVersion, ServiceItemVersion.change == "new") == SIZE
    # one message per page and receiver, holding codes only (filled in when sent)
    with gw.db.read() as session:
        messages = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "catalog.items_changed")
        ).all()
    assert {m.target for m in messages} == {"website", "hotline", "window"} and len(messages) == 3 * (
        SIZE // 100
    )
    assert sum(len(m.payload["item_codes"]) for m in messages if m.target == "website") == SIZE

    again = gw.catalog_sync(page_size=100).run(full=False)
    assert (
        again.new == again.changed == again.retired == 0
    )  # the inclusive boundary brings back little, unchanged

    changed = state.change(5)
    added = state.add(3)
    retired = state.retire(2)
    broken = state.break_records("negative_limit", 1) + state.break_records("unknown_type", 1)
    report = gw.catalog_sync(page_size=100).run(full=False)
    assert (report.new, report.retired, report.rejected) == (3, 2, 2)
    assert report.changed == 5
    reasons = {r["item_code"]: r["reasons"] for r in report.rejects}
    assert "promised_days" in str(reasons[broken[0]]) and "item_type" in str(reasons[broken[1]])
    with gw.db.read() as session:
        item = session.scalar(select(ServiceItem).where(ServiceItem.item_code == changed[0]))
        versions = session.scalars(
            select(ServiceItemVersion)
            .where(ServiceItemVersion.item_code == changed[0])
            .order_by(ServiceItemVersion.version)
        ).all()
        gone = session.scalar(select(ServiceItem).where(ServiceItem.item_code == retired[0]))
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id)).all()
    assert item.version == 2 and [v.change for v in versions] == ["new", "changed"]
    assert "name" in versions[1].changes and versions[1].sync_run_id == report.run_id
    assert gone.retired and gone.retired_at is not None  # retired, not deleted
    assert [r.status for r in runs] == ["succeeded"] * 3 and runs[-1].rejected == 2
    assert all(
        code in {i["item_code"] for i in gw.catalog.hydrate({"item_codes": added})["items"]} for code in added
    )


def test_full_sync_retires_what_the_source_no_longer_lists(gw, source):
    gw.catalog_sync(page_size=200).run(full=True)
    state = source.app.extensions["simulator"]
    state.break_records(
        "missing_code", 1
    )  # the record is still served, but unreadable: it must not retire others
    report = gw.catalog_sync(page_size=200).run(full=True)
    assert report.rejected == 1 and report.unchanged == SIZE - 1
    assert report.retired == 1  # the item whose code went missing is no longer listed as itself


def search(gw, q, **kw):
    return [i["item_code"] for i in gw.catalog.search(q, **kw).items]


def test_search_by_text_pinyin_code_and_department(gw):
    gw.catalog_sync(page_size=200).run(full=True)
    with gw.db.read() as session:
        items = session.scalars(select(ServiceItem).order_by(ServiceItem.id)).all()
    target = next(i for i in items if "公证" in i.name and len(i.name) >= 4)
    assert target.item_code in search(gw, target.name)
    assert search(gw, target.name)[0] == target.item_code  # exact name first
    three = target.name[:3]
    found = {f["item_code"] for f in gw.catalog.search(three, limit=100).items}
    assert target.item_code in found
    with gw.db.read() as session:
        columns = (ServiceItem.name, ServiceItem.search_title, ServiceItem.guide)
        texts = session.execute(select(*columns).where(ServiceItem.item_code.in_(found))).all()
    assert all(
        three in "\n".join(t or "" for t in text) for text in texts
    )  # every hit really contains the text
    assert target.item_code in [i["item_code"] for i in gw.catalog.search("公证", limit=200).items]
    assert target.item_code in search(gw, target.pinyin_initials[:4], limit=50)
    assert search(gw, target.item_code) == [target.item_code]
    sfj = gw.catalog.search(None, department="SFJ", limit=500).items
    assert sfj and all(i["department"] == "SFJ" for i in sfj)
    assert search(gw, "不存在的事项名称xyz") == []
    detail = gw.catalog.get(target.item_code)
    assert detail["materials"] and detail["steps"] and detail["department_name"].endswith("司法局")


def test_items_api(gw, settings):
    gw.catalog_sync(page_size=200).run(full=True)
    _, key = gw.keys.create("窗口", "window")
    app = create_app(settings, clock=FakeClock(), TESTING=True)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    listed = client.get("/api/v1/items", query_string={"q": "公证", "page_size": 5}, headers=headers)
    assert listed.status_code == 200 and 0 < len(listed.get_json()) <= 5
    code = listed.get_json()[0]["item_code"]
    one = client.get(f"/api/v1/items/{code}", headers=headers).get_json()
    assert one["item_code"] == code and isinstance(one["materials"], list)
    assert client.get("/api/v1/items/NOPE-0000", headers=headers).status_code == 404
    runs = client.get("/api/v1/catalog/sync-runs", headers=headers)
    assert runs.status_code == 403  # window staff do not see job history
    app.extensions["gateway"].close()


def test_a_full_sync_read_in_another_process_fails_with_the_sources_reason(gw, source):
    state = source.app.extensions["simulator"]
    state.inject(Fault(remaining=1))  # the first page is served
    state.inject(Fault(status=503, remaining=50))
    sync = gw.catalog_sync(page_size=100)
    assert sync.source_factory is not None  # a full sync reads in a child process
    with pytest.raises(UpstreamError, match=r"^catalog_source: .*503") as raised:
        sync.run(full=True)
    assert raised.value.retryable and raised.value.status == 503
    with gw.db.read() as session:
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert run.status == "failed" and "503" in run.error and run.finished_at is not None
    assert count(gw, ServiceItem) == 100  # the page before the failure stays written
    assert get_cursor(gw.db, CURSOR) is None  # and the next sync starts from the beginning again
    assert multiprocessing.active_children() == []
