"""互联互通 on the in-memory fake: which system hears what of an inquiry, and with which personal data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.conftest import inquiry_payload
from tests.fakes import FakeInquiryRepository, fake_inquiry_service, fake_settings

ADMIN = Actor("管理员", "admin")
NAME, PHONE, ID_NUMBER = "林建华", "13905911234", "350104198805061234"
LEGAL = {"title": "申请法律援助需要什么材料", "content": "来电人咨询申请法律援助需要准备哪些材料。"}  # -> SFJ
NOISE = {"kind": "complaint", "title": "夜间施工噪音", "content": "工地夜间施工噪音扰民,请查处。"}  # -> HBJ


def system(channel: str) -> Actor:
    return Actor(f"{channel} system", f"system:{channel}")


def take_in(channel: str = "hotline", external_id: str | None = "EXT-1", settings: Any = None, **body: Any):
    service, db, _ = fake_inquiry_service(settings)
    actor = system(channel) if external_id else ADMIN
    view, created = service.intake(inquiry_payload(channel=channel, external_id=external_id, **body), actor)
    assert created
    return service, db.inquiries, view


def messages(
    store: FakeInquiryRepository, event_type: str, target: str | None = None
) -> list[dict[str, Any]]:
    return [
        m["payload"]
        for m in store.messages
        if m["event_type"] == event_type and (target is None or m["target"] == target)
    ]


def text_of(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def to_replied(service: Any, inquiry_id: int, public_reply: str | None) -> None:
    service.act(inquiry_id, Action.ACKNOWLEDGE, {}, ADMIN)
    service.act(inquiry_id, Action.REPLY, {"note": f"已电话联系{NAME}", "public_reply": public_reply}, ADMIN)


# ---- intake ---------------------------------------------------------------------------------------


def test_a_website_message_is_forwarded_to_12345_as_a_work_order_with_the_citizen_in_full():
    _, store, view = take_in("website", "MSG-1", **NOISE)
    inquiry = store.inquiries[view.id]
    assert inquiry.forwarded_to == "hotline"
    assert store.sent(view.id) == [
        ("hotline", "workorder.create"),
        ("website", "inquiry.status_changed"),  # the origin hears of the dispatch under its own id
        ("hotline", "inquiry.status_changed"),  # and so does 12345, which holds the work order
    ]
    (order,) = messages(store, "workorder.create")
    # 12345 calls the citizen back: the work order carries who they are, unmasked.
    assert order["citizen"] == {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}
    assert (order["origin"], order["external_id"], order["number"]) == ("website", "MSG-1", view.number)
    for m in store.messages:
        assert m["ordering_key"] == f"inquiry:{view.id}:{m['target']}"
        assert m["status"] == "pending"


def test_a_status_message_names_the_external_id_only_to_the_system_that_gave_it():
    _, store, view = take_in("website", "MSG-1", **NOISE)
    by_target = {
        m["target"]: m["payload"] for m in store.messages if m["event_type"] == "inquiry.status_changed"
    }
    assert by_target["website"]["external_id"] == "MSG-1"
    assert by_target["hotline"]["external_id"] is None
    for payload in by_target.values():
        assert (payload["action"], payload["status"], payload["department"]) == (
            "dispatch",
            "dispatched",
            "HBJ",
        )
        assert payload["department_name"] == "区生态环境局"
        assert NAME not in text_of(payload) and PHONE not in text_of(payload)


@pytest.mark.parametrize("channel", ["hotline", "window"])
def test_other_channels_are_not_forwarded_and_only_their_origin_hears(channel):
    _, store, view = take_in(channel, "EXT-1", **NOISE)
    assert store.inquiries[view.id].forwarded_to is None
    assert store.sent(view.id) == [(channel, "inquiry.status_changed")]


def test_an_inquiry_logged_without_an_external_id_tells_no_system():
    _, store, view = take_in("hotline", None, **NOISE)
    assert view.status == "dispatched"
    assert store.messages == []


def test_no_origin_is_told_when_notify_origin_is_off():
    _, store, view = take_in("window", "CK-1", settings=fake_settings(notify_origin=False), **NOISE)
    assert store.sent(view.id) == []


# ---- 双向转接 ---------------------------------------------------------------------------------------


def test_a_legal_consult_dispatched_to_the_justice_bureau_is_transferred_to_12348():
    _, store, view = take_in("hotline", "GD-1", **LEGAL)
    assert view.department == "SFJ"
    (transfer,) = messages(store, "transfer.create", "dept_hotline")
    assert transfer["line"] == "12348" and transfer["kind"] == "consult"
    # The line calls the citizen: name and phone, never the ID number.
    assert transfer["citizen"] == {"name": NAME, "phone": PHONE}
    assert ID_NUMBER not in text_of(transfer)
    assert [(t["direction"], t["line"]) for t in store.transfers] == [("out", "12348")]


def test_a_complaint_to_the_same_bureau_is_not_transferred():
    _, store, view = take_in(
        "hotline", "GD-1", kind="complaint", **{k: LEGAL[k] for k in ("title", "content")}
    )
    assert view.department == "SFJ"
    assert messages(store, "transfer.create") == [] and store.transfers == []


def test_a_consult_that_came_from_the_line_is_not_sent_back_to_it():
    _, store, view = take_in(
        "dept_hotline", "12348-1", transfer={"line": "12348", "call_id": "C-9", "agent": "王律师"}, **LEGAL
    )
    assert view.department == "SFJ"
    assert messages(store, "transfer.create") == []
    assert [(t["direction"], t["line"], t["call_id"]) for t in store.transfers] == [("in", "12348", "C-9")]
    assert store.recorded_events[0]["data"] == {"transfer_line": "12348"}


# ---- replies and their publication ------------------------------------------------------------------


def test_a_consented_reply_is_published_on_the_website_redacted_without_the_handling_note():
    service, store, view = take_in("hotline", "GD-1", **NOISE)
    to_replied(service, view.id, f"经查,施工单位已停止夜间施工。如有问题请联系{NAME}{PHONE}。")
    (published,) = messages(store, "reply.publish", "website")
    text = text_of(published)
    assert "经查,施工单位已停止夜间施工" in text
    assert NAME not in text and PHONE not in text and "已电话联系" not in text
    assert published["external_id"] is None  # not a website message: nothing of the website's to answer
    (reply_status,) = [
        p for p in messages(store, "inquiry.status_changed", "hotline") if p["action"] == "reply"
    ]
    # 12345 keeps the handling note on its work order; the public answer it gets is the redacted one.
    assert reply_status["note"] == f"已电话联系{NAME}"
    assert reply_status["public_reply"] == published["public_reply"]


def test_the_website_status_message_carries_no_handling_note():
    service, store, view = take_in("website", "MSG-1", **NOISE)
    to_replied(service, view.id, "已处理。")
    (status,) = [p for p in messages(store, "inquiry.status_changed", "website") if p["action"] == "reply"]
    assert "note" not in status and status["public_reply"] == "已处理。"


def test_without_consent_a_website_reply_goes_back_to_its_writer_only():
    service, store, view = take_in("website", "MSG-1", public_consent=False, **NOISE)
    to_replied(service, view.id, f"{NAME}您好:已处理。")
    assert messages(store, "reply.publish") == []
    (answer,) = messages(store, "reply.to_writer", "website")
    assert answer["public_reply"] == "林**您好:已处理。" and answer["external_id"] == "MSG-1"
    for payload in messages(store, "inquiry.status_changed"):
        assert "public_reply" not in payload  # nothing public without consent


def test_without_consent_and_reply_to_writer_off_the_website_hears_no_reply():
    settings = fake_settings(reply_to_writer=False)
    service, store, view = take_in("website", "MSG-1", settings=settings, public_consent=False, **NOISE)
    to_replied(service, view.id, "已处理。")
    assert messages(store, "reply.to_writer") == [] and messages(store, "reply.publish") == []


@pytest.mark.parametrize("consent", [True, False])
def test_a_window_reply_is_never_sent_to_the_website(consent):
    service, store, view = take_in("window", "CK-1", public_consent=consent, **NOISE)
    to_replied(service, view.id, "已处理。")
    assert [t for t, _ in store.sent(view.id)] == ["window"] * 3  # dispatch, acknowledge, reply


def test_a_reply_redaction_is_unsure_of_is_held_and_kept_out_of_the_status_messages():
    service, store, view = take_in("hotline", "GD-1", **NOISE)
    to_replied(service, view.id, f"已受理，回执号123456789，请{NAME}保存。")
    (held,) = [m for m in store.messages if m["event_type"] == "reply.publish"]
    assert held["status"] == "held"
    assert held["payload"]["review"]["doubts"] == [
        {"field": "public_reply", "start": 7, "end": 16, "digits": 9}
    ]
    (status,) = [p for p in messages(store, "inquiry.status_changed") if p["action"] == "reply"]
    assert "public_reply" not in status


def test_an_empty_public_reply_publishes_nothing():
    service, store, view = take_in("website", "MSG-1", **NOISE)
    to_replied(service, view.id, None)
    assert messages(store, "reply.publish") == [] and messages(store, "reply.to_writer") == []


# ---- other actions --------------------------------------------------------------------------------


def test_return_and_extension_messages_carry_the_reason_and_a_callback_the_rating():
    service, store, view = take_in("hotline", "GD-1", **NOISE)
    service.act(view.id, Action.RETURN, {"reason": "不属于本单位职责"}, ADMIN)
    service.act(view.id, Action.DISPATCH, {"department": "CGJ"}, ADMIN)
    service.act(view.id, Action.ACKNOWLEDGE, {}, ADMIN)
    service.act(view.id, Action.REQUEST_EXTENSION, {"workdays": 3, "reason": "需现场勘查"}, ADMIN)
    service.act(view.id, Action.APPROVE_EXTENSION, {}, ADMIN)
    service.act(view.id, Action.REPLY, {"note": "已处理", "public_reply": "已处理。"}, ADMIN)
    service.act(view.id, Action.CALLBACK, {"satisfaction": "satisfied", "solved": True}, ADMIN)
    status = {p["action"]: p for p in messages(store, "inquiry.status_changed", "hotline")}
    assert status["return"]["reason"] == "不属于本单位职责" and status["return"]["department"] is None
    assert (status["request-extension"]["reason"], status["request-extension"]["workdays"]) == (
        "需现场勘查",
        3,
    )
    assert "reason" not in status["approve-extension"] and status["approve-extension"]["workdays"] == 3
    assert status["callback"]["satisfaction"] == "satisfied"
    assert "satisfaction" not in status["reply"]
    assert [a for t, a in store.sent(view.id)] == ["inquiry.status_changed"] * 7 + ["reply.publish"] + [
        "inquiry.status_changed"
    ]
