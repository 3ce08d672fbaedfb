from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from flask import Flask, Response

from adapters.base.http import HttpClient
from adapters.base.port import Inbound, OutboundMessage
from adapters.base.simulator import Fault
from adapters.base.webhooks import new_secret
from adapters.dept_hotline import DeptHotlineClient, DeptHotlineInbound, DeptHotlineState
from adapters.dept_hotline import create_simulator as create_line
from adapters.window import WindowClient, WindowInbound, WindowState
from adapters.window import create_simulator as create_window
from gateway.domain.errors import UpstreamError, UpstreamTimeout
from gateway.domain.inbound import InboundEvent
from tests.conftest import Start
from tests.integration.receiving import Received, answer, receive

SECRET = new_secret()


class Receiver:
    """A stand-in for the gateway's webhook endpoint: verifies, parses, answers in each system's style."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets
        self.inbounds: dict[str, Inbound] = {
            "window": WindowInbound(),
            "dept_hotline": DeptHotlineInbound(lines=["12348", "12315"]),
        }
        self.got: list[tuple[str, str, list[InboundEvent]]] = []
        self.app = Flask("receiver")
        self.app.add_url_rule("/webhooks/<system>", view_func=self.hook, methods=["POST"])

    def hook(self, system: str) -> tuple[Response, int]:
        inbound = self.inbounds[system]
        got = receive(inbound, self.secrets)
        if not isinstance(got, Received):
            return got
        self.got.append((system, *got))
        return answer(inbound.accepted([f"SQ20261123{len(self.got):08d}"], duplicate=False))


@pytest.fixture
def receiver(start: Start) -> tuple[Receiver, str]:
    receiver = Receiver([SECRET])
    return receiver, start(receiver.app).url


def message(
    event_type: str, payload: dict[str, Any], key: str = "inquiry-17-event-3-window"
) -> OutboundMessage:
    return OutboundMessage(
        id=1, target="x", event_type=event_type, payload=payload, idempotency_key=key, attempt=1
    )


def status_payload(external_id: str | None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "inquiry_id": 17,
        "number": "SQ2026112300000017",
        "external_id": external_id,
        "origin": "window",
        "action": "acknowledge",
        "status": "acknowledged",
        "department": "SFJ",
        "department_name": "区司法局",
        "due_at": "2026-11-26T23:59:59+08:00",
        "at": "2026-11-23T02:30:00+00:00",
        "note": "已签收",
    }
    payload.update(overrides)
    return payload


def transfer_payload(line: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "inquiry_id": 21,
        "number": "SQ2026112300000021",
        "line": line,
        "kind": "complaint",
        "title": "预付卡商家跑路",
        "content": "来电人反映健身房预付卡商家关门，要求退款。",
        "citizen": {"name": "陈秀英", "phone": "13805919876"},
        "reason": "消费维权，转专线处理",
        "at": "2026-11-23T01:05:00Z",
    }
    payload.update(overrides)
    return payload


# ---- window -----------------------------------------------------------------------------------


@pytest.fixture
def window(start: Start, session: requests.Session) -> tuple[WindowState, WindowClient]:
    app = create_window()
    server = start(app)
    return app.extensions["simulator"], WindowClient(
        HttpClient("window", server.url, session, timeout=(1, 2))
    )


def test_window_notice_is_taken_once_under_a_repeated_key(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    record = state.log_inquiry().body
    notice = message("inquiry.status_changed", status_payload(record["jlbh"]))

    client.send(notice)
    client.send(notice)

    [taken] = state.accepted("status_notice")
    assert taken.idempotency_key == "inquiry-17-event-3-window"
    assert taken.body == {
        "jlbh": record["jlbh"],
        "sqbh": "SQ2026112300000017",
        "zt": "30",
        "czlx": "QS",
        "bldw": "区司法局",
        "blsx": "2026-11-26 23:59:59",
        "czsj": "2026-11-23 10:30:00",
        "sm": "已签收",
        "yqgzr": None,
        "dfnr": None,
        "myd": None,
    }
    assert [r.duplicate for r in state.received] == [False, True]
    assert state.records[record["jlbh"]]["zt"] == "30"


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (503, None), (429, "7")])
def test_window_busy_is_retryable_and_the_retry_goes_through(
    window: tuple[WindowState, WindowClient], status: int, retry_after: str | None
) -> None:
    state, client = window
    jlbh = state.log_inquiry().body["jlbh"]
    state.inject(Fault(status=status, retry_after=retry_after))
    notice = message("inquiry.status_changed", status_payload(jlbh, status="closed", action="close"))

    with pytest.raises(UpstreamError) as caught:
        client.send(notice)
    assert (caught.value.retryable, caught.value.status, caught.value.system) == (True, status, "window")
    assert "ret=9999 系统繁忙" in caught.value.reason
    assert caught.value.retry_after == (7.0 if retry_after else None)
    assert state.received == []

    client.send(notice)
    assert [r.body["zt"] for r in state.accepted("status_notice")] == ["90"]
    assert state.records[jlbh]["zt"] == "90"


def test_window_200_with_a_nonzero_ret_is_a_failure(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    jlbh = state.log_inquiry().body["jlbh"]
    state.inject(Fault(status=200))
    with pytest.raises(UpstreamError) as caught:
        client.send(message("inquiry.status_changed", status_payload(jlbh)))
    assert (caught.value.retryable, caught.value.status) == (True, 200)
    assert "ret=9999 系统繁忙" in caught.value.reason
    assert state.records[jlbh]["zt"] is None


def test_window_unknown_record_is_not_retryable(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    with pytest.raises(UpstreamError) as caught:
        client.send(message("inquiry.status_changed", status_payload("CK2026010100999")))
    assert (caught.value.retryable, caught.value.status) == (False, 404)
    assert "ret=1004 记录不存在：CK2026010100999" in caught.value.reason
    assert state.received == []


def test_window_is_not_told_about_inquiries_it_did_not_log(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    client.send(message("inquiry.status_changed", status_payload(None, origin="hotline")))
    with pytest.raises(UpstreamError) as caught:
        client.send(message("reply.publish", {"number": "SQ2026112300000017"}))
    assert caught.value.retryable is False
    assert state.received == []


def test_window_control_endpoints(start: Start, session: requests.Session) -> None:
    url = start(create_window()).url
    client = WindowClient(HttpClient("window", url, session, timeout=(1, 2)))
    logged = session.post(f"{url}/_sim/inquiries", json={"jlbh": "CK2026112300042", "sqlx": "QZ"}, timeout=5)
    refused = session.post(f"{url}/_sim/faults", json={"delay": "slow"}, timeout=5)
    queued = session.post(f"{url}/_sim/faults", json={"status": 503, "retry_after": 3}, timeout=5)

    assert logged.json()["data"]["body"]["sqlx"] == "QZ"
    assert logged.json()["data"]["status"] is None
    assert (refused.status_code, refused.json()["ret"]) == (400, 1002)
    assert queued.json() == {"ret": 0, "message": "ok"}
    with pytest.raises(UpstreamError) as caught:
        client.send(message("inquiry.status_changed", status_payload("CK2026112300042")))
    assert (caught.value.status, caught.value.retry_after) == (503, 3.0)
    client.send(message("inquiry.status_changed", status_payload("CK2026112300042")))

    state = session.get(f"{url}/_sim/state", timeout=5).json()["data"]
    assert [(r["jlbh"], r["sqlx"], r["zt"]) for r in state["records"]] == [("CK2026112300042", "QZ", "30")]
    assert [(r["operation"], r["duplicate"]) for r in state["received"]] == [("status_notice", False)]


def test_window_push_is_signed_and_parsed(receiver: tuple[Receiver, str]) -> None:
    hub, url = receiver
    state: WindowState = create_window(f"{url}/webhooks/window", [SECRET]).extensions["simulator"]

    push = state.log_inquiry(sqlx="JY", sxmc="增设自助服务终端", nr="建议在二楼增设自助打印终端。", gkbz="1")

    assert push.status == 200
    assert push.answer == {"ret": 0, "message": "ok", "data": {"sqbh": "SQ2026112300000001", "cf": 0}}
    [(system, webhook_id, [event])] = hub.got
    assert (system, webhook_id, event.kind) == ("window", push.webhook_id, "inquiry")
    assert event.data == {
        "channel": "window",
        "external_id": push.body["jlbh"],
        "kind": "suggestion",
        "title": "增设自助服务终端",
        "content": "建议在二楼增设自助打印终端。",
        "address": None,
        "district": "临江街道",
        "citizen": {"name": "林建华", "phone": "13905911234", "id_number": "350104198805061234"},
        "public_consent": True,
    }


def test_window_push_with_a_wrong_secret_is_refused_in_the_window_style(
    receiver: tuple[Receiver, str],
) -> None:
    hub, url = receiver
    state: WindowState = create_window(f"{url}/webhooks/window", [new_secret()]).extensions["simulator"]
    push = state.log_inquiry()
    bad = state.log_inquiry(sqlx="XX")
    assert (push.status, push.answer) == (401, {"ret": 1003, "message": "签名无效"})
    assert (bad.status, bad.answer) == (401, {"ret": 1003, "message": "签名无效"})
    assert hub.got == []


# ---- specialist lines -------------------------------------------------------------------------

Lines = tuple[DeptHotlineState, DeptHotlineState, DeptHotlineClient, dict[str, str]]


@pytest.fixture
def lines(start: Start, session: requests.Session) -> Lines:
    legal = create_line("12348", "公共法律服务热线")
    market = create_line("12315", "市场监管投诉举报热线")
    urls = {"12348": start(legal).url, "12315": start(market).url}
    client = DeptHotlineClient(
        {code: HttpClient(f"dept_hotline:{code}", url, session, timeout=(1, 2)) for code, url in urls.items()}
    )
    return legal.extensions["simulator"], market.extensions["simulator"], client, urls


def test_transfer_goes_to_its_own_line(lines: Lines) -> None:
    legal, market, client, _ = lines
    client.send(message("transfer.create", transfer_payload("12315"), key="inquiry-21-transfer-12315"))

    assert market.transfers == [
        {
            "rxhm": "12315",
            "lyrx": "12345",
            "lybh": "SQ2026112300000021",
            "lx": "03",
            "bt": "预付卡商家跑路",
            "nr": "来电人反映健身房预付卡商家关门，要求退款。",
            "ldrxm": "陈秀英",
            "ldhm": "13805919876",
            "zjyy": "消费维权，转专线处理",
            "zjsj": "2026-11-23 09:05:00",
        }
    ]
    assert market.accepted()[0].idempotency_key == "inquiry-21-transfer-12315"
    assert legal.received == []


def test_status_reaches_the_line_that_transferred_the_call(lines: Lines) -> None:
    legal, market, client, _ = lines
    call = legal.transfer_call().body
    client.send(
        message(
            "inquiry.status_changed",
            status_payload(
                f"12348:{call['thbh']}",
                origin="dept_hotline",
                status="replied",
                action="reply",
                public_reply="已告知申请材料清单。",
            ),
        )
    )

    [taken] = legal.accepted("status_callback")
    assert taken.body == {
        "rxhm": "12348",
        "thbh": call["thbh"],
        "lybh": "SQ2026112300000017",
        "blzt": "YDF",
        "bldw": "区司法局",
        "blsx": "2026-11-26 23:59:59",
        "czsj": "2026-11-23 10:30:00",
        "sm": "已签收",
        "dfnr": "已告知申请材料清单。",
        "myd": None,
    }
    assert legal.calls[call["thbh"]]["blzt"] == "YDF"
    assert market.received == []


def test_status_for_a_call_the_line_does_not_know_is_not_retryable(lines: Lines) -> None:
    legal, _, client, _ = lines
    with pytest.raises(UpstreamError) as caught:
        client.send(message("inquiry.status_changed", status_payload("12348:12348202601010001")))
    assert (caught.value.retryable, caught.value.status, caught.value.system) == (
        False,
        404,
        "dept_hotline:12348",
    )
    assert "通话记录不存在：12348202601010001" in caught.value.reason
    assert legal.received == []


def test_unknown_line_is_not_retryable_and_calls_nobody(lines: Lines) -> None:
    legal, market, client, _ = lines
    for sent in (
        message("transfer.create", transfer_payload("12366")),
        message("inquiry.status_changed", status_payload("12366:T0001")),
    ):
        with pytest.raises(UpstreamError) as caught:
            client.send(sent)
        assert caught.value.retryable is False
        assert "line 12366 is not configured" in caught.value.reason
    assert legal.received == market.received == []


def test_a_line_refuses_a_transfer_meant_for_another(lines: Lines, session: requests.Session) -> None:
    legal, market, _, urls = lines
    crossed = DeptHotlineClient(
        {"12348": HttpClient("dept_hotline:12348", urls["12315"], session, timeout=(1, 2))}
    )
    with pytest.raises(UpstreamError) as caught:
        crossed.send(message("transfer.create", transfer_payload("12348")))
    assert (caught.value.retryable, caught.value.status) == (False, 400)
    assert "rxhm 热线号码不符：本线为12315" in caught.value.reason
    assert market.transfers == legal.transfers == []


def test_slow_line_times_out_and_the_retry_does_not_double(lines: Lines) -> None:
    legal, _, client, _ = lines
    legal.inject(Fault(delay=2.4))
    transfer = message(
        "transfer.create", transfer_payload("12348", kind="consult"), key="inquiry-21-transfer"
    )

    with pytest.raises(UpstreamTimeout) as caught:
        client.send(transfer)
    assert caught.value.retryable is True
    client.send(transfer)

    deadline = time.monotonic() + 5
    while len(legal.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(r.duplicate for r in legal.received) == [False, True]
    assert [t["lx"] for t in legal.transfers] == ["01"]


def failed_transfer(lines: Lines, status: int) -> UpstreamError:
    """What the client raises when the 12315 line answers a transfer with `status`; nothing is taken."""
    _, market, client, _ = lines
    market.inject(Fault(status=status))
    with pytest.raises(UpstreamError) as caught:
        client.send(message("transfer.create", transfer_payload("12315")))
    assert market.transfers == []
    return caught.value


def test_line_busy_is_retryable(lines: Lines) -> None:
    error = failed_transfer(lines, 502)
    assert (error.retryable, error.status) == (True, 502)
    assert "系统繁忙" in error.reason


def test_line_200_saying_error_is_a_failure(lines: Lines) -> None:
    error = failed_transfer(lines, 200)
    assert (error.retryable, error.status) == (False, 200)
    assert "ERROR 系统繁忙" in error.reason


def test_line_push_round_trip(
    start: Start, receiver: tuple[Receiver, str], session: requests.Session
) -> None:
    hub, url = receiver
    app = create_line("12315", "市场监管投诉举报热线", f"{url}/webhooks/dept_hotline", [SECRET])
    state: DeptHotlineState = app.extensions["simulator"]
    sim_url = start(app).url

    pushed = session.post(
        f"{sim_url}/_sim/calls", json={"lx": "01", "zjsj": "2026-11-23 00:30:00"}, timeout=5
    )

    assert pushed.json()["push_status"] == 200
    assert pushed.json()["answer"] == {
        "status": "OK",
        "reason": "",
        "jsbh": "SQ2026112300000001",
        "cf": False,
    }
    [(system, _, [event])] = hub.got
    call_id = pushed.json()["body"]["thbh"]
    assert system == "dept_hotline"
    assert event.data["external_id"] == f"12315:{call_id}"
    assert event.data["kind"] == "consult"
    assert event.data["transfer"] == {
        "line": "12315",
        "call_id": call_id,
        "agent": "王静（工号8012）",
        "reason": "非市场监管投诉举报热线业务范围，转12345办理",
        "transferred_at": datetime(2026, 11, 22, 16, 30, tzinfo=UTC),
    }

    client = DeptHotlineClient({"12315": HttpClient("dept_hotline:12315", sim_url, session, timeout=(1, 2))})
    client.send(
        message(
            "inquiry.status_changed",
            status_payload(
                event.data["external_id"], status="closed", action="close", satisfaction="satisfied"
            ),
        )
    )
    assert state.calls[call_id]["blzt"] == "YBJ"
    assert state.accepted("status_callback")[0].body["myd"] == "满意"


def test_line_push_naming_a_line_not_connected_is_refused(receiver: tuple[Receiver, str]) -> None:
    hub, url = receiver
    state: DeptHotlineState = create_line(
        "12366", "纳税服务热线", f"{url}/webhooks/dept_hotline", [SECRET]
    ).extensions["simulator"]
    push = state.transfer_call()
    assert (push.status, push.answer) == (400, {"status": "ERROR", "reason": "rxhm: 未接入的热线: 12366"})
    assert hub.got == []
