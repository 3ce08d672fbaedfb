"""并单 through the API: merge, unmerge, each refusal, children following their master over the outbox
(each in its own channel, with its own consent), and children left out of the figures."""

from __future__ import annotations

from sqlalchemy import select

from gateway.domain import lifecycle
from gateway.domain.access import Actor
from gateway.persistence.models import AuditEntry, Inquiry, InquiryEvent, OutboxMessage
from gateway.services.inquiries import InquiryStats
from tests.conftest import inquiry_payload, on_both

URL = "/api/v1/inquiries"
MASTER_NAME, CHILD_NAME = "林建华", "陈秀英"
REASON = "同一路段噪声，同一问题"


def new(client, headers, **overrides):
    response = client.post(URL, json=inquiry_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def post(client, headers, inquiry_id, action, expect=200, **body):
    response = client.post(f"{URL}/{inquiry_id}/{action}", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def stored(services, inquiry_id):
    with services.db.read() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        session.expunge(inquiry)
        return inquiry


def events(services, inquiry_id):
    with services.db.read() as session:
        query = select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id)
        return [(e.action, e.from_status, e.to_status, e.note, e.data) for e in session.scalars(query)]


def messages(services, inquiry_id):
    with services.db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [
            (m.target, m.event_type, m.payload) for m in rows if m.payload.get("inquiry_id") == inquiry_id
        ]


def pair(client, auth):
    """A 12345 call (the master) and a website message about the same problem (the child, no consent);
    both routed to 区司法局 (SFJ) by the catalogue."""
    master = new(client, auth["operator"], citizen={"name": MASTER_NAME, "phone": "13905911234"})
    child = new(
        client,
        auth["system:website"],
        channel="website",
        external_id="W-M1",
        public_consent=False,
        citizen={"name": CHILD_NAME, "phone": "13805917777"},
    )
    return master, child


@on_both  # the SQL of children, candidates and figures on both databases
def test_merge_makes_a_child_that_takes_the_masters_state_recorded_and_audited(client, auth, services):
    master, child = pair(client, auth)
    post(client, auth["department"], master["id"], "acknowledge")
    body = post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    assert body["master_id"] == master["id"]
    assert body["status"] == "acknowledged" and body["allowed_actions"] == []
    row = stored(services, child["id"])
    assert (row.master_id, row.status, row.merged_by) == (master["id"], "acknowledged", "话务员甲 (operator)")
    assert events(services, child["id"])[-1][:4] == ("merge", "dispatched", "acknowledged", REASON)
    assert events(services, child["id"])[-1][4]["master_number"] == master["number"]
    assert events(services, master["id"])[-1][:4] == ("merge", "acknowledged", "acknowledged", REASON)
    assert events(services, master["id"])[-1][4]["child_id"] == child["id"]
    with services.db.read() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
        assert (audit.subject_id, audit.actor_role) == (str(child["id"]), "operator")
        assert master["number"] in (audit.reason or "")
    listed = client.get(f"{URL}/{master['id']}/children", headers=auth["supervisor"])
    assert [c["id"] for c in listed.get_json()] == [child["id"]]
    # The history replays: a merge sets the child's state outside the table, then it follows.
    assert lifecycle.replay((e[1], e[0], e[2]) for e in events(services, child["id"])) == "acknowledged"


@on_both  # the SQL of children, candidates and figures on both databases
def test_children_hear_the_masters_reply_in_their_own_channel_with_their_own_consent(client, auth, services):
    master, child = pair(client, auth)
    call = new(  # a second child: a 12345 work order the platform sent (external_id), consent given
        client,
        auth["system:hotline"],
        external_id="GD-M2",
        citizen={"name": "黄志强", "phone": "13705916666"},
    )
    for other in (child, call):
        post(client, auth["operator"], other["id"], "merge", master_id=master["id"], reason=REASON)
    before = {i: len(messages(services, i)) for i in (child["id"], call["id"])}
    post(client, auth["department"], master["id"], "acknowledge")
    reply = f"{MASTER_NAME}您好，已约谈施工单位，夜间停止施工。"
    post(client, auth["department"], master["id"], "reply", note="已现场核查", public_reply=reply)

    web = messages(services, child["id"])[before[child["id"]] :]
    assert [(t, e) for t, e, _ in web] == [
        ("website", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),  # the message was forwarded to 12345 as a work order
        ("website", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),
        ("website", "reply.to_writer"),  # no consent: to the writer alone, not published
    ]
    to_writer = web[-1][2]
    assert to_writer["external_id"] == "W-M1" and to_writer["public_reply"].endswith("夜间停止施工。")
    assert MASTER_NAME not in str(web)  # the master's citizen never reaches the child's channels
    assert all("public_reply" not in p for t, e, p in web if e == "inquiry.status_changed")  # no consent

    heard = messages(services, call["id"])[before[call["id"]] :]
    assert [(t, e) for t, e, _ in heard] == [
        ("hotline", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),
        ("website", "reply.publish"),  # consent: published, redacted
    ]
    status = heard[1][2]
    assert (status["external_id"], status["status"], status["action"]) == ("GD-M2", "replied", "reply")
    assert status["public_reply"].endswith("夜间停止施工。") and MASTER_NAME not in str(heard)
    assert stored(services, call["id"]).status == "replied"
    assert events(services, call["id"])[-1][4]["master_id"] == master["id"]


def test_closing_the_master_closes_its_children(client, auth, services):
    master, child = pair(client, auth)
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    post(client, auth["department"], master["id"], "acknowledge")
    post(client, auth["department"], master["id"], "reply", note="已处理", public_reply="已处理")
    post(client, auth["operator"], master["id"], "close")
    row = stored(services, child["id"])
    assert (row.status, row.closed_at is not None) == ("closed", True)
    assert events(services, child["id"])[-1][:3] == ("close", "replied", "closed")


def test_a_child_is_not_acted_on_directly(client, auth, services):
    master, child = pair(client, auth)
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    body = post(client, auth["department"], child["id"], "acknowledge", expect=409)
    assert f"merged into inquiry {master['id']}" in body["errors"]["reason"]
    assert stored(services, child["id"]).status == "dispatched"


def test_unmerge_until_the_master_is_replied(client, auth, services):
    master, child = pair(client, auth)
    body = post(client, auth["operator"], child["id"], "unmerge", expect=409, reason="误操作")
    assert body["errors"]["reason"] == "not merged into any inquiry"
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    body = post(client, auth["supervisor"], child["id"], "unmerge", reason="不是同一问题")
    assert body["master_id"] is None and "escalate" in body["allowed_actions"]
    assert stored(services, child["id"]).master_id is None
    assert events(services, child["id"])[-1][:4] == ("unmerge", "dispatched", "dispatched", "不是同一问题")
    assert events(services, master["id"])[-1][0] == "unmerge"
    with services.db.read() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-2:] == ["merge", "unmerge"]

    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    post(client, auth["department"], master["id"], "acknowledge")
    post(client, auth["department"], master["id"], "reply", note="已处理")
    body = post(client, auth["operator"], child["id"], "unmerge", expect=409, reason="误操作")
    assert "a merge is undone only before the reply" in body["errors"]["reason"]
    assert stored(services, child["id"]).master_id == master["id"]


@on_both  # the SQL of children, candidates and figures on both databases
def test_each_refusal_is_a_409_naming_why_and_stores_nothing(client, auth, services):
    master, child = pair(client, auth)
    third = new(client, auth["operator"], citizen={"name": "王芳", "phone": "13605915555"})

    def refused(who, inquiry_id, master_id, words):
        body = post(client, auth[who], inquiry_id, "merge", expect=409, master_id=master_id, reason=REASON)
        assert words in body["errors"]["reason"], body
        assert body["errors"]["action"] == "merge"

    refused("operator", child["id"], child["id"], "cannot be merged into itself")
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    refused("operator", master["id"], child["id"], "a cycle")
    refused("operator", third["id"], child["id"], "is itself merged into inquiry")
    refused("operator", child["id"], third["id"], "already merged elsewhere")
    refused("operator", master["id"], third["id"], "is itself a master of 1")
    # different lead departments: an operator may not, a supervisor may
    other = new(client, auth["operator"], citizen={"name": "王芳", "phone": "13605915555"})
    post(client, auth["operator"], other["id"], "dispatch", department="HBJ")
    refused("operator", other["id"], third["id"], "only a supervisor may merge them")
    assert stored(services, other["id"]).master_id is None
    body = post(client, auth["supervisor"], other["id"], "merge", master_id=third["id"], reason=REASON)
    assert body["department"] == "SFJ"
    # closed
    closed = new(client, auth["operator"], citizen={"name": "王芳", "phone": "13605915555"})
    post(client, auth["department"], closed["id"], "acknowledge")
    post(client, auth["department"], closed["id"], "reply", note="已答复")
    post(client, auth["operator"], closed["id"], "close")
    refused("operator", closed["id"], master["id"], "the child is closed")
    fresh = new(client, auth["operator"], citizen={"name": "王芳", "phone": "13605915555"})
    refused("operator", fresh["id"], closed["id"], "the master is closed")
    assert len([e for e in events(services, fresh["id"]) if e[0] == "merge"]) == 0
    # a master nobody may see, or none at all: 409 saying so (the path's inquiry exists: not a 404)
    refused("operator", fresh["id"], 999999, "no inquiry 999999 that you may see to merge into")
    gone = client.post(
        f"{URL}/999999/merge", json={"master_id": fresh["id"], "reason": REASON}, headers=auth["operator"]
    )
    assert gone.status_code == 404


def test_merge_needs_the_permission_a_reason_and_a_master(client, auth):
    master, child = pair(client, auth)
    url = f"{URL}/{child['id']}/merge"
    denied = client.post(url, json={"master_id": master["id"], "reason": REASON}, headers=auth["department"])
    assert denied.status_code == 403
    bad = client.post(url, json={"master_id": "x", "reason": " "}, headers=auth["operator"])
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"master_id", "reason"}


@on_both  # the SQL of children, candidates and figures on both databases
def test_a_child_counts_once_in_the_figures_as_its_master(client, auth, services, clock):
    master, child = pair(client, auth)
    stats = InquiryStats(services.db, clock)
    supervisor = Actor("督办员", "supervisor")

    def volume():
        return sum(
            r["count"] for r in stats.volumes(supervisor, group="channel", period="day", start=None, end=None)
        )

    assert volume() == 2
    post(client, auth["operator"], child["id"], "merge", master_id=master["id"], reason=REASON)
    assert volume() == 1
    post(client, auth["department"], master["id"], "acknowledge")
    post(client, auth["department"], master["id"], "reply", note="已处理")
    post(client, auth["operator"], master["id"], "callback", satisfaction="satisfied", solved=True)
    summary = stats.summary(supervisor, group="department", start=None, end=None)
    assert [(r["key"], r["received"], r["answered"], r["callbacks"]) for r in summary] == [("SFJ", 1, 1, 1)]


@on_both  # the SQL of children, candidates and figures on both databases
def test_duplicates_name_the_same_caller_and_the_same_place_with_a_score(client, auth, services, clock):
    first = new(client, auth["operator"], citizen={"name": MASTER_NAME, "phone": "13905911234"})
    noise = {"kind": "complaint", "district": "临江街道", "address": "滨江小区3栋"}
    site = new(
        client,
        auth["operator"],
        **noise,
        title="工地夜间施工噪声",
        content="滨江小区3栋旁工地夜间施工，噪声扰民，影响休息。",
        citizen={"name": "王芳", "phone": "13605915555"},
    )
    stranger = new(client, auth["operator"], citizen={"name": "黄志强", "phone": "13705916666"})
    clock.advance(days=3)
    again = new(
        client,
        auth["operator"],
        **noise,
        title="夜间施工噪声扰民",
        content="滨江小区3栋旁边工地每天夜间施工，噪声很大。",
        citizen={"name": MASTER_NAME, "phone": "139-0591-1234"},  # the same phone, spelt otherwise
    )
    response = client.get(f"{URL}/{again['id']}/duplicates", headers=auth["operator"])
    assert response.status_code == 200
    found = {c["id"]: c for c in response.get_json()}
    assert set(found) == {first["id"], site["id"]} and stranger["id"] not in found
    assert (found[first["id"]]["reasons"], found[first["id"]]["why"]) == (["same_caller"], "同一来电人")
    place = found[site["id"]]
    assert place["reasons"] == ["same_place"] and place["score"] >= 0.3
    assert place["why"] == f"同一地址，内容相似（{place['score']:.2f}）"
    assert MASTER_NAME not in response.text and "1234" not in response.text
    row = stored(services, again["id"])
    assert row.citizen_phone_key == stored(services, first["id"]).citizen_phone_key
    assert "13905911234" not in (row.citizen_phone_key or "")  # a keyed hash, never the number
    assert client.get(f"{URL}/{again['id']}/duplicates", headers=auth["department"]).status_code == 403
