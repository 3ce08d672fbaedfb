from __future__ import annotations

from sqlalchemy import select

from adapters.base.port import OutboundMessage
from gateway.delivery.worker import DeliveryWorker
from gateway.persistence.models import OutboxMessage
from tests.conftest import audit_rows as audit_entries
from tests.conftest import inquiry_payload

URL = "/api/v1/publications"


class Recorder:
    """An outbound adapter that keeps what it is given (the website simulator runs in tests/e2e)."""

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> None:
        self.sent.append(message)


def deliver(services) -> dict[str, Recorder]:
    systems = {name: Recorder() for name in ("hotline", "website", "window", "department", "dept_hotline")}
    worker = DeliveryWorker(services.db, systems, services.settings.delivery, services.clock)
    try:
        worker.drain()
    finally:
        worker.close()
    return systems


def replied(client, auth, public_reply, **overrides):
    response = client.post("/api/v1/inquiries", json=inquiry_payload(**overrides), headers=auth["operator"])
    assert response.status_code == 201, response.get_json()
    inquiry = response.get_json()
    for action, body in (("acknowledge", {}), ("reply", {"note": "已办理", "public_reply": public_reply})):
        done = client.post(
            f"/api/v1/inquiries/{inquiry['id']}/{action}", json=body, headers=auth["department"]
        )
        assert done.status_code == 200, done.get_json()
    return inquiry


def publications(services):
    with services.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type.like("reply.%")).order_by(OutboxMessage.id)
        ).all()
        return [(r.id, r.status, r.payload) for r in rows]


def audit_rows(services):
    return audit_entries(services, ("action", "subject_type", "subject_id", "reason", "actor"))


def test_a_phone_in_a_reply_is_masked_in_the_publication_and_it_is_not_held(client, auth, services):
    replied(client, auth, "已回电139-5555-7777，并告知林建华（１３９ ０５９１ １２３４）办理结果。")
    [(_id, status, payload)] = publications(services)
    assert status == "pending" and "review" not in payload
    assert payload["public_reply"] == "已回电139-****-7777，并告知林**（１３９ **** １２３４）办理结果。"
    assert deliver(services)["website"].sent[0].payload["public_reply"] == payload["public_reply"]


def test_a_reply_with_a_run_it_cannot_classify_is_held_and_never_sent(client, auth, services):
    inquiry = replied(client, auth, "已受理，回执号123456789，请林建华保存。")
    [(message_id, status, payload)] = publications(services)
    assert status == "held"
    assert payload["public_reply"] == "已受理，回执号123456789，请林**保存。"
    assert deliver(services)["website"].sent == []

    listed = client.get(URL, query_string={"status": "held"}, headers=auth["supervisor"])
    assert listed.status_code == 200 and listed.headers["X-Pagination"]
    assert listed.get_json() == [
        {
            "id": message_id,
            "inquiry_id": inquiry["id"],
            "number": inquiry["number"],
            "event_type": "reply.publish",
            "status": "held",
            "title": "申请法律援助需要什么材料",
            "text": "已受理，回执号123456789，请林**保存。",
            "department_name": "区司法局",
            "doubts": [{"field": "public_reply", "start": 7, "end": 16, "digits": 9}],
            "review": {},
            "allowed_actions": ["approve", "reject"],
            "created_at": listed.get_json()[0]["created_at"],
            "sent_at": None,
        }
    ]
    assert client.get(URL, headers=auth["admin"]).get_json()[0]["id"] == message_id  # held by default
    assert client.get(URL, query_string={"status": "sent"}, headers=auth["admin"]).get_json() == []


def test_only_supervisors_and_admins_see_and_decide_held_publications(client, auth, services):
    replied(client, auth, "回执号123456789")
    [(message_id, _, _)] = publications(services)
    for role in ("operator", "window", "department", "system:website", "system:hotline"):
        assert client.get(URL, headers=auth[role]).status_code == 403, role
        response = client.post(f"{URL}/{message_id}/approve", json={}, headers=auth[role])
        assert response.status_code == 403, role
        response = client.post(f"{URL}/{message_id}/reject", json={"reason": "x"}, headers=auth[role])
        assert response.status_code == 403, role
    assert client.get(URL).status_code == 401
    assert publications(services)[0][1] == "held" and audit_rows(services) == []


def test_approving_sends_it_once_and_is_audited(client, auth, services):
    replied(client, auth, "回执号123456789")
    [(message_id, _, _)] = publications(services)
    response = client.post(f"{URL}/{message_id}/approve", json={}, headers=auth["supervisor"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["text"], body["allowed_actions"]) == ("pending", "回执号123456789", [])
    assert (body["review"]["decision"], body["review"]["by"], body["review"]["edited"]) == (
        "approve",
        "督办员 (supervisor)",
        [],
    )
    assert audit_rows(services) == [("publication_approve", "outbox", str(message_id), "核准发布", "督办员")]
    sent = deliver(services)["website"].sent
    assert [(m.id, m.payload["public_reply"]) for m in sent] == [(message_id, "回执号123456789")]
    assert deliver(services)["website"].sent == []  # once

    again = client.post(f"{URL}/{message_id}/approve", json={}, headers=auth["supervisor"])
    assert again.status_code == 409
    assert again.get_json()["errors"] == {
        "current_status": "sent",
        "action": "approve",
        "allowed_actions": [],
        "reason": "only a held (待审核) publication can be approved or rejected",
    }


def test_an_edited_text_is_redacted_again_before_it_is_sent(client, auth, services):
    replied(client, auth, "回执号123456789")
    [(message_id, _, _)] = publications(services)
    response = client.post(
        f"{URL}/{message_id}/approve",
        json={
            "text": "已受理，林建华可拨13905911234或0591-83456789查询。",
            "title": "咨询 350104198805061234",
        },
        headers=auth["admin"],
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["text"] == "已受理，林**可拨139****1234或0591-****6789查询。"
    assert body["title"] == "咨询 350104********1234"
    assert (body["doubts"], body["review"]["edited"]) == ([], ["public_reply", "title"])
    [(_, status, payload)] = publications(services)
    assert status == "pending" and payload["public_reply"] == body["text"]
    assert audit_rows(services) == [
        ("publication_approve", "outbox", str(message_id), "核准发布（已修改答复内容、标题）", "管理员")
    ]


def test_rejecting_discards_it_with_a_reason_and_is_audited(client, auth, services):
    replied(client, auth, "回执号123456789")
    [(message_id, _, _)] = publications(services)
    missing = client.post(f"{URL}/{message_id}/reject", json={}, headers=auth["supervisor"])
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]["json"]
    blank = client.post(f"{URL}/{message_id}/reject", json={"reason": "  "}, headers=auth["supervisor"])
    assert blank.status_code == 422 and blank.get_json()["errors"]["json"] == {
        "reason": ["must not be blank"]
    }
    response = client.post(
        f"{URL}/{message_id}/reject", json={"reason": "含第三人信息"}, headers=auth["supervisor"]
    )
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["review"]["reason"]) == (
        "discarded",
        "含第三人信息",
    )
    assert deliver(services)["website"].sent == []
    assert audit_rows(services) == [
        ("publication_reject", "outbox", str(message_id), "含第三人信息", "督办员")
    ]
    late = client.post(f"{URL}/{message_id}/approve", json={}, headers=auth["supervisor"])
    assert late.status_code == 409 and late.get_json()["errors"]["current_status"] == "discarded"


def test_unknown_and_other_messages_are_not_publications(client, auth, services):
    replied(client, auth, "回执号123456789")
    with services.db.read() as session:
        status_message = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.event_type == "inquiry.status_changed")
        ).first()
    for message_id in (status_message, 999999):
        response = client.post(f"{URL}/{message_id}/approve", json={}, headers=auth["supervisor"])
        assert response.status_code == 404 and response.get_json()["code"] == 404
    bad = client.get(URL, query_string={"status": "lost"}, headers=auth["supervisor"])
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]["query"]
    blank = client.post(
        f"{URL}/{publications(services)[0][0]}/approve", json={"text": ""}, headers=auth["admin"]
    )
    assert blank.status_code == 422 and "text" in blank.get_json()["errors"]["json"]


def test_a_held_reply_does_not_hold_back_the_inquirys_later_messages(client, auth, services):
    created = client.post(
        "/api/v1/inquiries",
        json=inquiry_payload(channel="website", external_id="LY-1", kind="consult"),
        headers=auth["system:website"],
    )
    assert created.status_code == 201, created.get_json()
    inquiry = created.get_json()
    for action, body in (
        ("acknowledge", {}),
        ("reply", {"note": "已办理", "public_reply": "回执号123456789"}),
    ):
        done = client.post(
            f"/api/v1/inquiries/{inquiry['id']}/{action}", json=body, headers=auth["department"]
        )
        assert done.status_code == 200, done.get_json()
    called = client.post(
        f"/api/v1/inquiries/{inquiry['id']}/callback",
        json={"satisfaction": "satisfied", "solved": True},
        headers=auth["operator"],
    )
    assert called.status_code == 200, called.get_json()
    website = deliver(services)["website"].sent
    # the reply's own status change and the callback after it reach the website; the held text does not
    assert [(m.event_type, m.payload.get("action")) for m in website] == [
        ("inquiry.status_changed", "dispatch"),
        ("inquiry.status_changed", "acknowledge"),
        ("inquiry.status_changed", "reply"),
        ("inquiry.status_changed", "callback"),
    ]
    assert [s for _, s, _ in publications(services)] == ["held"]


def test_a_later_reply_replaces_a_held_one(client, auth, services):
    inquiry = replied(client, auth, "回执号123456789")
    for role, action, body in (
        ("operator", "callback", {"satisfaction": "dissatisfied", "solved": False}),
        ("operator", "reopen", {"reason": "回访不满意"}),
        ("department", "acknowledge", {}),
        ("department", "reply", {"note": "重办", "public_reply": "已重新办理。"}),
    ):
        done = client.post(f"/api/v1/inquiries/{inquiry['id']}/{action}", json=body, headers=auth[role])
        assert done.status_code == 200, done.get_json()
    (held_id, held, _), (_, later, _) = publications(services)
    assert (held, later) == ("held", "pending")
    response = client.post(f"{URL}/{held_id}/approve", json={}, headers=auth["supervisor"])
    assert response.status_code == 409
    assert response.get_json()["errors"]["allowed_actions"] == ["reject"]
    assert (
        client.post(
            f"{URL}/{held_id}/reject", json={"reason": "已有新答复"}, headers=auth["supervisor"]
        ).status_code
        == 200
    )


def test_the_status_message_carries_the_reply_as_published_not_as_written(client, auth, services):
    body = inquiry_payload(channel="website", external_id="LY-90001")
    created = client.post("/api/v1/inquiries", json=body, headers=auth["system:website"])
    assert created.status_code == 201, created.get_json()
    inquiry_id = created.get_json()["id"]
    reply = {"note": "已电话联系林建华13905911234", "public_reply": "已回电139-5555-7777，请林建华留意。"}
    for action, data in (("dispatch", {"department": "SFJ"}), ("acknowledge", {}), ("reply", reply)):
        who = auth["operator"] if action == "dispatch" else auth["department"]
        done = client.post(f"/api/v1/inquiries/{inquiry_id}/{action}", json=data, headers=who)
        assert done.status_code == 200, done.get_json()
    with services.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event_type == "inquiry.status_changed")
            .order_by(OutboxMessage.id)
        ).all()
        replies = {r.target: r.payload for r in rows if r.payload["action"] == "reply"}
    assert set(replies) == {"website", "hotline"}
    for payload in replies.values():
        assert payload["public_reply"] == "已回电139-****-7777，请林**留意。"
    # 12345 keeps the handling note on its work order (it holds the citizen's data anyway).
    assert replies["hotline"]["note"] == reply["note"]


def test_held_messages_are_listed_in_the_outbox_by_their_status(client, auth, services):
    replied(client, auth, "已受理，回执号123456789。")
    listed = client.get("/api/v1/outbox", query_string={"status": "held"}, headers=auth["supervisor"])
    assert listed.status_code == 200, listed.get_json()
    assert [(m["event_type"], m["status"]) for m in listed.get_json()] == [("reply.publish", "held")]


def test_a_held_reply_reaches_no_system_in_the_status_messages_either(client, auth, services):
    created = client.post(
        "/api/v1/inquiries",
        json=inquiry_payload(channel="website", external_id="LY-90002"),
        headers=auth["system:website"],
    )
    inquiry_id = created.get_json()["id"]
    reply = {"note": "已答复", "public_reply": "已受理，回执号12313955557777。"}
    for action, data in (("dispatch", {"department": "SFJ"}), ("acknowledge", {}), ("reply", reply)):
        who = auth["operator"] if action == "dispatch" else auth["department"]
        assert (
            client.post(f"/api/v1/inquiries/{inquiry_id}/{action}", json=data, headers=who).status_code == 200
        )
    [(_id, status, _payload)] = publications(services)
    assert status == "held"
    sent = deliver(services)
    statuses = [m.payload for r in sent.values() for m in r.sent if m.event_type == "inquiry.status_changed"]
    replies = [p for p in statuses if p["action"] == "reply"]
    assert {p["origin"] for p in replies} == {"website"} and len(replies) == 2  # to the website and 12345
    assert all("public_reply" not in p for p in replies)
    assert "12313955557777" not in str(statuses)
