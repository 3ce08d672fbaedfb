"""督办单 on the fake unit of work: the sweep's notice, the department's answers, closing with the inquiry."""

from __future__ import annotations

from datetime import datetime

import pytest

from gateway.domain.access import Actor
from gateway.domain.calendar import SHANGHAI
from gateway.domain.errors import InvalidTransition, NotFound
from gateway.domain.lifecycle import Action
from gateway.jobs.scheduler import SCHEDULER
from gateway.services.supervision.service import SupervisionService
from tests.conftest import inquiry_payload
from tests.fakes import fake_inquiry_service

ADMIN = Actor("管理员", "admin")
SFJ = Actor("司法局经办人", "department", "SFJ")
HBJ = Actor("环境局经办人", "department", "HBJ")


def dispatched():
    inquiries, db, clock = fake_inquiry_service()
    view, _ = inquiries.intake(inquiry_payload(), ADMIN)  # routed to SFJ, due Thursday 24:00
    assert view.department == "SFJ"
    return SupervisionService(db, inquiries, clock), inquiries, db, clock, view.id


def test_the_sweep_issues_one_notice_per_overdue_period_in_the_fake():
    notices, inquiries, db, clock, inquiry_id = dispatched()
    clock.advance(days=4)
    assert inquiries.sweep_overdue(SCHEDULER) == 1
    assert inquiries.sweep_overdue(SCHEDULER) == 0
    (notice,) = db.supervision.notices.values()
    assert (notice.inquiry_id, notice.department_code, notice.status, notice.automatic) == (
        inquiry_id,
        "SFJ",
        "issued",
        True,
    )
    assert notice.respond_by == datetime(2026, 12, 1, 23, 59, 59, tzinfo=SHANGHAI)
    assert db.inquiries.actions(inquiry_id)[-1] == "escalate"
    assert [n.id for n in notices.find(SFJ, state="issued", offset=0, limit=10).items] == [notice.id]
    assert notices.with_open([inquiry_id], SFJ) == {inquiry_id}
    assert notices.with_open([inquiry_id], HBJ) == set()


def test_answers_in_order_and_closing_with_the_inquiry_in_the_fake():
    notices, inquiries, db, _, inquiry_id = dispatched()
    first = notices.issue({"inquiry_id": inquiry_id, "reason": "督办"}, ADMIN)
    with pytest.raises(NotFound):
        notices.acknowledge(first.id, {}, HBJ)
    with pytest.raises(InvalidTransition) as refused:
        notices.respond(first.id, {"response": "已办"}, SFJ)
    assert refused.value.allowed == ["acknowledge"]
    assert notices.acknowledge(first.id, {"note": "收到"}, SFJ).state == "acknowledged"
    assert notices.respond(first.id, {"response": "已办"}, SFJ).state == "responded"
    second = notices.issue({"inquiry_id": inquiry_id, "reason": "再次督办"}, ADMIN)
    inquiries.act(inquiry_id, Action.ACKNOWLEDGE, {}, SFJ)
    inquiries.act(inquiry_id, Action.REPLY, {"note": "即办"}, ADMIN)
    inquiries.act(inquiry_id, Action.CLOSE, {}, ADMIN)
    assert [(n.id, n.status) for n in db.supervision.notices.values()] == [
        (first.id, "responded"),
        (second.id, "closed"),
    ]
    assert db.inquiries.recorded_events[-1]["data"] == {"notices_closed": [second.id]}


def test_a_closed_inquiry_gets_no_notice_in_the_fake():
    notices, inquiries, db, _, inquiry_id = dispatched()
    inquiries.act(inquiry_id, Action.ACKNOWLEDGE, {}, ADMIN)
    inquiries.act(inquiry_id, Action.REPLY, {"note": "即办"}, ADMIN)
    inquiries.act(inquiry_id, Action.CLOSE, {}, ADMIN)
    with pytest.raises(InvalidTransition):
        notices.issue({"inquiry_id": inquiry_id, "reason": "督办"}, ADMIN)
    assert db.supervision.notices == {}
