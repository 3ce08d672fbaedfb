"""协办: POST/GET /api/v1/inquiries/{id}/opinions and GET /api/v1/co-department-tasks, by role and department.

The clock starts Monday 2026-11-23 10:00 Beijing. A consult's lead deadline is Thursday 26th 23:59:59; with
the shipped two working days before it, the co-department's opinion is due Tuesday 24th 23:59:59.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from gateway.persistence.models import InquiryCoDepartment
from gateway.persistence.opinion_models import InquiryOpinion
from tests.conftest import inquiry_payload, on_both

URL = "/api/v1/inquiries"
TASKS = "/api/v1/co-department-tasks"
PHONE = "13905911234"  # the citizen's own phone (inquiry_payload)
TEXT = f"本局意见：建议联系来电人林建华（{PHONE}）核实后由主办单位答复。"
MASKED = "本局意见：建议联系来电人林**（139****1234）核实后由主办单位答复。"
CO_DUE = "2026-11-24T23:59:59+08:00"


@pytest.fixture
def keys(services, auth):
    headers = dict(auth)
    _, key = services.keys.create("住建局经办人", "department", "ZJJ")
    headers["department_zjj"] = {"Authorization": f"Bearer {key}"}
    return headers


def _inquiry(client, keys, lead="HBJ", co=("SFJ",)):
    created = client.post(URL, json=inquiry_payload(), headers=keys["operator"])
    assert created.status_code == 201, created.get_json()
    inquiry_id = created.get_json()["id"]
    body = {"department": lead, "co_departments": list(co)}
    dispatched = client.post(f"{URL}/{inquiry_id}/dispatch", json=body, headers=keys["operator"])
    assert dispatched.status_code == 200, dispatched.get_json()
    assert dispatched.get_json()["co_departments"] == sorted(co)
    return inquiry_id


def _post(client, headers, inquiry_id, text=TEXT):
    return client.post(f"{URL}/{inquiry_id}/opinions", json={"text": text}, headers=headers)


def _list(client, headers, inquiry_id):
    return client.get(f"{URL}/{inquiry_id}/opinions", headers=headers)


def _stored(services):
    with services.db.read() as session:
        opinions = [
            (o.inquiry_id, o.department_code, o.text) for o in session.scalars(select(InquiryOpinion))
        ]
        tasks = {
            (t.inquiry_id, t.department_code): t.answered_at
            for t in session.scalars(select(InquiryCoDepartment))
        }
    return opinions, tasks


@on_both
def test_the_co_department_records_its_opinion_and_the_lead_reads_it_redacted(client, keys, services, clock):
    inquiry_id = _inquiry(client, keys)
    response = _post(client, keys["department"], inquiry_id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["department"] == "SFJ" and body["author"] == "司法局经办人"
    assert body["text"] == MASKED

    opinions, tasks = _stored(services)
    assert opinions == [(inquiry_id, "SFJ", TEXT)]  # stored as given; masked when shown
    assert tasks[(inquiry_id, "SFJ")] == clock()

    for role in ("department_hbj", "operator", "supervisor", "admin"):
        listed = _list(client, keys[role], inquiry_id)
        assert listed.status_code == 200, role
        assert [o["text"] for o in listed.get_json()] == [body["text"]], role
        assert json.loads(listed.headers["X-Pagination"])["total"] == 1

    history = client.get(f"{URL}/{inquiry_id}/events", headers=keys["supervisor"]).get_json()
    event = history[-1]
    assert (event["action"], event["from_status"], event["to_status"]) == (
        "opinion",
        "dispatched",
        "dispatched",
    )
    assert event["data"]["department"] == "SFJ" and event["data"]["opinion_id"] == body["id"]
    assert event["note"] is None  # the text is the opinion's; a co-department reads only its own


def test_a_second_opinion_on_the_same_task_is_409_naming_why(client, keys, services):
    inquiry_id = _inquiry(client, keys)
    assert _post(client, keys["department"], inquiry_id).status_code == 201
    again = _post(client, keys["department"], inquiry_id, "补充意见")
    assert again.status_code == 409
    errors = again.get_json()["errors"]
    assert errors["action"] == "opinion" and errors["current_status"] == "dispatched"
    assert "answered already" in errors["reason"]
    assert len(_stored(services)[0]) == 1


def test_no_opinion_once_the_inquiry_is_closed_409_names_the_statuses_that_allow_one(client, keys, services):
    inquiry_id = _inquiry(client, keys)
    lead = keys["department_hbj"]
    assert client.post(f"{URL}/{inquiry_id}/acknowledge", json={}, headers=lead).status_code == 200
    assert client.post(f"{URL}/{inquiry_id}/reply", json={"note": "已答复"}, headers=lead).status_code == 200
    assert client.post(f"{URL}/{inquiry_id}/close", json={}, headers=keys["operator"]).status_code == 200

    refused = _post(client, keys["department"], inquiry_id)
    assert refused.status_code == 409
    errors = refused.get_json()["errors"]
    assert errors["current_status"] == "closed"
    assert "the inquiry is closed" in errors["reason"] and "acknowledged" in errors["reason"]
    assert _stored(services)[0] == []
    assert _list(client, lead, inquiry_id).get_json() == []  # still readable


@pytest.mark.parametrize(
    ("who", "status", "says"),
    [
        ("department_hbj", 403, "lead department"),  # the lead answers with its reply
        ("operator", 403, "opinion:write"),
        ("supervisor", 403, "opinion:write"),
        ("admin", 403, "only a co-department"),  # may write opinions, but has no department
        ("department_zjj", 404, "not found"),  # neither lead nor co-department: cannot see the inquiry
        ("window", 403, "opinion:write"),
        ("system:hotline", 403, "opinion:write"),
    ],
)
def test_only_a_co_department_may_post_for_itself(client, keys, services, who, status, says):
    inquiry_id = _inquiry(client, keys)
    response = _post(client, keys[who], inquiry_id)
    assert response.status_code == status, response.get_json()
    assert says in response.get_json()["message"]
    assert _stored(services)[0] == []


@pytest.mark.parametrize(
    ("who", "status", "seen"),
    [
        ("department_hbj", 200, ["SFJ", "ZJJ"]),  # the lead reads every opinion
        ("department", 200, ["SFJ"]),  # a co-department reads its own
        ("operator", 200, ["SFJ", "ZJJ"]),
        ("supervisor", 200, ["SFJ", "ZJJ"]),
        ("window", 403, None),
        ("system:hotline", 403, None),
        ("system:website", 403, None),
    ],
)
def test_who_reads_which_opinions(client, keys, who, status, seen):
    inquiry_id = _inquiry(client, keys, co=("SFJ", "ZJJ"))
    assert _post(client, keys["department"], inquiry_id).status_code == 201
    assert _post(client, keys["department_zjj"], inquiry_id, "住建局意见").status_code == 201
    response = _list(client, keys[who], inquiry_id)
    assert response.status_code == status, response.get_json()
    if seen is not None:
        assert [o["department"] for o in response.get_json()] == seen


def test_a_department_outside_the_inquiry_gets_404_on_the_list(client, keys):
    inquiry_id = _inquiry(client, keys, lead="HBJ", co=("ZJJ",))
    assert _list(client, keys["department"], inquiry_id).status_code == 404
    assert _list(client, keys["operator"], 999999).status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": ""}, "Length"),
        ({"text": "   \n "}, "blank"),
        ({"text": "意" * 4001}, "Length"),
        ({}, "Missing"),
        ({"text": "ok\x00"}, "control"),
    ],
)
def test_bad_text_is_422_naming_the_field(client, keys, services, body, reason):
    inquiry_id = _inquiry(client, keys)
    response = client.post(f"{URL}/{inquiry_id}/opinions", json=body, headers=keys["department"])
    assert response.status_code == 422
    messages = response.get_json()["errors"]["json"]["text"]
    assert any(reason in m for m in messages), messages
    assert _stored(services)[0] == []


def test_the_longest_text_is_taken(client, keys):
    inquiry_id = _inquiry(client, keys)
    assert _post(client, keys["department"], inquiry_id, "意" * 4000).status_code == 201


def _tasks(client, headers, **query):
    response = client.get(TASKS, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(t["inquiry_id"], t["department"], t["state"]) for t in response.get_json()]


@on_both
def test_tasks_go_from_pending_to_overdue_and_answered(client, keys, clock):
    first = _inquiry(client, keys, co=("SFJ", "ZJJ"))
    supervisor = keys["supervisor"]
    listed = client.get(TASKS, headers=supervisor).get_json()
    assert [(t["department"], t["state"], t["due_at"]) for t in listed] == [
        ("SFJ", "pending", CO_DUE),
        ("ZJJ", "pending", CO_DUE),
    ]
    assert listed[0]["lead_department"] == "HBJ" and listed[0]["inquiry_status"] == "dispatched"
    assert _tasks(client, supervisor, state="overdue") == []

    assert _post(client, keys["department_zjj"], first, "住建局意见").status_code == 201
    clock.advance(days=1, hours=13, minutes=59)  # Tuesday 24th 23:59 Beijing: due today still
    assert _tasks(client, supervisor, state="overdue") == []
    clock.advance(minutes=2)  # Wednesday 25th 00:01: the due day has ended
    assert _tasks(client, supervisor, state="overdue") == [(first, "SFJ", "overdue")]
    assert _tasks(client, supervisor, state="pending") == []
    assert _tasks(client, supervisor, state="answered") == [(first, "ZJJ", "answered")]

    # An overdue task may still be answered (late), and then it is answered.
    assert _post(client, keys["department"], first).status_code == 201
    assert _tasks(client, supervisor, state="overdue") == []
    assert _tasks(client, supervisor) == [(first, "SFJ", "answered"), (first, "ZJJ", "answered")]


def test_an_approved_extension_moves_the_co_departments_due_date(client, keys):
    inquiry_id = _inquiry(client, keys)
    lead = keys["department_hbj"]
    assert client.post(f"{URL}/{inquiry_id}/acknowledge", json={}, headers=lead).status_code == 200
    asked = {"workdays": 2, "reason": "需现场核查"}
    assert client.post(f"{URL}/{inquiry_id}/request-extension", json=asked, headers=lead).status_code == 200
    done = client.post(f"{URL}/{inquiry_id}/approve-extension", json={}, headers=keys["operator"])
    assert done.get_json()["due_at"] == "2026-11-30T23:59:59+08:00"  # Thursday + 2 working days = Monday
    (task,) = client.get(TASKS, headers=keys["operator"]).get_json()
    assert task["due_at"] == "2026-11-26T23:59:59+08:00"  # two working days before Monday: Thursday


@on_both
def test_who_sees_which_tasks(client, keys):
    mine = _inquiry(client, keys, lead="HBJ", co=("SFJ", "ZJJ"))
    led = _inquiry(client, keys, lead="SFJ", co=("ZJJ",))
    other = _inquiry(client, keys, lead="HBJ", co=("ZJJ",))
    everything = {(mine, "SFJ"), (mine, "ZJJ"), (led, "ZJJ"), (other, "ZJJ")}
    seen = {role: {t[:2] for t in _tasks(client, keys[role])} for role in ("operator", "supervisor", "admin")}
    assert seen == {"operator": everything, "supervisor": everything, "admin": everything}
    # 区司法局: its own task, and the tasks on the inquiry it leads; not another helper's task.
    assert {t[:2] for t in _tasks(client, keys["department"])} == {(mine, "SFJ"), (led, "ZJJ")}
    assert {t[:2] for t in _tasks(client, keys["supervisor"], department="SFJ")} == {(mine, "SFJ")}
    for role in ("window", "system:hotline"):
        assert client.get(TASKS, headers=keys[role]).status_code == 403


def test_bad_task_filters_are_422_naming_the_field(client, keys):
    response = client.get(TASKS, query_string={"state": "late"}, headers=keys["supervisor"])
    assert response.status_code == 422
    assert "state" in response.get_json()["errors"]["query"]


def test_an_unanswered_task_lapses_once_the_lead_has_replied(client, keys, clock):
    inquiry_id = _inquiry(client, keys, co=("SFJ",))
    clock.advance(days=2)  # past the co-department's due day: overdue
    assert _tasks(client, keys["supervisor"], state="overdue") == [(inquiry_id, "SFJ", "overdue")]
    lead = keys["department_hbj"]
    assert client.post(f"{URL}/{inquiry_id}/acknowledge", json={}, headers=lead).status_code == 200
    replied = client.post(f"{URL}/{inquiry_id}/reply", json={"note": "已处理"}, headers=lead)
    assert replied.status_code == 200, replied.get_json()
    # Nothing waits for that opinion any more: not overdue (the supervisors' list), not pending, lapsed.
    assert _tasks(client, keys["supervisor"], state="overdue") == []
    assert _tasks(client, keys["supervisor"], state="pending") == []
    assert _tasks(client, keys["supervisor"], state="lapsed") == [(inquiry_id, "SFJ", "lapsed")]
    assert _tasks(client, keys["supervisor"]) == [(inquiry_id, "SFJ", "lapsed")]


def test_a_page_far_past_the_end_is_empty(client, keys):
    _inquiry(client, keys)
    far = client.get(TASKS, query_string={"page": 10**24, "page_size": 33}, headers=keys["supervisor"])
    assert far.status_code == 200 and far.get_json() == []
