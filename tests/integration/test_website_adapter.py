from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request

from adapters.base.http import HttpClient, make_session
from adapters.base.port import OutboundMessage
from adapters.base.simulator import Fault, ServerThread
from adapters.base.webhooks import SignatureError, new_secret, verify
from adapters.website import WebsiteClient, WebsiteInbound, create_simulator
from adapters.website.sim_state import WebsiteState
from gateway.domain.errors import UpstreamError, UpstreamTimeout
from gateway.domain.inbound import InboundEvent
from schemas.inquiry import InquiryIn
from tests.factories import sample


@dataclass
class Website:
    url: str
    state: WebsiteState
    http: HttpClient
    client: WebsiteClient


@pytest.fixture
def website() -> Iterator[Website]:
    app = create_simulator()
    server = ServerThread(app).start()
    session = make_session()
    http = HttpClient("website", server.url, session, timeout=(1, 2))
    try:
        yield Website(server.url, app.extensions["simulator"], http, WebsiteClient(http))
    finally:
        session.close()
        server.stop()


def outbound(
    event_type: str, payload: dict[str, Any], key: str = "inquiry-42-event-7-website"
) -> OutboundMessage:
    return OutboundMessage(
        id=1, target="website", event_type=event_type, payload=payload, idempotency_key=key, attempt=1
    )


def reply(msg_id: str | None, **overrides: Any) -> OutboundMessage:
    payload: dict[str, Any] = {
        "inquiry_id": 42,
        "number": "SQ2025031200000042",
        "origin": "website" if msg_id else "hotline",
        "external_id": msg_id,
        "kind": "complaint",
        "title": "小区旁工地夜间施工噪音扰民",
        "public_reply": "经核实，我局已责令该工地停止夜间施工，并将加强夜间巡查。",
        "department_name": "区城市管理局",
        "replied_at": "2025-03-15T16:20:00+08:00",
    }
    payload.update(overrides)
    return outbound("reply.publish", payload)


def status_change(
    msg_id: str | None, status: str = "acknowledged", origin: str = "website"
) -> OutboundMessage:
    return outbound(
        "inquiry.status_changed",
        {
            "inquiry_id": 42,
            "number": "SQ2025031200000042",
            "external_id": msg_id,
            "origin": origin,
            "action": "acknowledge",
            "status": status,
            "department": "CGJ",
            "department_name": "区城市管理局",
            "due_at": "2025-03-26T23:59:59+08:00",
            "at": "2025-03-12T10:05:00+08:00",
            "note": "已签收",
        },
        key=f"inquiry-42-{status}-website",
    )


def post_reply(website: Website, body: dict[str, Any], key: str | None = None) -> requests.Response:
    """POST a reply straight to the website's API, past the client and its redaction."""
    headers = None if key is None else {"Idempotency-Key": key}
    return website.http.request(
        "POST", "/interact/api/replies", operation="publish_reply", json=body, headers=headers
    )


def public_page(url: str) -> dict[str, Any]:
    with requests.get(f"{url}/interact/api/public/replies", timeout=2) as response:
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body


def test_a_reply_sent_twice_with_one_key_is_published_once(website: Website) -> None:
    message = website.state.submit_message()

    website.client.send(reply(message["msgId"]))
    website.client.send(reply(message["msgId"]))

    page = public_page(website.url)
    assert page["success"] is True
    assert page["data"]["total"] == 1
    shown = page["data"]["list"][0]
    assert shown["msgId"] == message["msgId"]
    assert shown["replyContent"] == "经核实，我局已责令该工地停止夜间施工，并将加强夜间巡查。"
    assert shown["replyDept"] == "区城市管理局"
    assert shown["replyTime"] == "2025-03-15 16:20:00"
    assert shown["subject"] == "小区旁工地夜间施工噪音扰民"
    text = json.dumps(page, ensure_ascii=False)
    assert "陈晓燕" not in text and "13805912345" not in text and "350104198805061234" not in text
    assert [r.duplicate for r in website.state.received] == [False, True]


def test_a_repeat_gets_the_first_answer(website: Website) -> None:
    message = website.state.submit_message()
    body = {"msgId": message["msgId"], "replyContent": "已答复。", "replyTime": "2025-03-15 16:20:00"}

    first = post_reply(website, body, "k-1")
    second = post_reply(website, {**body, "replyContent": "另一段答复。"}, "k-1")

    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert [r["replyContent"] for r in website.state.published()] == ["已答复。"]


def test_a_leaked_phone_number_is_refused_and_the_client_redaction_prevents_it(website: Website) -> None:
    message = website.state.submit_message()
    leaked = "已电话联系留言人（13805912345）核实情况，问题已解决。"

    with pytest.raises(UpstreamError) as caught:
        post_reply(
            website,
            {
                "msgId": message["msgId"],
                "replyContent": leaked,
                "replyTime": "2025-03-15 16:20:00",
                "publish": "Y",
            },
            "raw-leak",
        )

    assert caught.value.status == 422
    assert caught.value.retryable is False
    assert json.loads(caught.value.body or "") == {
        "success": False,
        "errorCode": "PRIVACY_DETECTED",
        "errorMsg": "replyContent含有手机号码或身份证号码等个人信息，不予发布",
    }
    assert website.state.published() == []

    website.client.send(reply(message["msgId"], public_reply=leaked))

    assert [r["replyContent"] for r in website.state.published()] == [
        "已电话联系留言人（138****2345）核实情况，问题已解决。"
    ]


def test_an_id_number_in_the_subject_is_refused(website: Website) -> None:
    with pytest.raises(UpstreamError) as caught:
        post_reply(
            website,
            {
                "refNo": "SQ2025031100000007",
                "boxType": "ZXZX",
                "subject": "350104198805061234的咨询",
                "replyContent": "已答复。",
                "replyTime": "2025-03-12 10:00:00",
            },
            "raw-id",
        )

    assert (caught.value.status, caught.value.retryable) == (422, False)
    assert json.loads(caught.value.body or "")["errorCode"] == "PRIVACY_DETECTED"


def test_a_reply_to_a_hotline_inquiry_is_published_by_gateway_number(website: Website) -> None:
    website.client.send(
        reply(
            None,
            kind="consult",
            title="申请法律援助需要哪些材料",
            public_reply="可携带身份证明、经济困难证明到区法律援助中心申请。",
            department_name="区司法局",
        )
    )

    assert website.state.published() == [
        {
            "replyId": website.state.replies[0]["replyId"],
            "msgId": None,
            "refNo": "SQ2025031200000042",
            "boxType": "ZXZX",
            "boxName": "在线咨询",
            "subject": "申请法律援助需要哪些材料",
            "replyContent": "可携带身份证明、经济困难证明到区法律援助中心申请。",
            "replyDept": "区司法局",
            "replyTime": "2025-03-15 16:20:00",
        }
    ]


def test_a_reply_the_writer_did_not_allow_to_be_public_is_refused(website: Website) -> None:
    message = website.state.submit_message(isPublic="N")

    with pytest.raises(UpstreamError) as caught:
        website.client.send(reply(message["msgId"]))

    assert (caught.value.status, caught.value.retryable) == (422, False)
    assert json.loads(caught.value.body or "")["errorCode"] == "NOT_PUBLIC"
    assert website.state.published() == []


def test_a_status_change_reaches_the_website_message(website: Website) -> None:
    message = website.state.submit_message(boxType="ZXZX", subject="社保卡补办需要什么材料")

    website.client.send(status_change(message["msgId"], "acknowledged"))
    website.client.send(status_change(message["msgId"], "closed"))
    website.client.send(status_change(message["msgId"], "closed"))

    assert website.state.messages[message["msgId"]]["status"] == 4
    assert website.state.status_history[message["msgId"]] == [
        sample("website.status_body"),
        sample("website.status_body", statusCode=4, statusName="已办结"),
    ]


def test_a_status_change_of_an_inquiry_from_elsewhere_sends_nothing(website: Website) -> None:
    website.client.send(status_change("GD-0001", origin="hotline"))
    website.client.send(reply(None, public_reply=None))

    assert website.state.received == []


def test_a_status_change_for_an_unknown_message_is_not_retryable(website: Website) -> None:
    with pytest.raises(UpstreamError) as caught:
        website.client.send(status_change("LY20990101999999"))

    assert (caught.value.status, caught.value.retryable) == (404, False)
    assert json.loads(caught.value.body or "")["errorCode"] == "MSG_NOT_FOUND"


def test_an_unknown_event_type_is_refused_without_a_call(website: Website) -> None:
    with pytest.raises(UpstreamError) as caught:
        website.client.send(outbound("workorder.create", {"number": "SQ2025031200000042"}))

    assert caught.value.retryable is False
    assert website.state.received == []


def test_a_payload_that_cannot_be_mapped_is_not_retryable(website: Website) -> None:
    with pytest.raises(UpstreamError) as caught:
        website.client.send(status_change("LY20250312000001", status="lost"))

    assert caught.value.retryable is False
    assert website.state.received == []


def test_a_busy_website_is_worth_retrying(website: Website) -> None:
    message = website.state.submit_message()
    website.state.inject(Fault(status=503, retry_after="2"))

    with pytest.raises(UpstreamError) as caught:
        website.client.send(reply(message["msgId"]))

    assert (caught.value.status, caught.value.retryable, caught.value.retry_after) == (503, True, 2.0)
    assert json.loads(caught.value.body or "") == {
        "success": False,
        "errorCode": "SYSTEM_BUSY",
        "errorMsg": "系统繁忙，请稍后再试",
    }
    assert website.state.published() == []

    website.client.send(reply(message["msgId"]))

    assert len(website.state.published()) == 1


def test_a_slow_answer_times_out_and_the_retry_does_not_publish_twice(website: Website) -> None:
    message = website.state.submit_message()
    website.state.inject(Fault(delay=2.5))

    with pytest.raises(UpstreamTimeout) as caught:
        website.client.send(reply(message["msgId"]))
    assert caught.value.retryable is True

    website.client.send(reply(message["msgId"]))

    deadline = time.monotonic() + 5
    while len(website.state.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(r.duplicate for r in website.state.received) == [False, True]
    assert len(website.state.published()) == 1


def test_a_call_without_an_idempotency_key_is_refused(website: Website) -> None:
    with pytest.raises(UpstreamError) as caught:
        post_reply(website, {"refNo": "SQ1", "replyContent": "已答复。"})

    assert caught.value.status == 400
    assert json.loads(caught.value.body or "")["errorCode"] == "IDEMPOTENCY_KEY_MISSING"


@dataclass
class Receiver:
    url: str
    events: list[InboundEvent]


def receiving_gateway(secrets: list[str]) -> tuple[Flask, list[InboundEvent]]:
    app = Flask("receiving_gateway")
    inbound = WebsiteInbound()
    events: list[InboundEvent] = []

    @app.post("/webhooks/website")
    def webhook() -> Any:
        raw = request.get_data()
        try:
            # Werkzeug's Headers is case-insensitive but no Mapping; verify looks names up in lower case.
            headers = {name.lower(): value for name, value in request.headers.items()}
            verify(secrets, headers, raw, time.time())
        except SignatureError as err:
            ack = inbound.rejected(401, str(err))
        else:
            parsed = inbound.parse(raw)
            events.extend(parsed)
            ack = inbound.accepted([f"SQ20250312{len(events):08d}"], duplicate=False)
        return jsonify(ack.body), ack.status

    return app, events


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, list[str]]]:
    secrets = [new_secret()]
    app, events = receiving_gateway(secrets)
    server = ServerThread(app).start()
    try:
        yield Receiver(f"{server.url}/webhooks/website", events), secrets
    finally:
        server.stop()


def test_a_submitted_message_is_pushed_as_a_signed_webhook(receiver: tuple[Receiver, list[str]]) -> None:
    target, secrets = receiver
    app = create_simulator(target.url, secrets)
    state: WebsiteState = app.extensions["simulator"]

    message = state.submit_message(
        boxType="LDXX",
        letterType="投诉",
        subject="建议整治城门镇农贸市场周边占道经营",
        area="城门镇",
        isPublic="N",
    )

    assert state.pushes == [
        {
            "msgId": message["msgId"],
            "status": 200,
            "body": {"success": True, "data": {"refNos": ["SQ2025031200000001"], "duplicate": False}},
        }
    ]
    assert len(target.events) == 1
    data = target.events[0].data
    assert data["external_id"] == message["msgId"]
    assert (data["kind"], data["category"], data["district"]) == ("complaint", "领导信箱", "城门镇")
    assert data["public_consent"] is False
    assert data["citizen"] == {"name": "陈晓燕", "phone": "13805912345", "id_number": "350104198805061234"}
    assert InquiryIn().load(data)["channel"] == "website"


def test_a_webhook_signed_with_another_secret_is_refused(receiver: tuple[Receiver, list[str]]) -> None:
    target, _ = receiver
    website = ServerThread(create_simulator(target.url, [new_secret()])).start()
    try:
        with requests.post(f"{website.url}/_sim/messages", json={"boxType": "ZXZX"}, timeout=5) as response:
            answer = response.json()
    finally:
        website.stop()

    push = answer["data"]["push"]
    assert push["status"] == 401
    assert push["body"] == {
        "success": False,
        "errorCode": "SIGNATURE_INVALID",
        "errorMsg": "no valid signature",
    }
    assert target.events == []
