from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from adapters.hotline import codes, wire
from adapters.hotline.inbound import HotlineInbound
from gateway.domain.errors import WireError
from gateway.domain.inquiry import Kind
from gateway.domain.lifecycle import Action, Status
from gateway.domain.satisfaction import Satisfaction
from schemas.inquiry import InquiryIn
from tests.factories import codes_of, factory, keys_of, names, refusal, sample

PLATFORM_FIELDS = names("hotline.platform_fields")
GATEWAY_FIELDS = names("hotline.gateway_fields")
# The code tables as PROTOCOL.md lists them (tests/samples/codes.json), not as the adapter has them.
SQLX = [(code, Kind(kind)) for code, kind in codes_of("hotline.sqlx").items()]
MYD = [(code, Satisfaction(level)) for code, level in codes_of("hotline.myd").items()]
GDZT = {Status(status): code for status, code in codes_of("hotline.gdzt").items()}
CZLX = {Action(action): code for action, code in codes_of("hotline.czlx").items()}


work_order = factory("hotline.work_order")
callback_result = factory("hotline.callback_result")
create_payload = factory("hotline.create")
status_payload = factory("hotline.status")


def push(tslx: str, sj: Any) -> bytes:
    return json.dumps({"tslx": tslx, "tssj": "2026-11-26 09:31:02", "sj": sj}, ensure_ascii=False).encode()


# ---- times ----


def test_platform_time_is_beijing_time() -> None:
    moment = codes.parse_time("2026-11-26 00:30:00", "slsj")
    assert moment == datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(hours=8)


def test_utc_time_is_written_in_beijing_time_across_midnight() -> None:
    assert codes.format_time(datetime(2026, 11, 25, 20, 0, 5, tzinfo=UTC)) == "2026-11-26 04:00:05"
    assert codes.iso_to_platform("2026-11-25T20:00:05+00:00") == "2026-11-26 04:00:05"
    assert codes.iso_to_platform("2026-11-26T04:00:05+08:00") == "2026-11-26 04:00:05"
    new_york = timezone(timedelta(hours=-5))
    assert codes.format_time(datetime(2026, 11, 25, 15, 0, tzinfo=new_york)) == "2026-11-26 04:00:00"


@pytest.mark.parametrize("text", ["2026-11-26 09:30:15", "2026-01-01 00:00:00", "2026-12-31 23:59:59"])
def test_time_round_trip(text: str) -> None:
    iso = codes.platform_to_iso(text, "slsj")
    assert iso.endswith("+08:00")
    assert codes.iso_to_platform(iso) == text
    utc = datetime.fromisoformat(iso).astimezone(UTC).isoformat()
    assert codes.iso_to_platform(utc) == text


def test_time_without_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        codes.format_time(datetime(2026, 11, 26, 9, 30))
    with pytest.raises(ValueError, match="offset"):
        codes.iso_to_platform("2026-11-26T09:30:00")


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-26T09:30:15",
        "2026/11/26 09:30:15",
        "2026-11-26 9:30:15",
        "2026-02-30 10:00:00",
        "2026-11-26 24:00:00",
        "2026-11-26 09:30",
        "",
        None,
        20261126093015,
        "２０２６-11-26 09:30:15",
    ],
)
def test_bad_platform_time_names_the_field(value: Any) -> None:
    assert refusal(wire.inquiry_from_work_order, work_order(slsj=value)).field == "slsj"


# ---- inbound ----


def test_work_order_becomes_an_inquiry() -> None:
    data = wire.inquiry_from_work_order(work_order())
    assert data == sample("hotline.work_order_inquiry")
    assert InquiryIn().load(data)["external_id"] == "GD20261126000123"


@pytest.mark.parametrize(("sqlx", "kind"), SQLX)
def test_every_sqlx_code_is_a_kind(sqlx: str, kind: Kind) -> None:
    assert wire.inquiry_from_work_order(work_order(sqlx=sqlx))["kind"] == kind.value
    body = wire.work_order_request(create_payload(kind=kind.value))
    assert body["sqlx"] == sqlx


def test_empty_and_absent_optional_fields_are_none() -> None:
    order = work_order(bt="", sqdz="", ssjd="", sffl="", sfzhm="", sfgk="0")
    del order["wbbh"]
    data = wire.inquiry_from_work_order(order)
    assert data["title"] is None and data["address"] is None and data["district"] is None
    assert data["category"] is None and data["citizen"]["id_number"] is None
    assert data["public_consent"] is False
    assert InquiryIn().load(data)["public_consent"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gdbh": ""}, "gdbh"),
        ({"gdbh": None}, "gdbh"),
        ({"gdbh": 123}, "gdbh"),
        ({"sqlx": "07"}, "sqlx"),
        ({"sqlx": "3"}, "sqlx"),
        ({"sqlx": ""}, "sqlx"),
        ({"sqnr": ""}, "sqnr"),
        ({"sqnr": "来电\x00内容"}, "sqnr"),
        ({"ldrxm": ""}, "ldrxm"),
        ({"ldhm": "call me"}, "ldhm"),
        ({"sfzhm": "3501-0419"}, "sfzhm"),
        ({"sfgk": "是"}, "sfgk"),
        ({"sfgk": 1}, "sfgk"),
        ({"bt": "标" * 201}, "bt"),
        ({"ssjd": ["临江街道"]}, "ssjd"),
    ],
)
def test_bad_work_order_field_is_named(overrides: dict[str, Any], field: str) -> None:
    assert refusal(wire.inquiry_from_work_order, work_order(**overrides)).field == field


def test_missing_field_is_named() -> None:
    order = work_order()
    del order["gdbh"]
    with pytest.raises(WireError) as err:
        HotlineInbound().parse(push("XGD", order))
    assert (err.value.field, err.value.reason) == ("gdbh", "is required")


@pytest.mark.parametrize(("myd", "level"), MYD)
def test_every_myd_code_is_a_satisfaction_level(myd: str, level: Satisfaction) -> None:
    [event] = HotlineInbound().parse(push("HFJG", callback_result(myd=myd)))
    assert event.kind == "callback"
    assert event.data == {
        "external_id": "GD20261126000123",
        "number": "SQ20261126000007",
        "satisfaction": level.value,
        "solved": True,
        "note": "来电人表示施工已停止。",
    }
    body = wire.feedback_request(
        status_payload(action="callback", status="called_back", satisfaction=level.value)
    )
    assert body["myd"] == myd


def test_callback_not_solved_without_note() -> None:
    data = wire.callback_from_result(callback_result(sfjj="0", hfsm=""))
    assert data["solved"] is False and data["note"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"myd": "6"}, "myd"),
        ({"myd": "满意"}, "myd"),
        ({"sfjj": "Y"}, "sfjj"),
        ({"hfsj": "2026-12-01"}, "hfsj"),
        ({"gdbh": ""}, "gdbh"),
    ],
)
def test_bad_callback_field_is_named(overrides: dict[str, Any], field: str) -> None:
    assert refusal(HotlineInbound().parse, push("HFJG", callback_result(**overrides))).field == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b"[]", "body"),
        (json.dumps({"tslx": "XYZ", "sj": {}}).encode(), "tslx"),
        (json.dumps({"sj": {}}).encode(), "tslx"),
        (json.dumps({"tslx": "XGD", "sj": "GD1"}).encode(), "sj"),
        (json.dumps({"tslx": "HFJG"}).encode(), "sj"),
    ],
)
def test_unreadable_push_names_the_field(body: bytes, field: str) -> None:
    assert refusal(HotlineInbound().parse, body).field == field


def test_inbound_data_carries_no_platform_field_names() -> None:
    inbound = HotlineInbound()
    [inquiry] = inbound.parse(push("XGD", work_order()))
    [callback] = inbound.parse(push("HFJG", callback_result()))
    assert keys_of(inquiry.data) & PLATFORM_FIELDS == set()
    assert keys_of(callback.data) & PLATFORM_FIELDS == set()


def test_listed_work_order_events() -> None:
    own = work_order(**callback_result(), gdzt="60", gxsj="2026-12-03 09:00:00")
    # The latest 回访 is listed however long ago it was: receipts, not the listing, decide if it is news.
    listed = wire.events_from_listed(own)
    assert [(e.kind, e.key) for e in listed] == [
        ("inquiry", "XGD:GD20261126000123"),
        ("callback", "HFJG:GD20261126000123:2026-12-01 15:00:00"),
    ]
    created_by_gateway = work_order(lyqd="02", wbbh="SQ20261126000007")
    assert wire.events_from_listed(created_by_gateway) == []
    assert refusal(wire.events_from_listed, work_order(lyqd="99")).field == "lyqd"


def test_pushed_and_listed_news_carry_the_same_keys() -> None:
    inbound = HotlineInbound()
    listed = wire.events_from_listed(work_order(**callback_result(), gdzt="60"))
    pushed = inbound.parse(push("XGD", work_order())) + inbound.parse(push("HFJG", callback_result()))
    assert [e.key for e in pushed] == [e.key for e in listed]
    assert [e.data for e in pushed] == [e.data for e in listed]
    later = inbound.parse(push("HFJG", callback_result(hfsj="2026-12-09 10:00:00")))
    assert later[0].key == "HFJG:GD20261126000123:2026-12-09 10:00:00"  # a 回访 after 重办 is news


# ---- outbound ----


@pytest.mark.parametrize(
    ("build", "payload", "expected"),
    [
        (wire.work_order_request, create_payload(), "hotline.cjgd_body"),
        # a dispatch of a work order the platform created is keyed by its gdbh
        (wire.feedback_request, status_payload(), "hotline.lzfk_body"),
    ],
    ids=["workorder_create_becomes_cjgd", "dispatch_becomes_lzfk_keyed_by_gdbh"],
)
def test_outbound_body_speaks_only_the_platforms_language(
    build: Any, payload: dict[str, Any], expected: str
) -> None:
    body = build(payload)
    assert body == sample(expected)
    assert set(body) <= PLATFORM_FIELDS
    assert set(body) & GATEWAY_FIELDS == set()


@pytest.mark.parametrize(
    ("origin", "lyqd"), [("website", "02"), ("window", "03"), ("dept_hotline", "04"), ("api", "05")]
)
def test_origin_becomes_lyqd(origin: str, lyqd: str) -> None:
    body = wire.work_order_request(create_payload(origin=origin, public_consent=True))
    assert (body["lyqd"], body["sfgk"]) == (lyqd, "1")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"origin": "hotline"}, "origin"),
        ({"kind": "gossip"}, "kind"),
        ({"number": None}, "number"),
        ({"citizen": None}, "citizen"),
        ({"content": ""}, "content"),
        ({"created_at": "2026-11-26 10:02:00"}, "created_at"),
        ({"created_at": "2026-11-26T10:02:00"}, "created_at"),
        ({"public_consent": "yes"}, "public_consent"),
    ],
)
def test_unmappable_create_payload_names_the_gateway_field(overrides: dict[str, Any], field: str) -> None:
    assert refusal(wire.work_order_request, create_payload(**overrides)).field == field


def test_feedback_for_a_work_order_the_gateway_created_is_keyed_by_wbbh() -> None:
    body = wire.feedback_request(status_payload(external_id=None, origin="website"))
    assert body["wbbh"] == "SQ20261126000007" and "gdbh" not in body


def test_feedback_optional_fields() -> None:
    body = wire.feedback_request(
        status_payload(
            action="request-extension",
            status="extension_requested",
            note="需现场核查",
            reason="涉及多个部门",
            workdays=5,
            due_at=None,
        )
    )
    assert body["czlx"] == "05" and body["gdzt"] == "31"
    assert (body["czsm"], body["czyy"], body["yqts"]) == ("需现场核查", "涉及多个部门", 5)
    assert "blsx" not in body
    reply = wire.feedback_request(
        status_payload(action="reply", status="replied", public_reply="已责令停工。")
    )
    assert reply["dfnr"] == "已责令停工。"
    assert set(body) & GATEWAY_FIELDS == set() and set(reply) & GATEWAY_FIELDS == set()


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_an_operation_code(action: Action) -> None:
    body = wire.feedback_request(status_payload(action=action.value))
    assert body["czlx"] == CZLX.get(action, "06")


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_gdzt(status: Status) -> None:
    assert wire.feedback_request(status_payload(status=status.value))["gdzt"] == GDZT[status]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"action": "teleport"}, "action"),
        ({"status": "lost"}, "status"),
        ({"at": None}, "at"),
        ({"at": "2026-11-26T10:05:00"}, "at"),
        ({"due_at": "tomorrow"}, "due_at"),
        ({"workdays": "5"}, "workdays"),
        ({"satisfaction": "ok"}, "satisfaction"),
        ({"external_id": None, "number": None}, "number"),
        ({"department": 12}, "department"),
    ],
)
def test_unmappable_status_payload_names_the_gateway_field(overrides: dict[str, Any], field: str) -> None:
    assert refusal(wire.feedback_request, status_payload(**overrides)).field == field


# ---- answers to the platform ----


def test_accepted_and_rejected_answers_in_the_platform_style() -> None:
    inbound = HotlineInbound()
    ack = inbound.accepted(["SQ20261126000007"], duplicate=False)
    assert (ack.status, ack.body) == (
        200,
        {"code": "0000", "msg": "成功", "data": {"wbbh": "SQ20261126000007", "sfcf": "0"}},
    )
    again = inbound.accepted(["SQ20261126000007"], duplicate=True)
    assert again.body["data"]["sfcf"] == "1" and again.body["code"] == "0000"
    bad = inbound.rejected(400, "sqlx: unknown code '07'")
    assert (bad.status, bad.body) == (
        400,
        {"code": "E1003", "msg": "推送数据不合法：sqlx: unknown code '07'"},
    )
    assert inbound.rejected(401, "no valid signature").body["code"] == "E1101"
    assert inbound.rejected(429, "").body == {"code": "E4001", "msg": "请求过于频繁，请稍后重试"}
    assert inbound.rejected(502, "数据库不可用").body["code"] == "E5001"
    assert inbound.rejected(503, "维护中").body["code"] == "E5003"
