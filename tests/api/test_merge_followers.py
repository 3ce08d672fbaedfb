"""并单's children following their master beyond the status: one 部门专线 transfer (the master's), their
督办单 closed when no longer owed, no 协办 tasks of their own, and a 12345 回访 of a child kept."""

from __future__ import annotations

from sqlalchemy import select

from gateway.persistence.models import Inquiry, OutboxMessage
from gateway.persistence.supervision_models import SupervisionNotice
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


def notices(services, inquiry_id):
    with services.db.read() as session:
        query = select(SupervisionNotice).where(SupervisionNotice.inquiry_id == inquiry_id)
        return [(n.department_code, n.status) for n in session.scalars(query.order_by(SupervisionNotice.id))]


def escalate(client, auth, inquiry_id):
    body = {"inquiry_id": inquiry_id, "reason": "催办"}
    response = client.post("/api/v1/supervision-notices", json=body, headers=auth["supervisor"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_childs_notices_close_when_its_master_is_closed(client, auth, services):
    master = new(client, auth["operator"], citizen={"name": "林建华", "phone": "13905911234"})
    child = new(client, auth["operator"], citizen={"name": "陈秀英", "phone": "13805917777"})
    escalate(client, auth, child["id"])
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    assert notices(services, child["id"]) == [("SFJ", "issued")]  # SFJ still leads the child: still owed
    post(client, auth["department"], master["id"], "acknowledge")
    post(client, auth["department"], master["id"], "reply", note="已处理", public_reply="已处理")
    post(client, auth["operator"], master["id"], "callback", satisfaction="satisfied", solved=True)
    assert notices(services, child["id"]) == [("SFJ", "issued")]
    post(client, auth["operator"], master["id"], "close")
    assert notices(services, child["id"]) == [("SFJ", "closed")]
    close = client.get(f"{URL}/{child['id']}/events", headers=auth["supervisor"]).get_json()[-1]
    assert (close["action"], close["data"]["master_id"]) == ("close", master["id"])
    assert close["data"]["notices_closed"] == [n["id"] for n in notice_list(client, auth, child["id"])]


def notice_list(client, auth, inquiry_id):
    query = {"inquiry_id": inquiry_id}
    response = client.get("/api/v1/supervision-notices", query_string=query, headers=auth["supervisor"])
    assert response.status_code == 200
    return response.get_json()


def test_a_childs_notices_close_when_its_master_is_returned_and_at_a_merge_across_departments(
    client, auth, services
):
    master = new(client, auth["operator"], citizen={"name": "林建华", "phone": "13905911234"})
    child = new(client, auth["operator"], citizen={"name": "陈秀英", "phone": "13805917777"})
    other = new(client, auth["operator"], citizen={"name": "王芳", "phone": "13705910000"})
    for inquiry in (child, other):
        escalate(client, auth, inquiry["id"])
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    post(client, auth["department"], master["id"], "return", reason="非本单位")
    assert notices(services, child["id"]) == [("SFJ", "closed")]  # SFJ no longer leads it
    assert notices(services, master["id"]) == []
    # A master led by 环境局: merging 王芳's SFJ inquiry into it closes the notice SFJ no longer owes.
    post(client, auth["operator"], master["id"], "dispatch", department="HBJ")
    body = post(client, auth["supervisor"], other["id"], "merge", master_id=master["id"], reason=REASON)
    assert body["department"] == "HBJ"
    assert notices(services, other["id"]) == [("SFJ", "closed")]
    merge = client.get(f"{URL}/{other['id']}/events", headers=auth["supervisor"]).get_json()[-1]
    assert merge["action"] == "merge" and len(merge["data"]["notices_closed"]) == 1


def test_xiebian_stays_on_the_master_one_task_per_co_department_and_no_opinion_on_a_child(
    client, auth, services
):
    master = new(client, auth["operator"], citizen={"name": "林建华", "phone": "13905911234"})
    child = new(client, auth["operator"], citizen={"name": "陈秀英", "phone": "13805917777"})
    post(client, auth["department"], master["id"], "return", reason="非本单位")
    post(client, auth["operator"], master["id"], "dispatch", department="SFJ", co_departments=["HBJ"])
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    tasks = client.get("/api/v1/co-department-tasks", headers=auth["department_hbj"]).get_json()
    assert [t["inquiry_id"] for t in tasks] == [master["id"]]
    with services.db.read() as session:
        assert session.get(Inquiry, child["id"]).co_departments == []
    # The lead department (it reads the child) is told to go to the master; 环境局 does not see the child.
    refused = client.post(
        f"{URL}/{child['id']}/opinions", json={"text": "子单意见"}, headers=auth["department"]
    )
    assert refused.status_code == 409, refused.get_json()
    assert f"merged into inquiry {master['id']} ({master['number']}, 并单)" in str(refused.get_json())
    hidden = client.post(
        f"{URL}/{child['id']}/opinions", json={"text": "子单意见"}, headers=auth["department_hbj"]
    )
    assert hidden.status_code == 404
    given = client.post(
        f"{URL}/{master['id']}/opinions", json={"text": "已现场核查"}, headers=auth["department_hbj"]
    )
    assert given.status_code == 201, given.get_json()
