"""Point 11 through the API: POST /api/v1/inquiries takes the dispatch decision (`dispatch`) as input."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from gateway.persistence.models import Inquiry, OutboxMessage
from tests.conftest import inquiry_payload

URL = "/api/v1/inquiries"
# inquiry_payload: a hotline consult about 法律援助 (rule 法律服务 -> SFJ, transferred to 12348). Staff
# give no external_id (only a channel's own system does).


def create(client: Any, headers: dict[str, str], expect: int = 201, **overrides: Any) -> dict[str, Any]:
    response = client.post(URL, json=inquiry_payload(**{"external_id": None, **overrides}), headers=headers)
    assert response.status_code == expect, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def history(client: Any, auth: Any, inquiry_id: int) -> list[tuple[str, str, str | None, str | None]]:
    events = client.get(f"{URL}/{inquiry_id}/events", headers=auth["supervisor"]).get_json()
    return [(e["action"], e["actor"], e["data"].get("department"), e["data"].get("rule")) for e in events]


def outbox(services: Any) -> list[tuple[str, str, str | None]]:
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.target, m.event_type, m.payload.get("department")) for m in rows]


def test_without_a_choice_the_rules_decide_as_before(client, auth, services):
    body = create(client, auth["operator"])
    assert (body["status"], body["department"], body["routing_rule"]) == ("dispatched", "SFJ", "法律服务")
    assert history(client, auth, body["id"])[1] == ("dispatch", "派单规则", "SFJ", "法律服务")
    assert ("dept_hotline", "transfer.create", None) in outbox(services)


def test_register_only(client, auth, services):
    body = create(client, auth["operator"], dispatch={"mode": "none"})
    assert (body["status"], body["department"], body["routing_rule"], body["due_at"]) == (
        "received",
        None,
        None,
        None,
    )
    assert history(client, auth, body["id"]) == [("intake", "话务员甲", None, None)]
    assert outbox(services) == []


def test_an_explicit_department_instead_of_the_rule(client, auth, services):
    body = create(
        client,
        auth["operator"],
        dispatch={
            "mode": "manual",
            "department": "RSJ",
            "co_departments": ["ZJJ", "RSJ"],
            "note": "涉及欠薪",
        },
    )
    assert (body["status"], body["department"], body["co_departments"], body["routing_rule"]) == (
        "dispatched",
        "RSJ",
        ["ZJJ"],
        None,
    )
    assert history(client, auth, body["id"]) == [
        ("intake", "话务员甲", None, None),
        ("dispatch", "话务员甲", "RSJ", None),
    ]
    events = client.get(f"{URL}/{body['id']}/events", headers=auth["supervisor"]).get_json()
    assert events[1]["note"] == "涉及欠薪" and events[1]["actor_role"] == "operator"
    assert outbox(services) == []  # nothing for SFJ's line 12348


def test_the_suggested_department_chosen_explicitly_notes_the_rule(client, auth, services):
    body = create(client, auth["operator"], dispatch={"mode": "manual", "department": "SFJ"})
    assert (body["department"], body["routing_rule"]) == ("SFJ", "法律服务")
    assert history(client, auth, body["id"])[1:] == [("dispatch", "话务员甲", "SFJ", "法律服务")]
    assert [m[:2] for m in outbox(services)] == [("dept_hotline", "transfer.create")]


@pytest.mark.parametrize(
    ("dispatch", "field"),
    [
        ({"mode": "manual"}, "department"),
        ({"mode": "none", "department": "SFJ"}, "department"),
        ({"mode": "auto", "co_departments": ["ZJJ"]}, "co_departments"),
        ({"mode": "later"}, "mode"),
        ({}, "mode"),
        ({"mode": "manual", "department": "SFJ", "co_departments": "ZJJ"}, "co_departments"),
    ],
)
def test_a_bad_choice_is_422_naming_the_field(client, auth, services, dispatch, field):
    body = create(client, auth["operator"], expect=422, dispatch=dispatch)
    assert field in body["errors"]["json"]["dispatch"], body
    with services.db.read() as session:
        assert session.scalars(select(Inquiry)).all() == []


def test_an_unknown_department_is_422_naming_dispatch_department(client, auth, services):
    body = create(client, auth["operator"], expect=422, dispatch={"mode": "manual", "department": "NOPE"})
    assert "NOPE" in body["errors"]["json"]["dispatch.department"][0]
    co = create(
        client,
        auth["operator"],
        expect=422,
        dispatch={"mode": "manual", "department": "SFJ", "co_departments": ["X1"]},
    )
    assert "X1" in co["errors"]["json"]["dispatch.co_departments"][0]
    with services.db.read() as session:
        assert session.scalars(select(Inquiry)).all() == []


def test_an_instant_reply_is_not_dispatched(client, auth, services):
    reply = {"note": "已当场答复", "public_reply": "请到区司法局窗口申请。"}
    body = create(
        client,
        auth["operator"],
        expect=409,
        instant_reply=reply,
        dispatch={"mode": "manual", "department": "SFJ"},
    )
    assert (body["errors"]["current_status"], body["errors"]["action"]) == ("replied", "dispatch")
    assert "dispatch" not in body["errors"]["allowed_actions"] and "instant_reply" in body["message"]
    with services.db.read() as session:
        assert session.scalars(select(Inquiry)).all() == []
    answered = create(client, auth["operator"], instant_reply=reply, dispatch={"mode": "none"})
    assert (answered["status"], answered["department"]) == ("replied", None)


def test_choosing_a_department_needs_the_dispatch_permission(client, auth, services):
    body = create(
        client, auth["window"], expect=403, channel="window", dispatch={"mode": "manual", "department": "SFJ"}
    )
    assert "inquiry:dispatch" in body["message"]
    # Register only and the rules stay open to every role that may take in inquiries.
    kept = create(client, auth["system:hotline"], external_id="GD-0002", dispatch={"mode": "none"})
    assert kept["status"] == "received"
    assert create(client, auth["window"], channel="window", external_id=None)["status"] == "dispatched"


def test_the_spec_documents_the_choice(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    dispatch = schemas["InquiryIn"]["properties"]["dispatch"]
    ref = dispatch.get("$ref") or dispatch["allOf"][0]["$ref"]
    target = schemas[ref.rsplit("/", 1)[1]]
    assert target["properties"]["mode"]["enum"] == ["auto", "none", "manual"]
    assert "SFJ" in target["properties"]["department"]["enum"]
    # The cross-field rules are in the spec too, so a valid-by-spec body is never refused with 422.
    assert [b.get("required") for b in dispatch["oneOf"]] == [None, ["department"]]
