from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from flask import Flask, Response, jsonify

from adapters.base.http import HttpClient
from adapters.base.simulator import Fault
from adapters.catalog_source import CatalogSourceClient, CatalogSourceState, create_simulator
from adapters.catalog_source.client import CatalogPage
from gateway.domain.errors import UpstreamError
from tests.conftest import FakeClock as Clock
from tests.conftest import Start

BEIJING = timezone(timedelta(hours=8))
ITEM_TYPES = {
    "licensing",
    "confirmation",
    "payment",
    "adjudication",
    "reward",
    "filing",
    "other_power",
    "public_service",
}
DEPARTMENTS = {
    "仓山区司法局",
    "仓山区市场监督管理局",
    "仓山区人力资源和社会保障局",
    "仓山区住房和城乡建设局",
    "仓山区城市管理局",
    "仓山区生态环境局",
    "仓山区教育局",
    "仓山区卫生健康局",
    "仓山区民政局",
    "仓山区交通运输局",
    "仓山区行政服务中心",
}


@pytest.fixture
def connect(start: Start, session: requests.Session) -> Callable[[Flask], CatalogSourceClient]:
    def _connect(app: Flask) -> CatalogSourceClient:
        return CatalogSourceClient(HttpClient("catalog_source", start(app).url, session))

    return _connect


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 26, 10, 0, tzinfo=BEIJING))


Clocked = Callable[[int], tuple[CatalogSourceState, CatalogSourceClient]]


@pytest.fixture
def clocked(connect: Callable[[Flask], CatalogSourceClient], clock: Clock) -> Clocked:
    """A simulator of `size` items on the test's clock, and a client for it."""

    def _clocked(size: int) -> tuple[CatalogSourceState, CatalogSourceClient]:
        app = create_simulator(size=size)
        state = state_of(app)
        state.clock = clock
        return state, connect(app)

    return _clocked


def state_of(app: Flask) -> CatalogSourceState:
    state = app.extensions["simulator"]
    assert isinstance(state, CatalogSourceState)
    return state


def read_all(
    client: CatalogSourceClient, updated_since: str | None = None, page_size: int = 500
) -> list[CatalogPage]:
    return list(client.iter_pages(updated_since=updated_since, page_size=page_size))


def records(pages: list[CatalogPage]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


# ---- a full listing --------------------------------------------------------------------------------


def test_a_full_listing_yields_every_item_once_in_pages(
    connect: Callable[[Flask], CatalogSourceClient],
) -> None:
    client = connect(create_simulator(size=3000))

    pages = read_all(client, page_size=500)

    assert [len(page.records) for page in pages] == [500] * 6
    assert all(page.next_cursor for page in pages[:-1]) and pages[-1].next_cursor is None
    assert len({page.server_time for page in pages}) == 1  # the listing's reference time, on every page
    items = records(pages)
    codes = [item["item_code"] for item in items]
    assert len(set(codes)) == 3000
    stamps = [item["updated_at"] for item in items]
    assert stamps == sorted(stamps)  # listed by GXSJ
    assert len({item["name"] for item in items}) == 3000
    assert {item["department"] for item in items} == DEPARTMENTS
    assert {item["item_type"] for item in items} == ITEM_TYPES
    for item in items:
        assert item["retired"] is False
        assert 0 <= item["promised_days"] <= item["statutory_days"]
        assert item["materials"] and all(
            m["form"] in ("original", "copy", "electronic") for m in item["materials"]
        )
        assert any(m["key"] for m in item["materials"])
        assert [step["order"] for step in item["steps"]] == list(range(1, len(item["steps"]) + 1))
        assert item["consult_phone"].startswith("0591-83")
        assert datetime.fromisoformat(item["updated_at"]).utcoffset() == timedelta(hours=8)
        assert None not in [value for key, value in item.items() if key != "parent_code"]
        if item["accepts_incomplete"]:
            assert not all(m["key"] for m in item["materials"])  # 容缺: something may be missing


def test_items_form_a_hierarchy_of_main_items_and_sub_items(
    connect: Callable[[Flask], CatalogSourceClient],
) -> None:
    items = {item["item_code"]: item for item in records(read_all(connect(create_simulator(size=3000))))}

    children = Counter(item["parent_code"] for item in items.values() if item["parent_code"])
    assert children
    for parent, count in children.items():
        assert items[parent]["parent_code"] is None
        assert items[parent]["department"] == next(
            i["department"] for i in items.values() if i["parent_code"] == parent
        )
        assert count <= 5
    assert Counter(children.values()).keys() >= {2, 3, 4, 5}
    justice = " ".join(item["name"] for item in items.values() if item["department"] == "仓山区司法局")
    for word in ("法律援助", "继承公证", "学历公证", "委托公证", "律师执业", "人民调解", "基层法律服务"):
        assert word in justice


def test_the_same_seed_gives_the_same_catalog(connect: Callable[[Flask], CatalogSourceClient]) -> None:
    first = records(read_all(connect(create_simulator(seed=7, size=3000)), page_size=700))
    second = records(read_all(connect(create_simulator(seed=7, size=3000)), page_size=300))
    other = records(read_all(connect(create_simulator(seed=8, size=3000))))

    assert first == second
    assert [i["item_code"] for i in first] != [i["item_code"] for i in other]


# ---- incremental listings ------------------------------------------------------------------------------


def test_an_incremental_listing_returns_exactly_what_changed(clocked: Clocked, clock: Clock) -> None:
    state, client = clocked(3000)
    on_the_boundary = set(state.change(2))  # stamped the same second the full listing starts
    full = read_all(client)
    since = full[0].server_time
    assert since == "2026-11-26T10:00:00+08:00"

    clock.advance(minutes=5)
    changed = set(state.change(5))
    added = set(state.add(3))
    retired = set(state.retire(2))
    pages = read_all(client, updated_since=since)

    got = {item["item_code"]: item for item in records(pages)}
    assert set(got) == on_the_boundary | changed | added | retired
    assert len(records(pages)) == len(got)
    assert pages[0].server_time == "2026-11-26T10:05:00+08:00"
    for code in changed:
        assert "（第2版）" in got[code]["name"] or "（第3版）" in got[code]["name"]
    for code in added:
        assert code not in {item["item_code"] for item in records(full)}
    assert {code for code, item in got.items() if item["retired"]} == retired

    clock.advance(minutes=5)
    again = read_all(client, updated_since=pages[0].server_time)  # inclusive: 10:05:00 is listed again
    assert {item["item_code"] for item in records(again)} == changed | added | retired
    assert records(read_all(client, updated_since=again[0].server_time)) == []


def test_a_change_alters_name_materials_and_time_limit(clocked: Clocked, clock: Clock) -> None:
    state, client = clocked(500)
    before = {item["item_code"]: item for item in records(read_all(client))}

    clock.advance(days=1)
    (code,) = state.change(1)
    (after,) = records(read_all(client, updated_since=clock().isoformat()))

    old = before[code]
    assert after["item_code"] == code
    assert after["name"] == f"{old['name']}（第2版）"
    assert after["materials"] != old["materials"]
    assert after["promised_days"] == max(0, old["promised_days"] - 1)
    assert after["updated_at"] == "2026-11-27T10:00:00+08:00"


def test_retired_items_are_flagged(clocked: Clocked) -> None:
    state, client = clocked(1000)
    retired = set(state.retire(10))

    items = records(read_all(client))

    assert {item["item_code"] for item in items if item["retired"]} == retired
    assert len(items) == 1000  # still listed: the catalog never deletes


def test_broken_records_come_through_with_the_broken_values(clocked: Clocked, clock: Clock) -> None:
    state, client = clocked(1000)
    clock.advance(days=1)
    missing = state.break_records("missing_code", 2)
    negative = set(state.break_records("negative_limit", 3))
    unknown = set(state.break_records("unknown_type", 4))
    with pytest.raises(ValueError, match="kind"):
        state.break_records("on_fire", 1)

    items = records(read_all(client, updated_since=clock().isoformat()))

    assert len(items) == 9
    assert sum(1 for item in items if item["item_code"] is None) == len(missing) == 2
    assert {item["item_code"] for item in items if item["promised_days"] == -3} == negative
    assert {item["item_code"] for item in items if item["item_type"] == "99"} == unknown


# ---- paging while the catalog changes -------------------------------------------------------------------


def test_paging_is_stable_while_items_change_between_pages(clocked: Clocked, clock: Clock) -> None:
    state, client = clocked(3000)
    everything = {item["item_code"] for item in records(read_all(client, page_size=1000))}
    seen: dict[str, list[dict[str, Any]]] = {}
    changed: set[str] = set()
    added: set[str] = set()

    for number, page in enumerate(client.iter_pages(updated_since=None, page_size=200)):
        for item in page.records:
            seen.setdefault(item["item_code"], []).append(item)
        if number in (0, 5, 9):
            clock.advance(seconds=1)
            changed |= set(state.change(150))
            added |= set(state.add(20))
            state.retire(10)

    assert set(seen) == everything | added  # nothing skipped, whatever moved while we paged
    for code in changed:
        assert "版）" in seen[code][-1]["name"]  # the last time an item is listed, it is current


def test_a_cursor_is_not_disturbed_by_items_changed_in_the_same_second(
    clocked: Clocked, clock: Clock
) -> None:
    state, client = clocked(100)
    clock.advance(days=1)
    tied = set(state.change(30))  # thirty items share one GXSJ: the cursor must split them by SXBM

    pages = read_all(client, updated_since=clock().isoformat(), page_size=7)

    codes = [item["item_code"] for item in records(pages)]
    assert len(pages) == 5
    assert sorted(codes) == codes and set(codes) == tied


# ---- errors ------------------------------------------------------------------------------------------------


def test_a_500_is_a_retryable_upstream_error(connect: Callable[[Flask], CatalogSourceClient]) -> None:
    app = create_simulator(size=100)
    client = connect(app)
    state_of(app).inject(Fault(status=500))

    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)

    assert err.value.retryable and err.value.status == 500
    assert "resultCode=500" in err.value.reason
    assert len(client.fetch_page(updated_since=None, cursor=None).records) == 100  # the fault has passed


def test_a_429_carries_retry_after(connect: Callable[[Flask], CatalogSourceClient]) -> None:
    app = create_simulator(size=100)
    client = connect(app)
    state_of(app).inject(Fault(status=429, retry_after="30"))

    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)

    assert err.value.retryable and err.value.retry_after == 30.0


def test_a_fault_in_the_middle_of_a_listing_can_be_resumed_from_the_last_cursor(
    connect: Callable[[Flask], CatalogSourceClient],
) -> None:
    app = create_simulator(size=300)
    client = connect(app)
    first = client.fetch_page(updated_since=None, cursor=None, page_size=100)
    state_of(app).inject(Fault(status=503))

    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=first.next_cursor, page_size=100)
    second = client.fetch_page(updated_since=None, cursor=first.next_cursor, page_size=100)

    assert err.value.retryable
    assert second.server_time == first.server_time
    assert not {i["item_code"] for i in first.records} & {i["item_code"] for i in second.records}


def test_a_bad_cursor_is_refused_for_good(connect: Callable[[Flask], CatalogSourceClient]) -> None:
    client = connect(create_simulator(size=10))

    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor="not-a-cursor")

    assert not err.value.retryable and err.value.status == 400
    assert "cursor" in err.value.reason


def test_bad_arguments_are_refused_before_any_request(
    connect: Callable[[Flask], CatalogSourceClient],
) -> None:
    client = connect(create_simulator(size=10))

    with pytest.raises(ValueError, match="page_size"):
        client.fetch_page(updated_since=None, cursor=None, page_size=1001)
    with pytest.raises(ValueError, match="updated_since"):
        client.fetch_page(updated_since="last tuesday", cursor=None)


class Stub:
    """A platform that answers whatever the test sets, to reach corners the simulator never shows."""

    def __init__(self) -> None:
        self.answers: list[tuple[Any, int]] = []
        self.app = Flask("catalog_stub")
        self.app.add_url_rule("/api/sxk/items", view_func=self.items)

    def items(self) -> tuple[Response, int]:
        body, status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(body, str):
            return Response(body, content_type="text/html"), status
        return jsonify(body), status


def ok(items: list[Any], cursor: str | None = None, server: Any = "2026-11-26 10:00:00") -> dict[str, Any]:
    return {
        "resultCode": "200",
        "resultMsg": "成功",
        "data": {"items": items, "nextCursor": cursor, "serverTime": server},
    }


@pytest.fixture
def stub(connect: Callable[[Flask], CatalogSourceClient]) -> tuple[Stub, CatalogSourceClient]:
    platform = Stub()
    return platform, connect(platform.app)


def test_a_200_with_an_error_result_code_is_a_failure(stub: tuple[Stub, CatalogSourceClient]) -> None:
    platform, client = stub
    platform.answers = [({"resultCode": "500", "resultMsg": "系统异常"}, 200)]
    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)
    assert err.value.retryable and "resultCode=500" in err.value.reason

    platform.answers = [({"resultCode": "401", "resultMsg": "未授权"}, 200)]
    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)
    assert not err.value.retryable


def test_an_unreadable_answer_is_retryable(stub: tuple[Stub, CatalogSourceClient]) -> None:
    platform, client = stub
    platform.answers = [("<html>gateway timeout</html>", 200)]
    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)
    assert err.value.retryable


def test_a_record_that_is_not_an_object_is_skipped_and_the_rest_kept(
    stub: tuple[Stub, CatalogSourceClient],
) -> None:
    platform, client = stub
    platform.answers = [(ok(["垃圾", {"SXBM": "350104-SFJ-GG-00000-000"}, None]), 200)]
    page = client.fetch_page(updated_since=None, cursor=None)
    assert [record["item_code"] for record in page.records] == ["350104-SFJ-GG-00000-000"]
    assert page.server_time == "2026-11-26T10:00:00+08:00" and page.next_cursor is None


@pytest.mark.parametrize("data", [{"nextCursor": None, "serverTime": "2026-11-26 10:00:00"}, {"items": []}])
def test_an_answer_without_items_or_server_time_is_refused(
    stub: tuple[Stub, CatalogSourceClient], data: dict[str, Any]
) -> None:
    platform, client = stub
    platform.answers = [({"resultCode": "200", "resultMsg": "成功", "data": data}, 200)]
    with pytest.raises(UpstreamError) as err:
        client.fetch_page(updated_since=None, cursor=None)
    assert not err.value.retryable


def test_a_cursor_handed_out_twice_stops_the_listing(stub: tuple[Stub, CatalogSourceClient]) -> None:
    platform, client = stub
    platform.answers = [(ok([], "c1"), 200), (ok([], "c2"), 200), (ok([], "c1"), 200)]
    pages = client.iter_pages(updated_since=None)
    assert next(pages).next_cursor == "c1"
    assert next(pages).next_cursor == "c2"
    with pytest.raises(UpstreamError, match="repeated a cursor"):
        list(pages)


def test_an_empty_cursor_ends_the_listing(stub: tuple[Stub, CatalogSourceClient]) -> None:
    platform, client = stub
    platform.answers = [(ok([{"SXBM": "a"}], ""), 200)]
    assert len(read_all(client)) == 1


# ---- the control endpoints --------------------------------------------------------------------------------


def test_the_control_endpoints(start: Start, session: requests.Session) -> None:
    app = create_simulator(size=200)
    url = start(app).url

    changed = session.post(f"{url}/_sim/change", json={"n": 3}, timeout=5).json()["data"]["codes"]
    added = session.post(f"{url}/_sim/add", json={"n": 2}, timeout=5).json()["data"]["codes"]
    session.post(f"{url}/_sim/retire", json={"n": 1}, timeout=5)
    session.post(f"{url}/_sim/break", json={"kind": "unknown_type", "n": 1}, timeout=5)
    refused = session.post(f"{url}/_sim/break", json={"kind": "nope", "n": 1}, timeout=5)
    counts = session.get(f"{url}/_sim/state", timeout=5).json()["data"]

    assert len(changed) == 3 and len(added) == 2
    assert refused.status_code == 400 and refused.json()["resultCode"] == "400"
    assert (counts["total"], counts["changed"], counts["retired"], counts["unknown_type"]) == (202, 3, 1, 1)
    session.post(f"{url}/_sim/faults", json={"status": 503}, timeout=5)
    assert session.get(f"{url}/api/sxk/items", timeout=5).json() == {
        "resultCode": "503",
        "resultMsg": "服务暂不可用",
    }
    session.post(f"{url}/_sim/reset", timeout=5)
    assert session.get(f"{url}/_sim/state", timeout=5).json()["data"]["total"] == 200


def test_protocol_errors_in_the_platform_shape(start: Start, session: requests.Session) -> None:
    url = start(create_simulator(size=10)).url
    for query, word in (("size=0", "size"), ("gxsj_start=2026-11-26", "gxsj_start"), ("cursor=@@", "cursor")):
        answer = session.get(f"{url}/api/sxk/items?{query}", timeout=5)
        assert answer.status_code == 400 and word in answer.json()["resultMsg"]
    missing = session.get(f"{url}/api/sxk/nothing", timeout=5)
    assert missing.json() == {"resultCode": "404", "resultMsg": "接口不存在"}


# ---- scale ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_catalog_of_100000_items_is_served_page_by_page(
    connect: Callable[[Flask], CatalogSourceClient],
) -> None:
    started = time.perf_counter()
    app = create_simulator(size=100_000)
    built = time.perf_counter() - started
    client = connect(app)
    codes: set[str] = set()
    pages = 0
    slowest = 0.0

    started = time.perf_counter()
    last = started
    for page in client.iter_pages(updated_since=None, page_size=500):
        now = time.perf_counter()
        slowest, last = max(slowest, now - last), now
        pages += 1
        codes.update(item["item_code"] for item in page.records)
    elapsed = time.perf_counter() - started

    print(f"\n100k catalog: built {built:.2f}s, {pages} pages in {elapsed:.1f}s, slowest {slowest:.3f}s")
    assert pages == 200 and len(codes) == 100_000
    assert built < 5
    assert elapsed < 120
