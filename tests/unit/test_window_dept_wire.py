from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.base.port import OutboundMessage
from adapters.dept_hotline import DeptHotlineClient, DeptHotlineInbound
from adapters.dept_hotline import wire as dept_wire
from adapters.window import WindowInbound
from adapters.window import wire as window_wire
from gateway.domain.errors import UpstreamError
from schemas.inquiry import InquiryIn
from tests.factories import codes_of, factory, keys_of, names, refusal, sample

GATEWAY_NAMES = names("window.gateway_names")
GATEWAY_VALUES = {"acknowledged", "replied", "acknowledge", "reply", "satisfied", "consult", "complaint"}
WINDOW_NAMES = names("window.system_names")
WINDOW_KINDS = list(codes_of("window.sqlx").items())
DEPT_KINDS = list(codes_of("dept_hotline.lx").items())
DEPT_NAMES = {"rxhm", "thbh", "zxy", "zjyy", "zjsj", "ldhm", "ldrxm", "lx", "bt", "nr", "dz"}


window_record = factory("window.record")
dept_call = factory("dept_hotline.call")
status_payload = factory("window.status")


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


# ---- window, in -------------------------------------------------------------------------------


def test_window_record_becomes_an_inquiry_without_window_names() -> None:
    [event] = WindowInbound().parse(encode(window_record()))

    assert event.kind == "inquiry"
    assert event.data == {
        "channel": "window",
        "external_id": "CK2026112300001",
        "kind": "complaint",
        "title": "预付卡退款",
        "content": "群众到窗口反映健身房预付卡无法退款。",
        "address": "临江街道阳光花园3号楼",
        "district": "临江街道",
        "citizen": {"name": "林建华", "phone": "13905911234", "id_number": "350104198805061234"},
        "public_consent": True,
    }
    assert not keys_of(event.data) & WINDOW_NAMES
    assert InquiryIn().load(event.data)["kind"] == "complaint"


@pytest.mark.parametrize(("code", "kind"), WINDOW_KINDS)
def test_window_kind_codes(code: str, kind: str) -> None:
    [event] = WindowInbound().parse(encode(window_record(sqlx=code)))
    assert event.data["kind"] == kind


def test_window_optional_fields_absent() -> None:
    body = window_record(sqr={"xm": "陈秀英", "lxdh": "0591-83000000"})
    for key in ("sxmc", "dz", "ssjd", "gkbz"):
        del body[key]
    [event] = WindowInbound().parse(encode(body))
    assert event.data["title"] is None
    assert event.data["address"] is None
    assert event.data["district"] is None
    assert event.data["public_consent"] is False
    assert event.data["citizen"] == {"name": "陈秀英", "phone": "0591-83000000", "id_number": None}
    assert InquiryIn().load(event.data)["public_consent"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"jlbh": None}, "jlbh"),
        ({"jlbh": 1001}, "jlbh"),
        ({"ckbh": ""}, "ckbh"),
        ({"blry": None}, "blry"),
        ({"sqlx": "consult"}, "sqlx"),
        ({"nr": "  "}, "nr"),
        ({"sqr": "林建华"}, "sqr"),
        ({"sqr": {"lxdh": "13905911234"}}, "sqr.xm"),
        ({"sqr": {"xm": "林建华"}}, "sqr.lxdh"),
        ({"gkbz": True}, "gkbz"),
        ({"djsj": "2026-11-23T10:15:00+08:00"}, "djsj"),
        ({"djsj": "2026-02-30 10:15:00"}, "djsj"),
        ({"djsj": None}, "djsj"),
        ({"ywlx": "BJSL"}, "ywlx"),
        ({"ywlx": None}, "ywlx"),
    ],
)
def test_window_wire_errors_name_the_window_field(change: dict[str, Any], field: str) -> None:
    assert refusal(WindowInbound().parse, encode(window_record(**change))).field == field


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", "{}".encode("utf-16")])
def test_window_body_that_is_no_object(raw: bytes) -> None:
    assert refusal(WindowInbound().parse, raw).field == "$"


def test_window_time_is_beijing() -> None:
    moment = window_wire.parse_time("2026-11-23 10:15:00", "djsj")
    assert moment == datetime(2026, 11, 23, 2, 15, tzinfo=UTC)
    assert moment.utcoffset() is not None


def test_window_answers() -> None:
    inbound = WindowInbound()
    ok = inbound.accepted(["SQ2026112300000017"], duplicate=False)
    again = inbound.accepted(["SQ2026112300000017"], duplicate=True)
    bad = inbound.rejected(400, "sqlx: 未知的诉求类型: XX")
    unsigned = inbound.rejected(401, "签名无效")
    busy = inbound.rejected(503, "系统繁忙")

    assert (ok.status, ok.body) == (
        200,
        {"ret": 0, "message": "ok", "data": {"sqbh": "SQ2026112300000017", "cf": 0}},
    )
    assert again.body["data"]["cf"] == 1
    assert (bad.status, bad.body) == (400, {"ret": 1002, "message": "sqlx: 未知的诉求类型: XX"})
    assert unsigned.body == {"ret": 1003, "message": "签名无效"}
    assert (busy.status, busy.body["ret"]) == (503, 9999)


# ---- window, out ------------------------------------------------------------------------------


def test_window_notice_times_cross_midnight_and_naive_is_beijing() -> None:
    body = window_wire.status_notice(status_payload(at="2026-11-23T18:30:00Z", due_at="2026-11-30T08:00:00"))
    assert body["czsj"] == "2026-11-24 02:30:00"
    assert body["blsx"] == "2026-11-30 08:00:00"


@pytest.mark.parametrize(
    ("status", "action", "zt", "czlx"),
    [
        ("received", "intake", "10", "SL"),
        ("dispatched", "dispatch", "20", "PD"),
        ("returned", "return", "31", "TD"),
        ("extension_requested", "request-extension", "32", "YQSQ"),
        ("acknowledged", "approve-extension", "30", "YQTY"),
        ("acknowledged", "refuse-extension", "30", "YQJJ"),
        ("replied", "reply", "40", "DF"),
        ("called_back", "callback", "50", "HF"),
        ("reopened", "reopen", "60", "CB"),
        ("closed", "close", "90", "BJ"),
        ("dispatched", "escalate", "20", "DB"),
    ],
)
def test_window_status_and_action_codes(status: str, action: str, zt: str, czlx: str) -> None:
    body = window_wire.status_notice(status_payload(status=status, action=action))
    assert (body["zt"], body["czlx"]) == (zt, czlx)


def test_window_notice_carries_reply_extension_and_rating() -> None:
    body = window_wire.status_notice(
        status_payload(
            action="approve-extension",
            reason="需现场核查",
            workdays=5,
            public_reply="已责令商家退款。",
            satisfaction="basically_satisfied",
        )
    )
    assert (body["sm"], body["yqgzr"], body["dfnr"], body["myd"]) == (
        "需现场核查",
        5,
        "已责令商家退款。",
        "3",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "archived"}, "zt"),
        ({"action": "merge"}, "czlx"),
        ({"satisfaction": "great"}, "myd"),
        ({"at": "yesterday"}, "czsj"),
        ({"number": None}, "sqbh"),
        ({"at": None}, "czsj"),
    ],
)
def test_window_notice_mapping_errors_name_the_window_field(change: dict[str, Any], field: str) -> None:
    assert refusal(window_wire.status_notice, status_payload(**change)).field == field


def test_window_reads_its_answers() -> None:
    assert window_wire.read_answer('{"ret": 1004, "message": "记录不存在"}') == (1004, "记录不存在")
    assert window_wire.read_answer('{"status": "OK"}') is None
    assert window_wire.read_answer("<html>") is None
    assert window_wire.read_answer(None) is None


# ---- dept hotline, in -------------------------------------------------------------------------


def test_dept_call_becomes_an_inquiry_with_its_transfer_record() -> None:
    [event] = DeptHotlineInbound().parse(encode(dept_call()))

    assert event.kind == "inquiry"
    transfer = event.data.pop("transfer")
    assert transfer == {
        "line": "12348",
        "call_id": "12348202611230042",
        "agent": "王静（工号8012）",
        "reason": "非法律服务类诉求，转12345办理",
        "transferred_at": datetime(2026, 11, 23, 2, 20, tzinfo=UTC),
    }
    assert transfer["transferred_at"].utcoffset() is not None
    assert event.data == {
        "channel": "dept_hotline",
        "external_id": "12348:12348202611230042",
        "kind": "complaint",
        "title": "小区电梯长期故障",
        "content": "来电人反映小区电梯故障一个月无人维修，要求处理。",
        "address": "临江街道阳光花园5号楼",
        "citizen": {"name": "林建华", "phone": "13905911234", "id_number": None},
        "public_consent": False,
    }
    assert not (keys_of(event.data) | set(transfer)) & DEPT_NAMES
    assert InquiryIn().load(event.data)["external_id"] == "12348:12348202611230042"


@pytest.mark.parametrize(("code", "kind"), DEPT_KINDS)
def test_dept_kind_codes(code: str, kind: str) -> None:
    [event] = DeptHotlineInbound().parse(encode(dept_call(lx=code)))
    assert event.data["kind"] == kind


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rxhm": None}, "rxhm"),
        ({"rxhm": "法律热线"}, "rxhm"),
        ({"thbh": ""}, "thbh"),
        ({"thbh": "T" * 51}, "thbh"),
        ({"zxy": None}, "zxy"),
        ({"lx": "3"}, "lx"),
        ({"nr": None}, "nr"),
        ({"ldhm": 13905911234}, "ldhm"),
        ({"ldrxm": None}, "ldrxm"),
        ({"zjsj": "2026-11-23T02:20:00Z"}, "zjsj"),
        ({"zjsj": "2026-11-23 25:20:00"}, "zjsj"),
    ],
)
def test_dept_wire_errors_name_the_line_field(change: dict[str, Any], field: str) -> None:
    assert refusal(DeptHotlineInbound().parse, encode(dept_call(**change))).field == field


def test_dept_inbound_refuses_a_line_not_configured() -> None:
    inbound = DeptHotlineInbound(lines=["12348", "12315"])
    assert inbound.parse(encode(dept_call(rxhm="12315")))[0].data["transfer"]["line"] == "12315"
    assert refusal(inbound.parse, encode(dept_call(rxhm="12366"))).field == "rxhm"


def test_dept_optional_fields_absent() -> None:
    body = dept_call()
    for key in ("zjyy", "bt", "dz"):
        del body[key]
    [event] = DeptHotlineInbound().parse(encode(body))
    assert event.data["transfer"]["reason"] is None
    assert (event.data["title"], event.data["address"]) == (None, None)


def test_dept_answers() -> None:
    inbound = DeptHotlineInbound()
    ok = inbound.accepted(["SQ2026112300000018"], duplicate=True)
    bad = inbound.rejected(422, "lx: 未知的来电类型")
    assert (ok.status, ok.body) == (
        200,
        {"status": "OK", "reason": "", "jsbh": "SQ2026112300000018", "cf": True},
    )
    assert (bad.status, bad.body) == (422, {"status": "ERROR", "reason": "lx: 未知的来电类型"})


# ---- dept hotline, out ------------------------------------------------------------------------


transfer_payload = factory("dept_hotline.transfer")


@pytest.mark.parametrize(
    ("build", "payload", "expected"),
    [
        (window_wire.status_notice, status_payload(), "window.status_notice_body"),
        (dept_wire.transfer_in, transfer_payload(), "dept_hotline.transfer_in_body"),
        (dept_wire.status_callback, sample("dept_hotline.status"), "dept_hotline.status_callback_body"),
    ],
    ids=["window_status_notice", "dept_transfer_in", "dept_status_callback"],
)
def test_outbound_body_speaks_only_the_systems_language(
    build: Any, payload: dict[str, Any], expected: str
) -> None:
    body = build(payload)

    assert body == sample(expected)
    assert not set(body) & GATEWAY_NAMES
    assert not set(json.dumps(body, ensure_ascii=False).split('"')) & GATEWAY_VALUES


@pytest.mark.parametrize(
    ("status", "blzt"),
    [
        ("received", "DPD"),
        ("dispatched", "YPD"),
        ("acknowledged", "BLZ"),
        ("returned", "YTD"),
        ("extension_requested", "YQZ"),
        ("replied", "YDF"),
        ("called_back", "YHF"),
        ("reopened", "CB"),
        ("closed", "YBJ"),
    ],
)
def test_dept_status_codes(status: str, blzt: str) -> None:
    body = dept_wire.status_callback(status_payload(external_id="12315:T1", status=status))
    assert (body["rxhm"], body["blzt"]) == ("12315", blzt)


@pytest.mark.parametrize(
    ("build", "change", "field"),
    [
        (dept_wire.transfer_in, {"kind": "gossip"}, "lx"),
        (dept_wire.transfer_in, {"line": None}, "rxhm"),
        (dept_wire.transfer_in, {"citizen": {"name": "林建华"}}, "ldhm"),
        (dept_wire.transfer_in, {"at": "soon"}, "zjsj"),
        (dept_wire.status_callback, {"external_id": "CK2026112300001"}, "thbh"),
        (dept_wire.status_callback, {"external_id": "12348:"}, "thbh"),
        (dept_wire.status_callback, {"external_id": "12348:T1", "status": "lost"}, "blzt"),
    ],
)
def test_dept_outbound_mapping_errors_name_the_line_field(
    build: Any, change: dict[str, Any], field: str
) -> None:
    base = transfer_payload() if build is dept_wire.transfer_in else status_payload()
    assert refusal(build, {**base, **change}).field == field


def test_dept_call_reference_round_trip() -> None:
    reference = dept_wire.call_reference("12348", "A:17")
    assert reference == "12348:A:17"
    assert dept_wire.split_call_reference(reference) == ("12348", "A:17")


def message(event_type: str, payload: dict[str, Any]) -> OutboundMessage:
    return OutboundMessage(
        id=1, target="dept_hotline", event_type=event_type, payload=payload, idempotency_key="k-1", attempt=1
    )


def test_dept_client_refuses_unknown_line_without_calling() -> None:
    client = DeptHotlineClient({})
    with pytest.raises(UpstreamError) as caught:
        client.send(message("transfer.create", transfer_payload(line="12366")))
    assert caught.value.retryable is False
    assert "12366" in caught.value.reason


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [("reply.publish", {"number": "SQ1"}), ("transfer.create", {"line": "12348", "kind": "consult"})],
)
def test_dept_client_refuses_what_it_cannot_send(event_type: str, payload: dict[str, Any]) -> None:
    with pytest.raises(UpstreamError) as caught:
        DeptHotlineClient({}).send(message(event_type, payload))
    assert caught.value.retryable is False
    assert caught.value.system == "dept_hotline"


def test_dept_client_has_nothing_to_tell_about_inquiries_not_from_a_line() -> None:
    DeptHotlineClient({}).send(message("inquiry.status_changed", status_payload(external_id=None)))
