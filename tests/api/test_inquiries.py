from __future__ import annotations

import json

from sqlalchemy import func, select

from gateway.persistence.models import AuditEntry, Inquiry, InquiryEvent, OutboxMessage
from tests.conftest import inquiry_payload

URL = "/api/v1/inquiries"


def create(client, headers, **overrides):
    response = client.post(URL, json=inquiry_payload(**overrides), headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_intake_routes_by_keyword_and_sets_a_working_day_deadline(client, auth):
    response = client.post(URL, json=inquiry_payload(), headers=auth["operator"])
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "dispatched"
    assert body["department"] == "SFJ"
    assert body["routing_rule"] == "法律服务"
    # Monday 10:00 + 3 working days (consult) = Thursday 24:00 Beijing time
    assert body["dispatched_at"] == "2026-11-23T10:00:00+08:00"
    assert body["due_at"] == "2026-11-26T23:59:59+08:00"
    assert body["calendar_estimated"] is False
    assert body["deadline_state"] == "normal"
    assert body["number"].startswith("SQ20261123")


def test_intake_without_a_matching_rule_waits_in_the_manual_queue(client, auth, services):
    body = create(client, auth["operator"], title="路灯", content="路口的灯坏了")
    assert body["status"] == "received"
    assert body["department"] is None and body["due_at"] is None and body["routing_rule"] is None
    assert body["allowed_actions"] == ["dispatch", "reply"]
    listed = client.get(URL, query_string={"status": "received"}, headers=auth["operator"]).get_json()
    assert [i["id"] for i in listed] == [body["id"]]


def test_repeat_of_channel_and_external_id_returns_the_existing_inquiry(client, auth, services):
    hotline, website = auth["system:hotline"], auth["system:website"]
    first = client.post(URL, json=inquiry_payload(external_id="GD-0001"), headers=hotline)
    second = client.post(
        URL, json=inquiry_payload(external_id="GD-0001", content="内容变了也一样"), headers=hotline
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["content"] == first.get_json()["content"]
    other_channel = client.post(
        URL, json=inquiry_payload(channel="website", external_id="GD-0001"), headers=website
    )
    assert other_channel.status_code == 201
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 2
        assert session.scalar(select(func.count()).where(InquiryEvent.action == "intake")) == 2


def test_inquiries_without_external_id_are_never_merged(client, auth):
    a = create(client, auth["operator"], external_id=None)
    b = create(client, auth["operator"], external_id=None)
    assert a["id"] != b["id"]


def test_citizen_data_is_masked_in_every_response(client, auth):
    created = client.post(URL, json=inquiry_payload(), headers=auth["operator"])
    text = created.get_data(as_text=True)
    for role in ("operator", "supervisor", "admin"):
        for response in (
            created,
            client.get(f"{URL}/{created.get_json()['id']}", headers=auth[role]),
            client.get(URL, headers=auth[role]),
        ):
            text = response.get_data(as_text=True)
            assert "13905911234" not in text and "林建华" not in text and "350104198805061234" not in text
    assert created.get_json()["citizen"] == {
        "name": "林**",
        "phone": "139****1234",
        "id_number": "350104********1234",
        "masked": True,
    }


def test_reveal_gives_full_values_and_writes_the_audit_log(client, auth, services):
    inquiry = create(client, auth["operator"])
    response = client.post(
        f"{URL}/{inquiry['id']}/reveal", json={"reason": "回访需要联系来电人"}, headers=auth["operator"]
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "name": "林建华",
        "phone": "13905911234",
        "id_number": "350104198805061234",
        "masked": False,
    }
    with services.db.read() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.actor, e.action, e.subject_id, e.reason) for e in entries] == [
        ("话务员甲", "reveal_pii", str(inquiry["id"]), "回访需要联系来电人")
    ]


def test_reveal_needs_the_pii_permission_and_a_reason(client, auth, services):
    inquiry = create(client, auth["operator"])
    denied = client.post(f"{URL}/{inquiry['id']}/reveal", json={"reason": "看看"}, headers=auth["department"])
    assert denied.status_code == 403
    no_reason = client.post(f"{URL}/{inquiry['id']}/reveal", json={}, headers=auth["operator"])
    assert no_reason.status_code == 422
    assert "reason" in no_reason.get_json()["errors"]["json"]
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_personal_data_never_reaches_the_log(client, auth, caplog):
    caplog.set_level("DEBUG")
    inquiry = create(client, auth["operator"])
    client.post(f"{URL}/{inquiry['id']}/reveal", json={"reason": "回访"}, headers=auth["operator"])
    client.post(
        URL,
        json=inquiry_payload(citizen={"name": "林建华", "phone": "13905911234x"}),
        headers=auth["operator"],
    )
    assert "13905911234" not in caplog.text and "林建华" not in caplog.text


def test_keys_are_required_and_roles_are_enforced(client, auth, services):
    assert client.get(URL).status_code == 401
    assert client.get(URL).headers["WWW-Authenticate"] == "Bearer"
    assert client.get(URL, headers={"Authorization": "Bearer gw_not-a-key"}).status_code == 401
    assert client.get(URL, headers={"Authorization": "Basic abc"}).status_code == 401
    forbidden = client.post(URL, json=inquiry_payload(), headers=auth["department"])
    assert forbidden.status_code == 403
    assert "inquiry:create" in forbidden.get_json()["message"]
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_revoked_keys_stop_working(client, services):
    info, key = services.keys.create("临时", "operator")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(URL, headers=headers).status_code == 200
    services.keys.revoke(info.id)
    assert client.get(URL, headers=headers).status_code == 401


def test_keys_are_stored_hashed(services):
    _, key = services.keys.create("甲", "operator")
    from gateway.persistence.models import ApiKey

    with services.db.read() as session:
        row = session.scalars(select(ApiKey)).one()
    assert key not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
    assert key.startswith(row.prefix)


def test_a_system_key_may_only_submit_its_own_channel(client, auth):
    assert (
        client.post(URL, json=inquiry_payload(channel="website"), headers=auth["system:hotline"]).status_code
        == 403
    )
    assert (
        client.post(URL, json=inquiry_payload(channel="hotline"), headers=auth["system:hotline"]).status_code
        == 201
    )


def test_a_department_sees_only_its_own_inquiries(client, auth):
    sfj = create(client, auth["operator"])
    noise = create(client, auth["operator"], kind="complaint", title="噪音", content="夜间施工噪音扰民")
    assert noise["department"] == "HBJ" and noise["co_departments"] == ["CGJ"]
    seen = client.get(URL, headers=auth["department"]).get_json()
    assert [i["id"] for i in seen] == [sfj["id"]]
    assert client.get(f"{URL}/{noise['id']}", headers=auth["department"]).status_code == 404
    assert client.get(URL, query_string={"department": "HBJ"}, headers=auth["department"]).get_json() == []
    hbj_seen = client.get(URL, headers=auth["department_hbj"]).get_json()
    assert [i["id"] for i in hbj_seen] == [noise["id"]]


def test_department_filter_matches_lead_and_co_departments(client, auth):
    noise = create(client, auth["operator"], kind="complaint", title="噪音", content="夜间施工噪音扰民")
    create(client, auth["operator"])
    for code in ("HBJ", "CGJ"):
        listed = client.get(URL, query_string={"department": code}, headers=auth["supervisor"]).get_json()
        assert [i["id"] for i in listed] == [noise["id"]]


def test_list_filters_and_pagination(client, auth, clock):
    ids = []
    for n in range(5):
        ids.append(create(client, auth["operator"], kind="help" if n % 2 else "consult")["id"])
        clock.advance(hours=1)
    response = client.get(URL, query_string={"page": 2, "page_size": 2}, headers=auth["operator"])
    assert [i["id"] for i in response.get_json()] == [ids[2], ids[1]]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3
    helps = client.get(URL, query_string={"kind": "help"}, headers=auth["operator"]).get_json()
    assert sorted(i["id"] for i in helps) == [ids[1], ids[3]]
    window = client.get(
        URL,
        query_string={"created_from": "2026-11-23T11:00:00+08:00", "created_to": "2026-11-23T13:00:00+08:00"},
        headers=auth["operator"],
    ).get_json()
    assert sorted(i["id"] for i in window) == [ids[1], ids[2]]
    assert client.get(URL, query_string={"channel": "website"}, headers=auth["operator"]).get_json() == []


def test_text_filter_is_literal(client, auth):
    create(client, auth["operator"], content="满1%退款的活动_不兑现")
    create(client, auth["operator"], content="普通内容")
    for q, expected in (
        ("1%", 1),
        ("_不兑现", 1),
        ("%", 1),
        ("'; DROP TABLE inquiries; --", 0),
        ("内容", 1),
        ("法律援助", 2),
    ):
        found = client.get(URL, query_string={"q": q}, headers=auth["operator"]).get_json()
        assert len(found) == expected, q


def test_overdue_and_due_soon_filters_follow_the_clock(client, auth, clock):
    inquiry = create(client, auth["operator"])  # due Thursday 2026-11-26 24:00

    def ids(**query):
        return [i["id"] for i in client.get(URL, query_string=query, headers=auth["operator"]).get_json()]

    assert ids(overdue="true") == [] and ids(due_soon="true") == []
    clock.advance(days=2)  # Wednesday 10:00: due by the end of the next working day
    assert ids(due_soon="true") == [inquiry["id"]]
    assert (
        client.get(f"{URL}/{inquiry['id']}", headers=auth["operator"]).get_json()["deadline_state"]
        == "due_soon"
    )
    clock.advance(days=2)  # Friday
    assert ids(overdue="true") == [inquiry["id"]] and ids(due_soon="true") == []
    assert ids(overdue="false") == []
    assert (
        client.get(f"{URL}/{inquiry['id']}", headers=auth["operator"]).get_json()["deadline_state"]
        == "overdue"
    )


def test_intake_writes_an_outbox_row_for_the_origin_channel(client, auth, services):
    inquiry = create(client, auth["system:hotline"], external_id="GD-0001")
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert [(r.target, r.event_type, r.ordering_key) for r in rows] == [
        ("hotline", "inquiry.status_changed", f"inquiry:{inquiry['id']}:hotline"),
        ("dept_hotline", "transfer.create", f"inquiry:{inquiry['id']}:dept_hotline"),
    ]
    assert rows[0].payload["status"] == "dispatched" and rows[0].payload["external_id"] == "GD-0001"
    assert "13905911234" not in json.dumps(rows[0].payload, ensure_ascii=False)


def test_an_inquiry_logged_by_hand_writes_no_status_message_for_its_channel(client, auth, services):
    # No system holds a record of it (no external_id) to update; `help` is not transferred to 12348.
    create(client, auth["operator"], kind="help")
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_website_message_becomes_a_hotline_work_order(client, auth, services):
    inquiry = create(client, auth["system:website"], channel="website", external_id="MSG-1", kind="help")
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.target, r.event_type) for r in rows] == [
        ("hotline", "workorder.create"),
        ("website", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),
    ]
    order = rows[0].payload
    assert (order["number"], order["origin"], order["external_id"]) == (inquiry["number"], "website", "MSG-1")
    assert order["citizen"]["phone"] == "13905911234"  # the 12345 platform must be able to call back
    assert rows[2].payload["external_id"] is None  # the hotline knows it by number, not by the website's id
