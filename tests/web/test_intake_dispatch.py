"""Point 11: on the intake form, what the operator chose (register only, the suggestion, another
department) is exactly what happens: one transaction, one dispatch at most, no message for a
dispatch that did not happen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.persistence.models import Inquiry, InquiryEvent, InquiryTransfer, OutboxMessage
from tests.web.conftest import flashes, post

# 法律援助 matches the rule 法律服务 -> 区司法局 (SFJ); a consult dispatched to SFJ is transferred to 12348.
LEGAL = {
    "citizen_phone": "13905911234",
    "citizen_name": "林建华",
    "kind": "consult",
    "title": "法律援助",
    "content": "来电人咨询申请法律援助需要哪些材料。",
    "district": "临江街道",
}
# 违建 matches the rule 违章建筑 -> 区城市管理局 (CGJ) with 区住建局 (ZJJ) helping.
BUILDING = {**LEGAL, "kind": "complaint", "title": "违建", "content": "小区楼顶私搭乱建违建。"}
OPERATOR = "话务员张丽[op01]"


def stored(services: Any) -> tuple[Inquiry, list[InquiryEvent], list[OutboxMessage], list[InquiryTransfer]]:
    with services.db.read() as session:
        inquiry = session.scalars(select(Inquiry)).one()
        session.expunge(inquiry)
        events = list(session.scalars(select(InquiryEvent).order_by(InquiryEvent.id)))
        outbox = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        transfers = list(session.scalars(select(InquiryTransfer)))
        return inquiry, events, outbox, transfers


def dispatches(events: list[InquiryEvent]) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (e.actor, e.actor_role, e.data.get("department"), e.data.get("rule"))
        for e in events
        if e.action == "dispatch"
    ]


def test_register_only_leaves_a_matching_inquiry_undispatched(as_role, services):
    client = as_role("op01")
    response = post(client, "/console/inquiries/new", {**LEGAL, "mode": "save", "department": "SFJ"})
    assert response.status_code == 302
    assert flashes(client.get(response.headers["Location"]).text)[-1].endswith("（待派单）")
    inquiry, events, outbox, transfers = stored(services)
    assert (inquiry.status, inquiry.department_code, inquiry.routing_rule, inquiry.due_at) == (
        "received",
        None,
        None,
        None,
    )
    assert [e.action for e in events] == ["intake"]
    assert [(m.target, m.event_type) for m in outbox] == []  # nothing told to 12348 (or anyone)
    assert transfers == []


def test_accepting_the_suggestion_dispatches_once_credited_to_the_operator(as_role, services):
    client = as_role("op01")
    post(client, "/console/inquiries/new", {**LEGAL, "mode": "dispatch", "department": "SFJ"})
    inquiry, events, outbox, transfers = stored(services)
    assert (inquiry.status, inquiry.department_code, inquiry.routing_rule) == (
        "dispatched",
        "SFJ",
        "法律服务",
    )
    assert dispatches(events) == [(OPERATOR, "operator", "SFJ", "法律服务")]
    assert [(m.target, m.event_type, m.payload["line"]) for m in outbox] == [
        ("dept_hotline", "transfer.create", "12348")
    ]
    assert [t.line for t in transfers] == ["12348"]


def test_an_override_dispatches_once_to_the_chosen_department_only(as_role, services):
    client = as_role("op01")
    form = {**LEGAL, "mode": "dispatch", "department": "RSJ"}
    post(client, "/console/inquiries/new", form)
    inquiry, events, outbox, transfers = stored(services)
    assert (inquiry.status, inquiry.department_code, inquiry.routing_rule) == ("dispatched", "RSJ", None)
    assert dispatches(events) == [(OPERATOR, "operator", "RSJ", None)]
    assert all(e.actor != "派单规则" for e in events)
    # The rejected suggestion (SFJ, and through it 12348) never reaches the outbox.
    assert [(m.target, m.event_type) for m in outbox] == []
    assert transfers == []


def test_the_suggested_co_departments_come_with_the_form(as_role, services):
    client = as_role("op01")
    post(
        client,
        "/console/inquiries/new",
        {**BUILDING, "mode": "dispatch", "department": "CGJ", "co_departments": ["ZJJ", "CGJ"]},
    )
    inquiry, events, _, _ = stored(services)
    view = services.inquiries.get(inquiry.id, Actor("t", "admin"))
    assert (view.department, view.co_departments, view.routing_rule) == ("CGJ", ["ZJJ"], "违章建筑")
    assert dispatches(events) == [(OPERATOR, "operator", "CGJ", "违章建筑")]


def test_the_form_offers_register_only_and_the_co_departments(as_role):
    page = as_role("op01").get("/console/inquiries/new").text
    assert 'name="co_departments"' in page and 'value="save"' in page and "仅登记" in page


def test_a_window_clerk_without_dispatch_rights_leaves_it_to_the_rules_or_registers_only(as_role, services):
    client = as_role("win01")
    page = client.get("/console/window/inquiry").text
    assert 'id="dispatch-department"' not in page and 'value="auto"' in page and 'value="save"' in page
    post(client, "/console/window/inquiry", {**LEGAL, "mode": "auto"})
    _, events, _, _ = stored(services)
    assert dispatches(events) == [("派单规则", "system:routing", "SFJ", "法律服务")]


def test_a_window_clerk_cannot_pick_a_department(as_role, services):
    client = as_role("win01")
    response = post(client, "/console/window/inquiry", {**LEGAL, "mode": "dispatch", "department": "RSJ"})
    assert response.status_code == 422 and 'value="林建华"' in response.text  # the form is kept
    with services.db.read() as session:
        assert session.scalars(select(Inquiry)).all() == []
