"""What each lifecycle action does to an inquiry (domain/lifecycle_effects.EFFECTS), on the in-memory fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.domain.access import Actor
from gateway.domain.calendar import SHANGHAI
from gateway.domain.errors import InvalidInput
from gateway.domain.lifecycle import TRANSITIONS, Action
from gateway.domain.lifecycle_effects import EFFECTS
from tests.conftest import inquiry_payload
from tests.fakes import fake_inquiry_service

ADMIN = Actor("管理员", "admin")
UNROUTED = {"title": "其他事项", "content": "来电人反映的事项没有派单规则。"}  # stays 待派单
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 Beijing time, the fake clock's start
CONSULT_DUE = datetime(2026, 11, 26, 23, 59, 59, tzinfo=SHANGHAI)  # 3 working days (consult)


def received(**body: Any):
    service, db, clock = fake_inquiry_service()
    view, _ = service.intake(inquiry_payload(**{**UNROUTED, **body}), ADMIN)
    assert view.status == "received" and view.department is None
    return service, db.inquiries, clock, view.id


def acknowledged(**body: Any):
    service, store, clock, inquiry_id = received(**body)
    service.act(inquiry_id, Action.DISPATCH, {"department": "SFJ", "co_departments": ["ZJJ"]}, ADMIN)
    service.act(inquiry_id, Action.ACKNOWLEDGE, {}, ADMIN)
    return service, store, clock, inquiry_id


def last_event(store, inquiry_id: int) -> dict[str, Any]:
    return [e for e in store.recorded_events if e["inquiry_id"] == inquiry_id][-1]


def test_every_action_of_the_transition_table_has_an_effect():
    assert set(EFFECTS) == set(Action) == {action for _, action in TRANSITIONS}


def test_dispatch_sets_the_departments_and_the_deadline():
    service, store, _, inquiry_id = received()
    view = service.act(
        inquiry_id, Action.DISPATCH, {"department": "SFJ", "co_departments": ["ZJJ", "SFJ", "ZJJ"]}, ADMIN
    )
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.department_code, inquiry.dispatched_at) == ("dispatched", "SFJ", START)
    assert [c.department_code for c in inquiry.co_departments] == ["ZJJ"]  # the lead and repeats dropped
    assert inquiry.due_at == CONSULT_DUE and inquiry.calendar_estimated is False
    assert view.due_at == CONSULT_DUE and view.co_departments == ["ZJJ"]
    event = last_event(store, inquiry_id)
    assert (event["action"], event["from_status"], event["to_status"]) == (
        "dispatch",
        "received",
        "dispatched",
    )
    assert event["data"] == {
        "department": "SFJ",
        "co_departments": ["ZJJ"],
        "due_at": "2026-11-26T23:59:59+08:00",
    }


def test_a_complaint_gets_the_longer_deadline():
    service, store, _, inquiry_id = received(kind="complaint")
    service.act(inquiry_id, Action.DISPATCH, {"department": "SFJ"}, ADMIN)
    assert store.inquiries[inquiry_id].due_at == datetime(2026, 12, 10, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("department", {"department": "XXX"}),
        ("co_departments", {"department": "SFJ", "co_departments": ["XXX"]}),
    ],
)
def test_dispatch_to_an_unknown_department_changes_nothing(field, body):
    service, store, _, inquiry_id = received()
    with pytest.raises(InvalidInput) as refused:
        service.act(inquiry_id, Action.DISPATCH, body, ADMIN)
    assert refused.value.field == field
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.department_code, inquiry.due_at) == ("received", None, None)
    assert store.actions(inquiry_id) == ["intake"]


def test_redispatch_replaces_the_co_departments():
    service, store, _, inquiry_id = received()
    service.act(inquiry_id, Action.DISPATCH, {"department": "SFJ", "co_departments": ["ZJJ"]}, ADMIN)
    service.act(inquiry_id, Action.DISPATCH, {"department": "CGJ", "co_departments": ["ZJJ", "HBJ"]}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert inquiry.department_code == "CGJ"
    assert [c.department_code for c in inquiry.co_departments] == ["ZJJ", "HBJ"]


def test_return_clears_the_departments_and_the_deadline():
    service, store, _, inquiry_id = acknowledged()
    service.act(inquiry_id, Action.RETURN, {"reason": "不属于本单位职责"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert inquiry.status == "returned"
    assert (inquiry.department_code, inquiry.co_departments, inquiry.due_at, inquiry.dispatched_at) == (
        None,
        [],
        None,
        None,
    )
    event = last_event(store, inquiry_id)
    assert (event["data"], event["note"]) == ({"department": "SFJ"}, "不属于本单位职责")


def test_an_extension_is_requested_then_approved_from_the_old_deadline():
    service, store, clock, inquiry_id = acknowledged()
    service.act(inquiry_id, Action.REQUEST_EXTENSION, {"workdays": 2, "reason": "需现场勘查"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.extension_workdays, inquiry.due_at) == (
        "extension_requested",
        2,
        CONSULT_DUE,
    )
    assert last_event(store, inquiry_id)["data"] == {"workdays": 2}
    clock.advance(days=1)
    service.act(inquiry_id, Action.APPROVE_EXTENSION, {}, ADMIN)
    extended = datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)  # 2 working days after the old one
    assert (inquiry.status, inquiry.extension_workdays, inquiry.due_at) == ("acknowledged", None, extended)
    assert last_event(store, inquiry_id)["data"] == {
        "workdays": 2,
        "old_due_at": "2026-11-26T23:59:59+08:00",
        "due_at": "2026-11-30T23:59:59+08:00",
    }


def test_a_refused_extension_keeps_the_deadline():
    service, store, _, inquiry_id = acknowledged()
    service.act(inquiry_id, Action.REQUEST_EXTENSION, {"workdays": 5}, ADMIN)
    service.act(inquiry_id, Action.REFUSE_EXTENSION, {"reason": "理由不充分"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.extension_workdays, inquiry.due_at) == ("acknowledged", None, CONSULT_DUE)
    assert last_event(store, inquiry_id)["data"] == {}


def test_an_extension_longer_than_the_policy_allows_is_refused():
    service, store, _, inquiry_id = acknowledged()
    with pytest.raises(InvalidInput, match="at most 10 working days"):
        service.act(inquiry_id, Action.REQUEST_EXTENSION, {"workdays": 11}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.extension_workdays) == ("acknowledged", None)


def test_reply_callback_and_close_record_the_answer_the_rating_and_the_end():
    service, store, clock, inquiry_id = acknowledged()
    clock.advance(hours=3)
    service.act(inquiry_id, Action.REPLY, {"note": "已办理", "public_reply": "已答复。"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    replied = START + timedelta(hours=3)
    assert (inquiry.status, inquiry.reply_note, inquiry.public_reply, inquiry.replied_at) == (
        "replied",
        "已办理",
        "已答复。",
        replied,
    )
    assert last_event(store, inquiry_id)["data"] == {"public_reply": "已答复。"}
    service.act(inquiry_id, Action.CALLBACK, {"satisfaction": "satisfied", "solved": 1}, ADMIN)
    assert (inquiry.status, inquiry.satisfaction, inquiry.solved) == ("called_back", "satisfied", True)
    assert last_event(store, inquiry_id)["data"] == {"satisfaction": "satisfied", "solved": True}
    clock.advance(hours=1)
    service.act(inquiry_id, Action.CLOSE, {}, ADMIN)
    assert (inquiry.status, inquiry.closed_at) == ("closed", replied + timedelta(hours=1))


def test_reopen_voids_the_answer_and_restarts_the_deadline():
    service, store, clock, inquiry_id = acknowledged()
    service.act(inquiry_id, Action.REPLY, {"note": "已办理", "public_reply": "已答复。"}, ADMIN)
    service.act(inquiry_id, Action.CALLBACK, {"satisfaction": "dissatisfied", "solved": False}, ADMIN)
    clock.advance(days=7)  # Monday 2026-11-30
    service.act(inquiry_id, Action.REOPEN, {"reason": "回访不满意"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert inquiry.status == "reopened" and inquiry.department_code == "SFJ"
    cleared = (
        inquiry.reply_note,
        inquiry.public_reply,
        inquiry.replied_at,
        inquiry.satisfaction,
        inquiry.solved,
    )
    assert cleared == (None, None, None, None, None) and inquiry.closed_at is None
    assert inquiry.due_at == datetime(2026, 12, 3, 23, 59, 59, tzinfo=SHANGHAI)
    assert last_event(store, inquiry_id)["data"] == {
        "department": "SFJ",
        "due_at": "2026-12-03T23:59:59+08:00",
    }


def test_escalate_counts_and_keeps_the_status():
    service, store, _, inquiry_id = acknowledged()
    service.act(inquiry_id, Action.ESCALATE, {"reason": "督办"}, ADMIN)
    service.act(inquiry_id, Action.ESCALATE, {"reason": "再次督办"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    assert (inquiry.status, inquiry.escalation_count) == ("acknowledged", 2)
    # Each 督办 issues a 督办单 to the lead department, due in 2 working days (config.yaml).
    assert last_event(store, inquiry_id)["data"] == {
        "escalation_count": 2,
        "notice_id": 2,
        "respond_by": "2026-11-25T23:59:59+08:00",
    }


def test_acknowledge_changes_only_the_status():
    service, store, clock, inquiry_id = received()
    service.act(inquiry_id, Action.DISPATCH, {"department": "SFJ"}, ADMIN)
    inquiry = store.inquiries[inquiry_id]
    before = {
        k: v for k, v in vars(inquiry).items() if not k.startswith("_") and k not in ("status", "updated_at")
    }
    clock.advance(minutes=5)
    service.act(inquiry_id, Action.ACKNOWLEDGE, {}, ADMIN)
    after = {
        k: v for k, v in vars(inquiry).items() if not k.startswith("_") and k not in ("status", "updated_at")
    }
    assert after == before
    assert (inquiry.status, inquiry.updated_at) == ("acknowledged", START + timedelta(minutes=5))
    assert last_event(store, inquiry_id)["data"] == {}


def test_the_overdue_sweep_escalates_each_overdue_inquiry_once():
    service, store, clock, inquiry_id = acknowledged()
    clock.advance(days=4)  # past Thursday's deadline
    assert service.sweep_overdue(ADMIN) == 1
    assert service.sweep_overdue(ADMIN) == 0  # escalated since the deadline passed
    assert store.inquiries[inquiry_id].escalation_count == 1
    assert store.actions(inquiry_id)[-1] == "escalate"
