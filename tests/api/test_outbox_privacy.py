"""GET /api/v1/outbox masks personal data in payloads; POST /api/v1/outbox/{id}/reveal shows one in full,
for a reason, audited."""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from gateway.persistence.models import AuditEntry, OutboxMessage
from tests.api.test_application_reveal import APPLICANT
from tests.api.test_application_reveal import accept as accept_application
from tests.conftest import audit_rows, inquiry_payload

URL = "/api/v1/outbox"
NAME, PHONE, ID_NUMBER = "林建华", "13905911234", "350104198805061234"
SECRETS = (NAME, PHONE, ID_NUMBER, "13805912345", APPLICANT["name"], "0591-88776655")


def website_message(client, auth):
    body = inquiry_payload(
        channel="website",
        external_id="W-0001",
        kind="complaint",
        title=f"{NAME}反映噪声",
        content=f"我是{NAME}，电话13805912345，家里座机0591-88776655，工地夜间施工。",
        address="临江街道滨江小区3栋",
    )
    response = client.post("/api/v1/inquiries", json=body, headers=auth["system:website"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def listed(client, headers, **query):
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def text_of(body):
    return json.dumps(body, ensure_ascii=False)


def test_listing_masks_the_citizen_and_redacts_free_text_in_a_work_order(client, auth, services):
    website_message(client, auth)
    body = listed(client, auth["supervisor"], target="hotline")
    orders = [m for m in body if m["event_type"] == "workorder.create"]
    assert len(orders) == 1
    text = text_of(body)
    for secret in (NAME, PHONE, ID_NUMBER, "13805912345"):
        assert secret not in text, secret
    payload = orders[0]["payload"]
    assert payload["citizen"] == {"name": "林**", "phone": "139****1234", "id_number": "350104********1234"}
    assert payload["content"].startswith("我是林**，电话138****2345")
    assert payload["title"] == "林**反映噪声"
    assert payload["address"] == "临江街道滨江小区3栋" and payload["kind"] == "complaint"
    assert orders[0]["masked"] is True


def test_every_message_type_holding_a_person_is_masked(client, auth, services):
    # A legal consult on the hotline goes to 区司法局 and, by transfer, to 12348 (citizen name and phone);
    # an accepted application goes to the department's back office (the applicant in full).
    client.post("/api/v1/inquiries", json=inquiry_payload(), headers=auth["system:hotline"])
    accept_application(client, auth, services)
    body = listed(client, auth["admin"], page_size=100)
    types = {m["event_type"] for m in body}
    assert {"transfer.create", "application.task_submitted"} <= types, types
    text = text_of(body)
    for secret in (NAME, PHONE, ID_NUMBER, APPLICANT["name"], APPLICANT["phone"], APPLICANT["id_number"]):
        assert secret not in text, secret
    submitted = next(m for m in body if m["event_type"] == "application.task_submitted")
    assert submitted["payload"]["applicant"] == {
        "name": "陈**",
        "phone": "138****2345",
        "id_number": "350104********1234",
    }
    transfer = next(m for m in body if m["event_type"] == "transfer.create")
    assert transfer["payload"]["citizen"] == {"name": "林**", "phone": "139****1234"}


def test_a_status_message_note_is_redacted_with_the_inquirys_own_citizen(client, auth, services):
    # A website message held by 12345 as a work order: 12345 hears the reply with its handling note.
    created = website_message(client, auth)
    assert created["department"] == "HBJ"
    client.post(f"/api/v1/inquiries/{created['id']}/acknowledge", json={}, headers=auth["department_hbj"])
    replied = client.post(
        f"/api/v1/inquiries/{created['id']}/reply",
        json={"note": f"已电话联系{NAME}（{PHONE}），告知处理结果。"},
        headers=auth["department_hbj"],
    )
    assert replied.status_code == 200, replied.get_json()
    body = listed(client, auth["supervisor"], target="hotline", page_size=100)
    notes = [m["payload"]["note"] for m in body if m["payload"].get("action") == "reply"]
    assert notes == ["已电话联系林**（139****1234），告知处理结果。"]


def test_the_citizens_own_number_is_redacted_however_it_is_written(client, auth, services):
    body = inquiry_payload(
        channel="website",
        external_id="W-0002",
        kind="complaint",
        title="噪声扰民",
        content="家里电话8345 6789，晚上工地噪声。",
        citizen={"name": "郑美玲", "phone": "0591-83456789"},
    )
    assert client.post("/api/v1/inquiries", json=body, headers=auth["system:website"]).status_code == 201
    order = next(m for m in listed(client, auth["supervisor"]) if m["event_type"] == "workorder.create")
    assert "8345" not in order["payload"]["content"], order["payload"]["content"]
    assert order["payload"]["citizen"] == {"name": "郑**", "phone": "*********6789", "id_number": None}


def test_dead_letter_errors_and_resend_answers_are_redacted(client, auth, services):
    website_message(client, auth)
    with services.db.unit_of_work() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "workorder.create")
        ).one()
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="dead", attempts=8, last_error=f'HTTP 400; response: {{"msg":"{PHONE} 号码无效"}}')
        )
        message_id = row.id
    body = listed(client, auth["supervisor"], status="dead")
    assert body[0]["last_error"] == 'HTTP 400; response: {"msg":"139****1234 号码无效"}'
    resent = client.post(f"{URL}/{message_id}/resend", json={"reason": "对方已修复"}, headers=auth["admin"])
    assert resent.status_code == 200
    assert not any(s in text_of(resent.get_json()) for s in SECRETS)


def test_reveal_returns_the_full_payload_and_writes_one_audit_row(client, auth, services):
    website_message(client, auth)
    message = next(m for m in listed(client, auth["supervisor"]) if m["event_type"] == "workorder.create")
    response = client.post(
        f"{URL}/{message['id']}/reveal", json={"reason": "核对工单内容"}, headers=auth["supervisor"]
    )
    assert response.status_code == 200, response.get_json()
    revealed = response.get_json()
    assert revealed["masked"] is False
    assert revealed["payload"]["citizen"] == {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}
    assert "13805912345" in revealed["payload"]["content"]
    assert audit_rows(services) == [("督办员", "reveal_pii", "outbox", str(message["id"]), "核对工单内容")]
    again = next(m for m in listed(client, auth["supervisor"]) if m["id"] == message["id"])
    assert again["masked"] is True and NAME not in text_of(again)


def test_reveal_needs_a_reason_both_permissions_and_a_message(client, auth, services):
    website_message(client, auth)
    message_id = listed(client, auth["supervisor"])[0]["id"]
    path = f"{URL}/{message_id}/reveal"
    no_reason = client.post(path, json={}, headers=auth["supervisor"])
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    department = client.post(path, json={"reason": "想看看"}, headers=auth["department"])
    assert department.status_code == 403 and "pii:read" in department.get_json()["message"]
    operator = client.post(path, json={"reason": "想看看"}, headers=auth["operator"])  # pii, not outbox
    assert operator.status_code == 403 and "outbox:read" in operator.get_json()["message"]
    system = client.post(path, json={"reason": "想看看"}, headers=auth["system:hotline"])
    assert system.status_code == 403
    missing = client.post(f"{URL}/999999/reveal", json={"reason": "核对"}, headers=auth["supervisor"])
    assert missing.status_code == 404
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
