"""并单's children following their master beyond the status: one 部门专线 transfer (the master's), their
督办单 closed when no longer owed, no 协办 tasks of their own, and a 12345 回访 of a child kept."""

from __future__ import annotations

from sqlalchemy import select

from gateway.persistence.models import OutboxMessage
from tests.api.test_merges import REASON, new, post

URL = "/api/v1/inquiries"


def outbox(services):
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.target, m.event_type, m.payload.get("inquiry_id"), m.payload.get("action")) for m in rows]


def test_redispatching_a_master_transfers_it_once_and_its_child_hears_only_its_status(client, auth, services):
    master = new(client, auth["operator"], citizen={"name": "林建华", "phone": "13905911234"})
    child = new(
        client, auth["system:hotline"], external_id="GD-1", citizen={"name": "陈秀英", "phone": "13805917777"}
    )
    post(client, auth["department"], master["id"], "return", reason="非本单位")
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    before = len(outbox(services))
    post(client, auth["operator"], master["id"], "dispatch", department="SFJ")
    after = outbox(services)[before:]
    assert sorted(after) == sorted(
        [
            ("dept_hotline", "transfer.create", master["id"], None),  # the master's, to the 12348 line
            ("hotline", "inquiry.status_changed", child["id"], "dispatch"),  # the child: its status
        ]
    )
