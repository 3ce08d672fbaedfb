from __future__ import annotations

from sqlalchemy import select, update

from gateway.persistence.models import AuditEntry, OutboxMessage
from tests.conftest import inquiry_payload


def dead_message(client, auth, services):
    client.post(
        "/api/v1/inquiries",
        json=inquiry_payload(external_id="GD-0001", kind="help", title="欠薪", content="公司拖欠工资"),
        headers=auth["system:hotline"],
    )
    with services.db.unit_of_work() as session:
        row = session.scalars(select(OutboxMessage)).first()
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="dead", attempts=8, last_error='HTTP 400; response: {"code":"E1003"}')
        )
        return row.id


def test_dead_letters_are_listed_with_attempts_and_last_error(client, auth, services):
    message_id = dead_message(client, auth, services)
    listed = client.get(
        "/api/v1/outbox", query_string={"status": "dead"}, headers=auth["supervisor"]
    ).get_json()
    assert [(m["id"], m["attempts"], m["last_error"]) for m in listed] == [
        (message_id, 8, 'HTTP 400; response: {"code":"E1003"}')
    ]


def test_resend_requeues_with_fresh_attempts_and_is_audited(client, auth, services):
    message_id = dead_message(client, auth, services)
    response = client.post(
        f"/api/v1/outbox/{message_id}/resend", json={"reason": "对方已修复"}, headers=auth["supervisor"]
    )
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["attempts"]) == ("pending", 0)
    again = client.post(
        f"/api/v1/outbox/{message_id}/resend", json={"reason": "再来"}, headers=auth["supervisor"]
    )
    assert again.status_code == 409 and again.get_json()["errors"]["current_status"] == "pending"
    with services.db.read() as session:
        audit = session.scalars(select(AuditEntry)).all()
    assert [(a.action, a.subject_id, a.reason, a.actor) for a in audit] == [
        ("outbox_resend", str(message_id), "对方已修复", "督办员")
    ]


def test_discard_needs_the_permission_and_a_reason(client, auth, services):
    message_id = dead_message(client, auth, services)
    assert (
        client.post(
            f"/api/v1/outbox/{message_id}/discard", json={"reason": "x"}, headers=auth["operator"]
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/outbox/{message_id}/discard", json={}, headers=auth["admin"]).status_code == 422
    )
    done = client.post(
        f"/api/v1/outbox/{message_id}/discard", json={"reason": "重复消息"}, headers=auth["admin"]
    )
    assert done.status_code == 200 and done.get_json()["status"] == "discarded"
    assert (
        client.post("/api/v1/outbox/999999/discard", json={"reason": "x"}, headers=auth["admin"]).status_code
        == 404
    )


def test_keys_cli(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["keys", "create", "--role", "department", "--department", "SFJ", "--name", "司法局"]
    )
    assert created.exit_code == 0 and ": gw_" in created.output
    refused = runner.invoke(args=["keys", "create", "--role", "department", "--name", "无部门"])
    assert refused.exit_code != 0 and "department" in refused.output
    listed = runner.invoke(args=["keys", "list"])
    assert (
        "司法局" in listed.output
        and "gw_" in listed.output
        and created.output.split(": ")[1].strip() not in listed.output
    )
