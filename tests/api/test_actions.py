from __future__ import annotations

import contextlib
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from gateway.app import create_app
from gateway.domain import lifecycle
from gateway.domain.access import Actor
from gateway.domain.errors import DomainError
from gateway.domain.lifecycle import Action
from gateway.persistence.models import InquiryEvent, OutboxMessage
from tests.conftest import inquiry_payload, settings_for

URL = "/api/v1/inquiries"


def new(client, auth, role="operator", **overrides):
    response = client.post(URL, json=inquiry_payload(**overrides), headers=auth[role])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def do(client, headers, inquiry_id, action, expect=200, **body):
    response = client.post(f"{URL}/{inquiry_id}/{action}", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def events(client, auth, inquiry_id):
    response = client.get(f"{URL}/{inquiry_id}/events", headers=auth["supervisor"])
    assert response.status_code == 200
    return response.get_json()


def test_manual_dispatch_with_lead_and_co_departments(client, auth):
    inquiry = new(client, auth, title="路灯", content="路口的灯坏了")
    body = do(
        client, auth["operator"], inquiry["id"], "dispatch", department="CGJ", co_departments=["ZJJ", "CGJ"]
    )
    assert body["status"] == "dispatched"
    assert body["department"] == "CGJ" and body["co_departments"] == ["ZJJ"]
    assert body["due_at"] == "2026-11-26T23:59:59+08:00"
    last = events(client, auth, inquiry["id"])[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["actor"]) == (
        "dispatch",
        "received",
        "dispatched",
        "话务员甲",
    )
    assert last["data"]["co_departments"] == ["ZJJ"]


def test_dispatch_to_an_unknown_department_names_the_field(client, auth):
    inquiry = new(client, auth, title="路灯", content="路口的灯坏了")
    body = do(client, auth["operator"], inquiry["id"], "dispatch", expect=422, department="NOPE")
    assert body["errors"]["json"] == {"department": ["unknown department code: NOPE"]}
    body = do(
        client,
        auth["operator"],
        inquiry["id"],
        "dispatch",
        expect=422,
        department="SFJ",
        co_departments=["XX"],
    )
    assert "co_departments" in body["errors"]["json"]
    assert len(events(client, auth, inquiry["id"])) == 1


def test_an_action_not_allowed_gets_409_naming_the_state_and_allowed_actions(client, auth):
    inquiry = new(client, auth)
    body = do(client, auth["operator"], inquiry["id"], "close", expect=409)
    assert body["errors"]["current_status"] == "dispatched"
    assert body["errors"]["allowed_actions"] == ["acknowledge", "return", "dispatch", "escalate"]
    assert "dispatched" in body["message"] and "acknowledge" in body["message"]
    assert len(events(client, auth, inquiry["id"])) == 2


def test_full_lifecycle_with_extension_callback_and_reopen(client, auth, services):
    inquiry = new(client, auth, "system:hotline", external_id="GD-0001")  # 12345 hears of every step
    dept, op, sup = auth["department"], auth["operator"], auth["supervisor"]
    assert do(client, dept, inquiry["id"], "acknowledge", note="已签收")["status"] == "acknowledged"
    extension = do(client, dept, inquiry["id"], "request-extension", workdays=5, reason="需调取材料")
    assert extension["status"] == "extension_requested"
    approved = do(client, sup, inquiry["id"], "approve-extension", note="同意")
    # Thursday 2026-11-26 + 5 working days = Thursday 2026-12-03
    assert approved["status"] == "acknowledged" and approved["due_at"] == "2026-12-03T23:59:59+08:00"
    do(client, dept, inquiry["id"], "request-extension", workdays=2, reason="再延")
    refused = do(client, op, inquiry["id"], "refuse-extension", reason="不符合延期条件")
    assert refused["due_at"] == "2026-12-03T23:59:59+08:00"
    replied = do(
        client,
        dept,
        inquiry["id"],
        "reply",
        note="已电话联系当事人",
        public_reply="您可到区法律援助中心申请。",
    )
    assert replied["status"] == "replied" and replied["public_reply"] == "您可到区法律援助中心申请。"
    assert replied["deadline_state"] is None
    called = do(
        client, op, inquiry["id"], "callback", satisfaction="dissatisfied", solved=False, note="不满意"
    )
    assert (
        called["status"] == "called_back"
        and called["satisfaction"] == "dissatisfied"
        and called["solved"] is False
    )
    reopened = do(client, op, inquiry["id"], "reopen", reason="回访不满意,重办")
    assert reopened["status"] == "reopened" and reopened["department"] == "SFJ"
    assert reopened["public_reply"] is None and reopened["satisfaction"] is None
    do(client, dept, inquiry["id"], "acknowledge")
    do(client, dept, inquiry["id"], "reply", note="重新办理")
    do(client, op, inquiry["id"], "callback", satisfaction="very_satisfied", solved=True)
    closed = do(client, op, inquiry["id"], "close", note="办结")
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert closed["allowed_actions"] == []  # reopen needs a dissatisfied callback
    history = events(client, auth, inquiry["id"])
    assert [e["action"] for e in history] == [
        "intake",
        "dispatch",
        "acknowledge",
        "request-extension",
        "approve-extension",
        "request-extension",
        "refuse-extension",
        "reply",
        "callback",
        "reopen",
        "acknowledge",
        "reply",
        "callback",
        "close",
    ]
    assert lifecycle.replay((e["from_status"], e["action"], e["to_status"]) for e in history) == "closed"
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    to_hotline = [r for r in rows if r.target == "hotline"]
    # every change but intake itself is announced to the origin, in order, each under its own key
    assert [r.payload["action"] for r in to_hotline] == [e["action"] for e in history[1:]]
    assert len({r.idempotency_key for r in rows}) == len(rows)
    # a legal consult dispatched to 区司法局 is also transferred to the retained 12348 line (双向转接),
    # and the consented public reply is published on the website (the second reply has no public text)
    assert [(r.target, r.event_type, r.payload.get("line")) for r in rows if r.target != "hotline"] == [
        ("dept_hotline", "transfer.create", "12348"),
        ("website", "reply.publish", None),
    ]


def test_return_within_the_window_goes_back_to_routing(client, auth):
    inquiry = new(client, auth)
    body = do(client, auth["department"], inquiry["id"], "return", reason="不属于我局职责")
    assert body["status"] == "returned"
    assert body["department"] is None and body["due_at"] is None
    assert body["allowed_actions"] == []  # allowed actions are the caller's: a department cannot dispatch
    as_operator = client.get(f"{URL}/{inquiry['id']}", headers=auth["operator"]).get_json()
    assert as_operator["allowed_actions"] == ["dispatch"]
    assert events(client, auth, inquiry["id"])[-1]["note"] == "不属于我局职责"
    again = do(client, auth["operator"], inquiry["id"], "dispatch", department="XZFW")
    assert again["status"] == "dispatched" and again["department"] == "XZFW"


def test_return_after_the_window_is_refused(client, auth, clock):
    inquiry = new(client, auth)  # dispatched Monday; 2 working days -> until Wednesday 24:00
    clock.advance(days=2, hours=13)  # Wednesday 23:00
    do(client, auth["department"], inquiry["id"], "acknowledge")
    clock.advance(hours=2)  # Thursday 01:00
    body = do(client, auth["department"], inquiry["id"], "return", expect=409, reason="晚了")
    assert "return window of 2 working days" in body["errors"]["reason"]
    assert "return" not in body["errors"]["allowed_actions"]
    assert body["errors"]["allowed_actions"] == ["request-extension", "reply", "escalate"]


def test_extension_above_the_maximum_names_the_field(client, auth):
    inquiry = new(client, auth)
    do(client, auth["department"], inquiry["id"], "acknowledge")
    body = do(
        client, auth["department"], inquiry["id"], "request-extension", expect=422, workdays=11, reason="久"
    )
    assert body["errors"]["json"] == {"workdays": ["an extension may add at most 10 working days"]}
    assert (
        client.get(f"{URL}/{inquiry['id']}", headers=auth["operator"]).get_json()["status"] == "acknowledged"
    )


def test_reopen_needs_a_dissatisfied_callback(client, auth):
    inquiry = new(client, auth)
    do(client, auth["department"], inquiry["id"], "acknowledge")
    do(client, auth["department"], inquiry["id"], "reply", note="已答复")
    do(client, auth["operator"], inquiry["id"], "callback", satisfaction="satisfied", solved=True)
    body = do(client, auth["operator"], inquiry["id"], "reopen", expect=409, reason="想重办")
    assert body["errors"]["reason"] == "reopen (重办) needs a dissatisfied callback"
    assert body["errors"]["allowed_actions"] == ["close"]


def test_reopen_after_close_restarts_the_deadline(client, auth, clock):
    inquiry = new(client, auth)
    do(client, auth["department"], inquiry["id"], "acknowledge")
    do(client, auth["department"], inquiry["id"], "reply", note="已答复")
    do(client, auth["operator"], inquiry["id"], "callback", satisfaction="very_dissatisfied", solved=False)
    do(client, auth["operator"], inquiry["id"], "close")
    clock.advance(days=7)  # Monday 2026-11-30
    body = do(client, auth["supervisor"], inquiry["id"], "reopen", reason="市民再次来电")
    assert body["status"] == "reopened" and body["due_at"] == "2026-12-03T23:59:59+08:00"


def test_operator_answers_a_consult_at_once(client, auth, services):
    inquiry = new(client, auth, title="停车", content="周末停车收费吗")
    body = do(client, auth["operator"], inquiry["id"], "reply", note="即时答复", public_reply="周末免费。")
    assert body["status"] == "replied" and body["department"] is None
    assert do(client, auth["operator"], inquiry["id"], "close")["status"] == "closed"


def test_escalate_counts_and_is_for_supervisors(client, auth):
    inquiry = new(client, auth)
    assert do(client, auth["operator"], inquiry["id"], "escalate", expect=403, reason="督办")["code"] == 403
    body = do(client, auth["supervisor"], inquiry["id"], "escalate", reason="超期督办")
    assert body["status"] == "dispatched" and body["escalation_count"] == 1
    last = events(client, auth, inquiry["id"])[-1]
    assert (last["from_status"], last["to_status"], last["note"]) == ("dispatched", "dispatched", "超期督办")


def test_another_department_may_not_act(client, auth):
    inquiry = new(
        client, auth, kind="complaint", title="噪音", content="夜间施工噪音扰民"
    )  # HBJ lead, CGJ co
    assert do(client, auth["department"], inquiry["id"], "acknowledge", expect=404)["code"] == 404
    assert do(client, auth["department_hbj"], inquiry["id"], "acknowledge")["status"] == "acknowledged"


def test_reply_is_published_only_with_consent(client, auth, services):
    consenting = new(client, auth, "system:hotline", external_id="C1", public_consent=True)
    private = new(client, auth, "system:hotline", external_id="C2", public_consent=False)
    for inquiry in (consenting, private):
        do(client, auth["department"], inquiry["id"], "acknowledge")
        do(client, auth["department"], inquiry["id"], "reply", note="内部办理情况", public_reply="公开答复")
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    replies = {r.ordering_key: r.payload for r in rows if r.payload.get("action") == "reply"}
    assert replies[f"inquiry:{consenting['id']}:hotline"]["public_reply"] == "公开答复"
    assert "public_reply" not in replies[f"inquiry:{private['id']}:hotline"]
    published = [r for r in rows if r.event_type == "reply.publish"]
    assert [(r.target, r.payload["number"], r.payload["public_reply"]) for r in published] == [
        ("website", consenting["number"], "公开答复")
    ]
    assert "内部办理情况" not in str(published[0].payload) and "林建华" not in str(published[0].payload)


@pytest.mark.parametrize("to_writer", [True, False])
def test_without_consent_a_website_message_is_answered_to_its_writer_alone(db_url, clock, to_writer):
    config = settings_for(db_url)
    routes = dataclasses.replace(config.interconnect, reply_to_writer=to_writer)
    app = create_app(dataclasses.replace(config, interconnect=routes), clock=clock, TESTING=True)
    services = app.extensions["gateway"]
    try:
        website = Actor("网站互动系统", "system:website")
        body = inquiry_payload(channel="website", external_id="LY20261123000001", public_consent=False)
        view, _ = services.inquiries.intake(body, website)
        admin = Actor("管理员", "admin")
        services.inquiries.act(view.id, Action.ACKNOWLEDGE, {}, admin)
        services.inquiries.act(view.id, Action.REPLY, {"note": "内部", "public_reply": "林建华您好"}, admin)
        with services.db.read() as session:
            to_website = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.target == "website", OutboxMessage.event_type.like("reply.%")
                )
            ).all()
        if to_writer:
            assert [(r.event_type, r.payload["external_id"]) for r in to_website] == [
                ("reply.to_writer", "LY20261123000001")
            ]
            assert "林建华" not in str(to_website[0].payload)  # redacted before it is queued
        else:
            assert to_website == []
    finally:
        services.close()


def test_unknown_action_is_404(client, auth):
    inquiry = new(client, auth)
    assert client.post(f"{URL}/{inquiry['id']}/teleport", json={}, headers=auth["admin"]).status_code == 404
    assert client.post(f"{URL}/999999/acknowledge", json={}, headers=auth["admin"]).status_code == 404


BODIES = {
    Action.DISPATCH: {"department": "SFJ"},
    Action.ACKNOWLEDGE: {},
    Action.RETURN: {"reason": "退"},
    Action.REQUEST_EXTENSION: {"workdays": 3, "reason": "延"},
    Action.APPROVE_EXTENSION: {},
    Action.REFUSE_EXTENSION: {"reason": "否"},
    Action.REPLY: {"note": "答", "public_reply": "公开"},
    Action.CALLBACK: {"satisfaction": "dissatisfied", "solved": False},
    Action.CLOSE: {},
    Action.REOPEN: {"reason": "重办"},
    Action.ESCALATE: {"reason": "督办"},
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list(Action)), max_size=25))
def test_random_actions_through_the_service_replay_to_the_stored_state(services, actions):
    admin = Actor(name="管理员", role="admin")
    view, _ = services.inquiries.intake(inquiry_payload(external_id=None), admin)
    for action in actions:
        with contextlib.suppress(DomainError):
            view = services.inquiries.act(view.id, action, BODIES[action], admin)
    with services.db.read() as session:
        stored = session.scalars(
            select(InquiryEvent).where(InquiryEvent.inquiry_id == view.id).order_by(InquiryEvent.id)
        ).all()
    replayed = lifecycle.replay((e.from_status, e.action, e.to_status) for e in stored)
    assert replayed == services.inquiries.get(view.id, admin).status


def test_an_instant_reply_at_intake_skips_routing(client, auth, services):
    body = inquiry_payload(
        external_id=None,
        instant_reply={"note": "已当场告知所需材料", "public_reply": "请携带身份证到区法律援助中心申请。"},
    )
    created = client.post(URL, json=body, headers=auth["operator"]).get_json()
    assert (created["status"], created["department"], created["routing_rule"]) == ("replied", None, None)
    assert created["public_reply"] == "请携带身份证到区法律援助中心申请。"
    assert do(client, auth["operator"], created["id"], "close")["status"] == "closed"
    assert [e["action"] for e in events(client, auth, created["id"])] == ["intake", "reply", "close"]
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    # logged straight into the gateway: no 12345 record to update, but the consented reply is published
    assert [(r.target, r.event_type) for r in rows] == [("website", "reply.publish")]
    refused = client.post(
        URL, json={**body, "external_id": "W-1", "channel": "window"}, headers=auth["window"]
    )
    assert refused.status_code == 403
