from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.website import WebsiteInbound
from adapters.website.wire import inquiry_from_website, reply_call, status_call, writer_reply_call
from gateway.domain.errors import WireError
from gateway.domain.lifecycle import Status
from schemas.inquiry import InquiryIn
from tests.factories import factory, names, refusal, sample

WEBSITE_NAMES = names("website.system_names")
GATEWAY_NAMES = names("website.gateway_names")


def website_body(**overrides: Any) -> dict[str, Any]:
    message = sample("website.message", **overrides)
    return {
        "eventType": "message.submitted",
        "eventTime": "2025-03-12 09:30:16",
        "message": {k: v for k, v in message.items() if v is not None},
    }


reply_payload = factory("website.reply")
status_payload = factory("website.status")


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    return set()


@pytest.mark.parametrize(
    ("box_type", "kind", "category"),
    [
        ("LDXX", "suggestion", "领导信箱"),
        ("ZXZX", "consult", "在线咨询"),
        ("TSJB", "complaint", "投诉举报"),
        ("JYXC", "suggestion", "建言献策"),
    ],
)
def test_every_box_type_maps_to_a_kind_and_category(box_type: str, kind: str, category: str) -> None:
    event = inquiry_from_website(website_body(boxType=box_type))

    assert event.kind == "inquiry"
    assert event.data["kind"] == kind
    assert event.data["category"] == category


@pytest.mark.parametrize(
    ("letter_type", "kind"),
    [
        ("咨询", "consult"),
        ("求助", "help"),
        ("投诉", "complaint"),
        ("举报", "report"),
        ("建议", "suggestion"),
        ("表扬", "praise"),
    ],
)
def test_letter_type_decides_the_kind_of_a_leader_letter(letter_type: str, kind: str) -> None:
    event = inquiry_from_website(website_body(boxType="LDXX", letterType=letter_type))

    assert event.data["kind"] == kind
    assert event.data["category"] == "领导信箱"


def test_a_message_maps_to_an_inquiry_the_gateway_accepts() -> None:
    event = inquiry_from_website(website_body())

    assert event.data == {
        "channel": "website",
        "external_id": "LY20250312000001",
        "kind": "complaint",
        "title": "小区旁工地夜间施工噪音扰民",
        "content": "金山街道某小区旁工地连续多日夜间十一点后仍在施工，噪声很大，影响休息。",
        "category": "投诉举报",
        "address": "仓山区金山街道浦上大道",
        "district": "金山街道",
        "citizen": {"name": "陈晓燕", "phone": "13805912345", "id_number": "350104198805061234"},
        "public_consent": True,
    }
    assert InquiryIn().load(event.data)["external_id"] == "LY20250312000001"
    assert not all_keys(event.data) & WEBSITE_NAMES


def test_optional_fields_may_be_absent() -> None:
    event = inquiry_from_website(website_body(writerIdCard=None, area=None, eventAddress=None, isPublic=None))

    assert event.data["citizen"]["id_number"] is None
    assert event.data["district"] is None
    assert event.data["address"] is None
    assert event.data["public_consent"] is False
    InquiryIn().load(event.data)


@pytest.mark.parametrize(("flag", "consent"), [("Y", True), ("N", False)])
def test_is_public_is_the_writers_consent(flag: str, consent: bool) -> None:
    assert inquiry_from_website(website_body(isPublic=flag)).data["public_consent"] is consent


def test_a_lowercase_x_in_the_id_card_is_normalised() -> None:
    event = inquiry_from_website(website_body(writerIdCard="35010419880506123x"))

    assert event.data["citizen"]["id_number"] == "35010419880506123X"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"msgId": None}, "message.msgId"),
        ({"msgId": 12345}, "message.msgId"),
        ({"boxType": "XXXX"}, "message.boxType"),
        ({"boxType": None}, "message.boxType"),
        ({"letterType": "催办"}, "message.letterType"),
        ({"subject": "   "}, "message.subject"),
        ({"subject": "噪" * 201}, "message.subject"),
        ({"content": None}, "message.content"),
        ({"content": "夜间施工\x00噪音"}, "message.content"),
        ({"writerName": ["陈晓燕"]}, "message.writerName"),
        ({"writerMobile": "0591-83123456"}, "message.writerMobile"),
        ({"writerMobile": None}, "message.writerMobile"),
        ({"writerIdCard": "35010419880506"}, "message.writerIdCard"),
        ({"isPublic": "1"}, "message.isPublic"),
        ({"isPublic": True}, "message.isPublic"),
        ({"submitTime": "2025/03/12 09:30"}, "message.submitTime"),
        ({"submitTime": "2025-03-12T09:30:15+08:00"}, "message.submitTime"),
        ({"submitTime": None}, "message.submitTime"),
        ({"area": "街" * 65}, "message.area"),
    ],
)
def test_bad_fields_name_the_website_field(overrides: dict[str, Any], field: str) -> None:
    assert refusal(inquiry_from_website, website_body(**overrides)).field == field


def test_a_bad_envelope_names_the_website_field() -> None:
    with pytest.raises(WireError) as wrong_event:
        inquiry_from_website({**website_body(), "eventType": "message.withdrawn"})
    with pytest.raises(WireError) as no_message:
        inquiry_from_website({"eventType": "message.submitted", "message": "留言"})

    assert wrong_event.value.field == "eventType"
    assert no_message.value.field == "message"


def test_inbound_parses_bytes_and_refuses_what_is_not_json() -> None:
    inbound = WebsiteInbound()
    events = inbound.parse(json.dumps(website_body(), ensure_ascii=False).encode("utf-8"))

    assert [e.data["external_id"] for e in events] == ["LY20250312000001"]
    assert refusal(inbound.parse, "不是JSON".encode()).field == "body"
    with pytest.raises(WireError):
        inbound.parse(b"\xff\xfe")


def test_inbound_answers_in_the_websites_style() -> None:
    inbound = WebsiteInbound()

    accepted = inbound.accepted(["SQ2025031200000042"], duplicate=True)
    rejected = inbound.rejected(422, "message.boxType: must be one of LDXX, ZXZX, TSJB, JYXC")
    unsigned = inbound.rejected(401, "no valid signature")
    broken = inbound.rejected(500, "内部错误")

    assert (accepted.status, accepted.body) == (
        200,
        {"success": True, "data": {"refNos": ["SQ2025031200000042"], "duplicate": True}},
    )
    assert (rejected.status, rejected.body) == (
        422,
        {
            "success": False,
            "errorCode": "PARAM_INVALID",
            "errorMsg": "message.boxType: must be one of LDXX, ZXZX, TSJB, JYXC",
        },
    )
    assert unsigned.body["errorCode"] == "SIGNATURE_INVALID"
    assert broken.body["errorCode"] == "SYSTEM_ERROR"


def test_a_reply_to_a_website_message_carries_only_the_public_reply() -> None:
    call = reply_call(reply_payload())

    assert call is not None
    assert (call.operation, call.path) == ("publish_reply", "/interact/api/replies")
    assert call.body == {
        "msgId": "LY20250312000001",
        "refNo": "SQ2025031200000042",
        "replyContent": "经核实，我局已责令该工地停止夜间施工。",
        "replyDept": "区城市管理局",
        "replyTime": "2025-03-15 16:20:00",
        "publish": "Y",
    }
    assert not set(call.body) & GATEWAY_NAMES


def test_a_reply_without_consent_goes_to_its_writer_alone() -> None:
    call = writer_reply_call(reply_payload())

    assert call is not None
    assert (call.body["msgId"], call.body["publish"]) == ("LY20250312000001", "N")
    assert call.body["replyContent"] == "经核实，我局已责令该工地停止夜间施工。"
    with pytest.raises(WireError) as caught:  # whose message? never one the website would show
        writer_reply_call(reply_payload(origin="hotline", external_id=None))
    assert caught.value.field == "external_id"


def test_a_reply_is_redacted_again_before_it_leaves() -> None:
    text = "王小明您好：已联系您（13805912345，身份证350104198805061234），问题已解决。"
    call = reply_call(
        reply_payload(
            public_reply=text,
            title="王小明反映噪音",
            origin="hotline",
            external_id="GD-0001",
            citizen={"name": "王小明", "phone": "13805912345", "id_number": "350104198805061234"},
        )
    )

    assert call is not None
    assert call.body["replyContent"] == (
        "王**您好：已联系您（138****2345，身份证350104********1234），问题已解决。"
    )
    assert call.body["subject"] == "王**反映噪音"
    sent = json.dumps(call.body, ensure_ascii=False)
    for secret in ("王小明", "13805912345", "350104198805061234"):
        assert secret not in sent
    assert not all_keys(call.body) & GATEWAY_NAMES


@pytest.mark.parametrize(
    ("kind", "box_type"),
    [
        ("consult", "ZXZX"),
        ("help", "ZXZX"),
        ("complaint", "TSJB"),
        ("report", "TSJB"),
        ("suggestion", "JYXC"),
        ("praise", "LDXX"),
    ],
)
def test_a_reply_to_an_inquiry_from_elsewhere_goes_by_gateway_number(kind: str, box_type: str) -> None:
    call = reply_call(reply_payload(origin="hotline", external_id=None, kind=kind))

    assert call is not None
    assert "msgId" not in call.body
    assert call.body["refNo"] == "SQ2025031200000042"
    assert call.body["boxType"] == box_type
    assert call.body["subject"] == "小区旁工地夜间施工噪音扰民"


def test_the_hotlines_own_id_is_never_taken_for_a_msg_id() -> None:
    call = reply_call(reply_payload(origin="hotline", external_id="GD-0001"))

    assert call is not None
    assert "msgId" not in call.body


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_public_reply_means_nothing_to_publish(text: str | None) -> None:
    payload = reply_payload(public_reply=text)
    if text is None:
        del payload["public_reply"]

    assert reply_call(payload) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-15T16:20:00+08:00", "2025-03-15 16:20:00"),
        ("2025-03-15T08:20:00+00:00", "2025-03-15 16:20:00"),
        ("2025-03-15T08:20:00Z", "2025-03-15 16:20:00"),
        ("2025-03-14T20:20:00-04:00", "2025-03-15 08:20:00"),
        ("2025-03-15T16:20:00", "2025-03-15 16:20:00"),
        ("2025-03-15T16:20:00.123456+08:00", "2025-03-15 16:20:00"),
    ],
)
def test_times_are_sent_in_beijing_time(value: str, expected: str) -> None:
    call = reply_call(reply_payload(replied_at=value))

    assert call is not None
    assert call.body["replyTime"] == expected


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"replied_at": "15/03/2025"}, "replied_at"),
        ({"replied_at": None}, "replied_at"),
        ({"number": None}, "number"),
        ({"public_reply": 3}, "public_reply"),
        ({"origin": "hotline", "kind": "unknown"}, "kind"),
    ],
)
def test_a_bad_reply_payload_names_the_gateway_field(overrides: dict[str, Any], field: str) -> None:
    assert refusal(reply_call, reply_payload(**overrides)).field == field


def test_a_status_change_updates_the_website_message() -> None:
    call = status_call(status_payload())

    assert call is not None
    assert (call.operation, call.path) == ("update_status", "/interact/api/messages/LY20250312000001/status")
    assert call.body == sample("website.status_body")
    assert not set(call.body) & GATEWAY_NAMES


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (Status.RECEIVED, 1),
        (Status.RETURNED, 1),
        (Status.DISPATCHED, 2),
        (Status.ACKNOWLEDGED, 2),
        (Status.EXTENSION_REQUESTED, 2),
        (Status.REOPENED, 2),
        (Status.REPLIED, 3),
        (Status.CALLED_BACK, 3),
        (Status.CLOSED, 4),
    ],
)
def test_every_gateway_status_has_a_website_code(status: Status, code: int) -> None:
    call = status_call(status_payload(status=status.value))

    assert call is not None
    assert call.body["statusCode"] == code


def test_no_gateway_status_is_left_unmapped() -> None:
    for status in Status:
        assert status_call(status_payload(status=status.value)) is not None


def test_a_status_change_sends_no_internal_note_or_department_code() -> None:
    call = status_call(
        status_payload(status="returned", reason="不属于本单位职责", department_name=None, due_at=None)
    )

    assert call is not None
    assert call.body == {
        "statusCode": 1,
        "statusName": "已受理",
        "refNo": "SQ2025031200000042",
        "updateTime": "2025-03-12 10:05:00",
    }


@pytest.mark.parametrize(
    "overrides",
    [{"origin": "hotline", "external_id": "GD-0001"}, {"external_id": None}, {"origin": "window"}],
)
def test_status_of_inquiries_not_from_the_website_is_skipped(overrides: dict[str, Any]) -> None:
    assert status_call(status_payload(**overrides)) is None


def test_a_status_change_without_origin_trusts_external_id() -> None:
    payload = status_payload()
    del payload["origin"]

    call = status_call(payload)

    assert call is not None
    assert call.path == "/interact/api/messages/LY20250312000001/status"


def test_a_msg_id_is_quoted_in_the_path() -> None:
    call = status_call(status_payload(external_id="LY/2025 01"))

    assert call is not None
    assert call.path == "/interact/api/messages/LY%2F2025%2001/status"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"at": "昨天"}, "at"),
        ({"due_at": "下周"}, "due_at"),
        ({"external_id": 7}, "external_id"),
    ],
)
def test_a_bad_status_payload_names_the_gateway_field(overrides: dict[str, Any], field: str) -> None:
    assert refusal(status_call, status_payload(**overrides)).field == field
