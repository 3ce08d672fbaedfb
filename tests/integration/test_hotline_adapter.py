from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.base.simulator import Fault, ServerThread
from adapters.base.webhooks import SignatureError, new_secret, verify
from adapters.hotline import HotlineClient, HotlineInbound, create_simulator
from adapters.hotline.codes import BEIJING
from adapters.hotline.sim_state import HotlineState, beijing_now
from gateway.domain.errors import UpstreamError, UpstreamTimeout, WireError
from gateway.domain.inbound import InboundEvent
from gateway.domain.messages import STATUS_CHANGED, WORKORDER_CREATE
from tests.conftest import FakeClock as SimClock
from tests.factories import sample


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    thread = ServerThread(create_simulator()).start()
    yield thread
    thread.stop()


@pytest.fixture
def state(server: ServerThread) -> HotlineState:
    sim: HotlineState = server.app.extensions["simulator"]
    sim.reset()
    return sim


@pytest.fixture
def clock(state: HotlineState) -> Iterator[SimClock]:
    fake = SimClock(datetime(2026, 11, 26, 9, 30, 0, tzinfo=BEIJING))
    state.clock = fake
    yield fake
    state.clock = beijing_now


@pytest.fixture
def client(server: ServerThread, session: requests.Session) -> HotlineClient:
    return HotlineClient(HttpClient("hotline", server.url, session, timeout=(1, 2)))


def create_message(key: str = "inquiry-7-workorder", **overrides: Any) -> OutboundMessage:
    payload = sample("hotline.work_order_message", **overrides)
    return OutboundMessage(1, "hotline", WORKORDER_CREATE, payload, key, 1)


def status_message(key: str, **overrides: Any) -> OutboundMessage:
    payload = sample("hotline.status_message", **overrides)
    return OutboundMessage(2, "hotline", STATUS_CHANGED, payload, key, 1)


def error_body(err: pytest.ExceptionInfo[UpstreamError]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(err.value.body or "")
    return body


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


# ---- 互联互通 and 流转反馈 ----


def test_create_work_order_and_repeat_make_one_work_order(client: HotlineClient, state: HotlineState) -> None:
    client.send(create_message())
    client.send(create_message())
    [order] = state.list_work_orders()
    assert order["gdbh"].startswith("GD2026") and len(order["gdbh"]) == 16
    assert {k: order[k] for k in ("wbbh", "lyqd", "lybh", "ldrxm", "sqlx", "sfgk", "slsj", "gdzt")} == {
        "wbbh": "SQ20261126000007",
        "lyqd": "02",
        "lybh": "LY20261126000001",
        "ldrxm": "陈晓燕",
        "sqlx": "01",
        "sfgk": "1",
        "slsj": "2026-11-26 10:02:00",
        "gdzt": "10",
    }
    assert [(r.operation, r.duplicate) for r in state.received] == [("cjgd", False), ("cjgd", True)]


def test_work_order_that_exists_under_another_key_is_delivered(
    client: HotlineClient, state: HotlineState, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.adapters.hotline")
    client.send(create_message("first-key"))
    client.send(create_message("second-key"))
    [order] = state.list_work_orders()
    assert [r.idempotency_key for r in state.received] == ["first-key"]
    created = [r.getMessage() for r in caplog.records if "gdbh=" in r.getMessage()]
    assert created == [f"hotline work order gdbh={order['gdbh']} for wbbh=SQ20261126000007"] * 2


def test_status_feedback_is_recorded_by_wbbh_and_by_gdbh(client: HotlineClient, state: HotlineState) -> None:
    client.send(create_message())
    [created] = state.list_work_orders()
    client.send(status_message("inquiry-7-event-2"))
    [entry] = state.feedback_for(created["gdbh"])
    assert {k: entry[k] for k in ("wbbh", "czlx", "gdzt", "cbdw", "cbdwmc", "blsx", "czsj", "lsh")} == {
        "wbbh": "SQ20261126000007",
        "czlx": "02",
        "gdzt": "20",
        "cbdw": "SFJ",
        "cbdwmc": "区司法局",
        "blsx": "2026-12-07 23:59:59",
        "czsj": "2026-11-26 10:05:00",
        "lsh": 1,
    }
    order = state.work_order(created["gdbh"])
    assert order is not None and (order["gdzt"], order["cbdw"]) == ("20", "SFJ")

    own = state.push_work_order()
    for _ in range(2):  # the same message twice: the platform records it once
        client.send(
            status_message(
                "inquiry-8-event-3",
                inquiry_id=8,
                number="SQ20261126000008",
                external_id=own["gdbh"],
                origin="hotline",
                action="return",
                status="returned",
                reason="不属于本单位职责",
            )
        )
    [returned] = state.feedback_for(own["gdbh"])
    assert (returned["gdbh"], returned["czlx"], returned["gdzt"], returned["czyy"]) == (
        own["gdbh"],
        "04",
        "40",
        "不属于本单位职责",
    )


def test_feedback_for_an_unknown_work_order_is_not_retryable(client: HotlineClient) -> None:
    with pytest.raises(UpstreamError) as err:
        client.send(status_message("k", external_id="GD20261126999999", origin="hotline"))
    assert (err.value.retryable, err.value.status) == (False, 404)
    assert error_body(err) == {"code": "E2001", "msg": "工单不存在"}


def test_closed_work_order_refuses_feedback(client: HotlineClient, state: HotlineState) -> None:
    client.send(create_message())
    client.send(status_message("close", action="close", status="closed"))
    with pytest.raises(UpstreamError) as err:
        client.send(status_message("late", action="reply", status="replied"))
    assert (err.value.retryable, err.value.status, error_body(err)["code"]) == (False, 409, "E3002")
    client.send(status_message("reopen", action="reopen", status="reopened", reason="回访不满意"))
    assert [e["gdzt"] for e in state.feedback_for(state.list_work_orders()[0]["gdbh"])] == ["90", "70"]


# ---- failures ----


def test_server_error_is_retryable_and_the_retry_delivers(client: HotlineClient, state: HotlineState) -> None:
    state.inject(Fault(status=500))
    with pytest.raises(UpstreamError) as err:
        client.send(create_message())
    assert (err.value.retryable, err.value.status) == (True, 500)
    assert error_body(err)["code"] == "E5001"
    assert state.list_work_orders() == []
    client.send(create_message())
    assert len(state.list_work_orders()) == 1


def test_throttling_carries_retry_after(client: HotlineClient, state: HotlineState) -> None:
    state.inject(Fault(status=429, retry_after="7"))
    with pytest.raises(UpstreamError) as err:
        client.send(create_message())
    assert (err.value.retryable, err.value.status, err.value.retry_after) == (True, 429, 7.0)
    assert error_body(err) == {"code": "E4001", "msg": "请求过于频繁，请稍后重试"}


def test_bad_request_is_not_retryable_and_keeps_the_body(client: HotlineClient, state: HotlineState) -> None:
    bad_phone = {"name": "陈晓燕", "phone": "请拨打座机", "id_number": None}
    with pytest.raises(UpstreamError) as err:
        client.send(create_message(citizen=bad_phone))
    assert (err.value.retryable, err.value.status) == (False, 400)
    assert error_body(err) == {"code": "E1003", "msg": "字段格式错误：ldhm"}
    assert state.list_work_orders() == []


def test_slow_answer_times_out_and_the_retry_does_not_double(
    server: ServerThread, session: requests.Session, state: HotlineState
) -> None:
    impatient = HotlineClient(HttpClient("hotline", server.url, session, timeout=(1, 0.3)))
    state.inject(Fault(delay=1.0))
    with pytest.raises(UpstreamTimeout) as err:
        impatient.send(create_message())
    assert err.value.retryable
    impatient.send(create_message())
    wait_for(lambda: len(state.received) == 2)
    assert len(state.list_work_orders()) == 1
    assert sorted(r.duplicate for r in state.received) == [False, True]


def test_stopped_server_is_a_retryable_connection_error(session: requests.Session) -> None:
    stopped = ServerThread(create_simulator()).start()
    stopped.stop()
    gone = HotlineClient(HttpClient("hotline", stopped.url, session, timeout=(1, 2)))
    with pytest.raises(UpstreamError) as err:
        gone.send(create_message())
    assert not isinstance(err.value, UpstreamTimeout)
    assert (err.value.retryable, err.value.status) == (True, None)
    assert "connection failed" in err.value.reason


def test_messages_the_platform_does_not_take_are_refused_without_a_request(
    client: HotlineClient, state: HotlineState
) -> None:
    with pytest.raises(UpstreamError) as unknown:
        client.send(OutboundMessage(3, "hotline", "reply.publish", {"number": "SQ1"}, "k", 1))
    with pytest.raises(UpstreamError) as unmappable:
        client.send(create_message(origin="hotline"))
    assert not unknown.value.retryable and not unmappable.value.retryable
    assert "origin" in unmappable.value.reason
    assert state.received == []


# ---- polling fallback ----


def fetch_updates(
    client: HotlineClient, cursor: str | None, page_size: int = 100
) -> tuple[list[InboundEvent], str | None]:
    """Every event listed since the cursor, and the position of the last record (the cursor if none)."""
    events: list[InboundEvent] = []
    position = cursor
    for page in client.changes(cursor, page_size):
        for record in page:
            events.extend(record.events)
            position = record.position
    return events, position


def test_changes_page_and_resume_from_the_cursor(
    client: HotlineClient, state: HotlineState, clock: SimClock
) -> None:
    pushed = []
    for _ in range(5):
        pushed.append(state.push_work_order()["gdbh"])
        clock.advance(minutes=1)
    client.send(create_message())  # made by the gateway: nothing to tell it

    events, cursor = fetch_updates(client, None, page_size=2)
    assert [(e.kind, e.data["external_id"]) for e in events] == [("inquiry", g) for g in pushed]
    assert cursor == "2026-11-26T09:35:00+08:00"

    clock.advance(minutes=1)
    state.push_callback(pushed[1], myd="4", sfjj="0", hfsm="噪音问题仍未解决")
    clock.advance(minutes=1)
    newest = state.push_work_order()["gdbh"]
    events, next_cursor = fetch_updates(client, cursor, page_size=2)
    assert [(e.kind, e.data["external_id"]) for e in events] == [
        ("inquiry", pushed[1]),
        ("callback", pushed[1]),
        ("inquiry", newest),
    ]
    assert events[1].data == {
        "external_id": pushed[1],
        "number": None,  # pushed straight to the stand-in: the platform never learned a gateway number
        "satisfaction": "dissatisfied",
        "solved": False,
        "note": "噪音问题仍未解决",
    }
    assert next_cursor == "2026-11-26T09:37:00+08:00"

    # Nothing new: the boundary work order is listed again (the cursor is inclusive), the cursor stays.
    events, same = fetch_updates(client, next_cursor, page_size=2)
    assert [e.data["external_id"] for e in events] == [newest]
    assert same == next_cursor


def test_changes_page_through_one_busy_second(
    client: HotlineClient, state: HotlineState, clock: SimClock
) -> None:
    pushed = [state.push_work_order()["gdbh"] for _ in range(5)]
    events, cursor = fetch_updates(client, None, page_size=2)
    assert [e.data["external_id"] for e in events] == pushed
    assert cursor == "2026-11-26T09:30:00+08:00"
    assert fetch_updates(client, "2026-11-26T01:30:01+00:00") == ([], "2026-11-26T01:30:01+00:00")


def test_changes_name_an_unreadable_work_order_and_go_on(
    client: HotlineClient, state: HotlineState, clock: SimClock
) -> None:
    bad = state.push_work_order(sqlx="99")["gdbh"]
    good = state.push_work_order()["gdbh"]
    [page] = list(client.changes(None))
    assert [(r.reference, r.position, [e.kind for e in r.events]) for r in page] == [
        (bad, "2026-11-26T09:30:00+08:00", []),
        (good, "2026-11-26T09:30:00+08:00", ["inquiry"]),
    ]
    assert page[0].problem is not None and page[0].problem.field == "sqlx"
    assert page[1].problem is None and page[1].events[0].key == f"XGD:{good}"


def test_changes_failure_is_an_upstream_error(client: HotlineClient, state: HotlineState) -> None:
    state.inject(Fault(status=503, retry_after="2"))
    with pytest.raises(UpstreamError) as err:
        fetch_updates(client, None)
    assert (err.value.retryable, err.value.status, err.value.retry_after) == (True, 503, 2.0)


# ---- pushes to the gateway ----


def receiver(secrets: list[str], events: list[InboundEvent]) -> Flask:
    app = Flask("gateway_webhook_stand_in")
    inbound = HotlineInbound()

    @app.post("/webhooks/hotline")
    def receive() -> ResponseReturnValue:
        body = request.get_data()
        try:
            verify(secrets, {k.lower(): v for k, v in request.headers.items()}, body, time.time())
            parsed = inbound.parse(body)
        except SignatureError as err:
            ack = inbound.rejected(401, str(err))
        except WireError as err:
            ack = inbound.rejected(400, str(err))
        else:
            events.extend(parsed)
            ack = inbound.accepted([f"SQ2026112600{len(events):04d}"], duplicate=False)
        return jsonify(ack.body), ack.status

    return app


@pytest.fixture
def gateway_secret() -> str:
    return new_secret()


@pytest.fixture
def received() -> list[InboundEvent]:
    return []


@pytest.fixture
def gateway(gateway_secret: str, received: list[InboundEvent]) -> Iterator[ServerThread]:
    thread = ServerThread(receiver([gateway_secret], received)).start()
    yield thread
    thread.stop()


@contextmanager
def pushing_simulator(url: str, secrets: list[str]) -> Iterator[HotlineState]:
    thread = ServerThread(create_simulator(f"{url}/webhooks/hotline", secrets)).start()
    try:
        yield thread.app.extensions["simulator"]
    finally:
        thread.stop()


@pytest.fixture
def pusher(gateway: ServerThread, gateway_secret: str) -> Iterator[HotlineState]:
    # The platform signs with an old and the current secret while they rotate.
    with pushing_simulator(gateway.url, [new_secret(), gateway_secret]) as state:
        yield state


def test_pushed_work_order_is_signed_and_parsed(pusher: HotlineState, received: list[InboundEvent]) -> None:
    pushed = pusher.push_work_order(bt="楼道堆放杂物", sqlx="02")
    [event] = received
    assert event.kind == "inquiry"
    assert event.data["external_id"] == pushed["gdbh"]
    assert (event.data["kind"], event.data["title"]) == ("help", "楼道堆放杂物")
    assert event.data["citizen"]["name"] == pushed["ldrxm"]
    push = pusher.last_push()
    assert push is not None and push["status"] == 200
    assert push["answer"] == {
        "code": "0000",
        "msg": "成功",
        "data": {"wbbh": "SQ20261126000001", "sfcf": "0"},
    }
    order = pusher.work_order(pushed["gdbh"])
    assert order is not None and order["wbbh"] == "SQ20261126000001"


def test_pushed_callback_is_parsed(pusher: HotlineState, received: list[InboundEvent]) -> None:
    gdbh = pusher.push_work_order()["gdbh"]
    pusher.push_callback(gdbh, myd="1", sfjj="1", hfsm="来电人对处理结果非常满意")
    called_back = pusher.work_order(gdbh)
    assert called_back is not None
    assert received[1] == InboundEvent(
        "callback",
        {
            "external_id": gdbh,
            "number": "SQ20261126000001",  # the gateway number the platform kept from the push's answer
            "satisfaction": "very_satisfied",
            "solved": True,
            "note": "来电人对处理结果非常满意",
        },
        key=f"HFJG:{gdbh}:{called_back['hfsj']}",  # the same key as when the poll lists it
    )


def test_push_with_a_bad_field_is_refused_in_the_platform_style(
    pusher: HotlineState, received: list[InboundEvent]
) -> None:
    pusher.push_work_order(sqlx="99")
    push = pusher.last_push()
    assert push is not None and push["status"] == 400
    assert push["answer"] == {"code": "E1003", "msg": "推送数据不合法：sqlx: unknown code '99'"}
    assert received == []


def test_push_signed_with_an_unknown_secret_is_refused(
    gateway: ServerThread, received: list[InboundEvent]
) -> None:
    with pushing_simulator(gateway.url, [new_secret()]) as stranger:
        stranger.push_work_order()
        push = stranger.last_push()
        assert push is not None and push["status"] == 401
        assert push["answer"]["code"] == "E1101"
    assert received == []


def test_control_endpoints_drive_the_simulator_over_http(
    server: ServerThread, session: requests.Session, client: HotlineClient, state: HotlineState
) -> None:
    queued = session.post(f"{server.url}/_sim/faults", json={"status": 503, "retry_after": 4}, timeout=2)
    assert queued.status_code == 201
    with pytest.raises(UpstreamError) as err:
        client.send(create_message())
    assert (err.value.status, err.value.retry_after) == (503, 4.0)

    pushed = session.post(f"{server.url}/_sim/push/work-order", json={"sqlx": "05"}, timeout=2).json()
    assert pushed["work_order"]["sqlx"] == "05"
    assert pushed["push"]["error"] == "no gateway webhook URL: not pushed"
    gdbh = pushed["work_order"]["gdbh"]
    called = session.post(
        f"{server.url}/_sim/push/callback", json={"gdbh": gdbh, "myd": "3", "sfjj": "1"}, timeout=2
    )
    assert called.json()["result"]["myd"] == "3"
    missing = session.post(
        f"{server.url}/_sim/push/callback", json={"gdbh": "GD0", "myd": "3", "sfjj": "1"}, timeout=2
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "E2001")

    snapshot = session.get(f"{server.url}/_sim/state", timeout=2).json()
    assert [o["gdbh"] for o in snapshot["work_orders"]] == [gdbh]
    assert snapshot["work_orders"][0]["gdzt"] == "60"

    assert session.post(f"{server.url}/_sim/push/off", timeout=2).json() == {"push_enabled": False}
    silent = session.post(f"{server.url}/_sim/push/work-order", json={}, timeout=2).json()
    assert silent["push"]["error"] == "pushes turned off: not pushed"
    assert session.get(f"{server.url}/_sim/state", timeout=2).json()["push_enabled"] is False
    assert session.post(f"{server.url}/_sim/push/on", timeout=2).json() == {"push_enabled": True}
    session.post(f"{server.url}/_sim/push/off", timeout=2)
    assert session.post(f"{server.url}/_sim/reset", timeout=2).json() == {"reset": True}
    assert state.list_work_orders() == [] and state.push_enabled  # a reset pushes again


def test_simulator_refuses_requests_outside_the_protocol(
    server: ServerThread, session: requests.Session
) -> None:
    url = f"{server.url}/api/gd/cjgd"
    no_key = session.post(url, json={"wbbh": "SQ1"}, timeout=2)
    assert (no_key.status_code, no_key.json()["code"]) == (400, "E1005")
    not_json = session.post(url, data=b"{", headers={"Idempotency-Key": "k"}, timeout=2)
    assert (not_json.status_code, not_json.json()["code"]) == (400, "E1001")
    gateway_names = session.post(url, json={"number": "SQ1"}, headers={"Idempotency-Key": "k"}, timeout=2)
    assert gateway_names.json() == {"code": "E1003", "msg": "不支持的字段：number"}
    bad_page = session.get(f"{server.url}/api/gd/list", params={"mys": 501}, timeout=2)
    assert (bad_page.status_code, bad_page.json()["code"]) == (400, "E1003")
