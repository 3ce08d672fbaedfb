"""督办单 (supervision notices) through the API: issued by 督办 and by the deadline sweep, signed for and
answered by the lead department, closed with the inquiry; 409 and 422 answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gateway.domain import lifecycle
from gateway.domain.calendar import SHANGHAI
from gateway.jobs.scheduler import deadline_sweep_job
from gateway.persistence.models import InquiryEvent
from gateway.persistence.supervision_models import SupervisionNotice
from tests.conftest import inquiry_payload, on_both

# SQLite by default; PostgreSQL too under the postgres mark (row locks, the overdue filter's SQL).
pytestmark = on_both

INQUIRIES = "/api/v1/inquiries"
URL = "/api/v1/supervision-notices"


def new(client, auth, **overrides):
    """A legal consult, routed to 区司法局 (SFJ) on intake, due Thursday 2026-11-26 24:00."""
    response = client.post(INQUIRIES, json=inquiry_payload(**overrides), headers=auth["operator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def post(client, headers, url, expect=200, **body):
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def get(client, headers, url, expect=200, **query):
    response = client.get(url, query_string=query, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def stored(services, notice_id):
    with services.db.read() as session:
        notice = session.get(SupervisionNotice, notice_id)
        assert notice is not None
        session.expunge(notice)
        return notice


def last_event(services, inquiry_id):
    with services.db.read() as session:
        return session.scalars(
            select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id.desc())
        ).first()


def issue(client, auth, inquiry_id, **body):
    return post(client, auth["supervisor"], URL, 201, inquiry_id=inquiry_id, reason="请三日内反馈", **body)


def test_the_escalate_action_issues_a_notice_to_the_lead_department(client, auth, services):
    inquiry = new(client, auth)
    assert inquiry["department"] == "SFJ"
    body = post(
        client,
        auth["supervisor"],
        f"{INQUIRIES}/{inquiry['id']}/escalate",
        reason="群众多次来电，请加快办理",
        response_workdays=2,  # Monday 10:00: Tuesday, Wednesday
    )
    assert (body["status"], body["escalation_count"]) == ("dispatched", 1)
    (notice,) = get(client, auth["supervisor"], URL, inquiry_id=inquiry["id"])
    assert {k: notice[k] for k in ("inquiry_number", "department", "state", "reason", "respond_by")} == {
        "inquiry_number": inquiry["number"],
        "department": "SFJ",
        "state": "issued",
        "reason": "群众多次来电，请加快办理",
        "respond_by": "2026-11-25",
    }
    assert notice["respond_by_at"] == "2026-11-25T23:59:59+08:00"
    assert (notice["automatic"], notice["issued_by"], notice["allowed_actions"]) == (False, "督办员", [])
    row = stored(services, notice["id"])
    assert (row.inquiry_id, row.status, row.issued_by_role) == (inquiry["id"], "issued", "supervisor")
    assert row.respond_by == datetime(2026, 11, 25, 23, 59, 59, tzinfo=SHANGHAI)
    event = last_event(services, inquiry["id"])
    assert (event.action, event.note) == ("escalate", "群众多次来电，请加快办理")
    assert event.data == {
        "escalation_count": 1,
        "notice_id": notice["id"],
        "respond_by": "2026-11-25T23:59:59+08:00",
    }


def test_posting_a_notice_runs_the_same_escalate_action_with_the_default_response_date(
    client, auth, services
):
    inquiry = new(client, auth)
    notice = issue(client, auth, inquiry["id"])
    # Monday 10:00 plus supervision.response_workdays (2) working days: Wednesday 24:00.
    assert (notice["state"], notice["respond_by"], notice["inquiry_id"]) == (
        "issued",
        "2026-11-25",
        inquiry["id"],
    )
    again = get(client, auth["supervisor"], f"{INQUIRIES}/{inquiry['id']}")
    assert again["escalation_count"] == 1
    assert last_event(services, inquiry["id"]).data["notice_id"] == notice["id"]
    assert get(client, auth["operator"], f"{URL}/{notice['id']}") == notice  # operators read


def test_the_department_signs_for_and_answers_in_turn_and_409_names_what_is_allowed(
    client, auth, services, clock
):
    inquiry = new(client, auth)
    notice = issue(client, auth, inquiry["id"])
    dept = auth["department"]
    assert get(client, dept, f"{URL}/{notice['id']}")["allowed_actions"] == ["acknowledge"]

    early = post(client, dept, f"{URL}/{notice['id']}/respond", 409, response="已安排")
    assert early["errors"]["allowed_actions"] == ["acknowledge"]
    assert early["errors"]["current_status"] == "issued" and early["errors"]["action"] == "respond"
    assert stored(services, notice["id"]).response is None

    clock.advance(hours=1)
    signed = post(client, dept, f"{URL}/{notice['id']}/acknowledge", note="已签收，正在核查")
    assert (signed["state"], signed["acknowledged_by"], signed["acknowledge_note"]) == (
        "acknowledged",
        "司法局经办人",
        "已签收，正在核查",
    )
    assert signed["acknowledged_at"] == "2026-11-23T11:00:00+08:00"
    twice = post(client, dept, f"{URL}/{notice['id']}/acknowledge", 409)
    assert twice["errors"]["allowed_actions"] == ["respond"]

    answered = post(client, dept, f"{URL}/{notice['id']}/respond", response="已联系来电人，周三前书面答复")
    assert (answered["state"], answered["response"], answered["allowed_actions"]) == (
        "responded",
        "已联系来电人，周三前书面答复",
        [],
    )
    row = stored(services, notice["id"])
    assert (row.status, row.responded_by, row.response) == (
        "responded",
        "司法局经办人",
        "已联系来电人，周三前书面答复",
    )
    done = post(client, dept, f"{URL}/{notice['id']}/respond", 409, response="再次回复")
    assert done["errors"]["allowed_actions"] == []
    assert stored(services, notice["id"]).response == "已联系来电人，周三前书面答复"
    # The inquiry's history shows both answers beside the 督办, and still replays to its state.
    history = client.get(f"/api/v1/inquiries/{inquiry['id']}/events", headers=auth["operator"]).get_json()
    answers = [(e["action"], e["note"], e["data"]) for e in history if e["action"].startswith("notice_")]
    assert answers == [
        ("notice_acknowledged", "已签收，正在核查", {"notice_id": notice["id"]}),
        ("notice_responded", "已联系来电人，周三前书面答复", {"notice_id": notice["id"]}),
    ]
    replayed = lifecycle.replay((e["from_status"], e["action"], e["to_status"]) for e in history)
    assert replayed == inquiry["status"]


def test_a_department_reads_and_answers_only_its_own_notices(client, auth, services):
    inquiry = new(client, auth)
    notice = issue(client, auth, inquiry["id"])
    other = auth["department_hbj"]
    assert get(client, other, URL) == []
    assert get(client, other, URL, department="SFJ") == []
    assert get(client, other, f"{URL}/{notice['id']}", 404)["message"] == (
        f"supervision notice {notice['id']} not found"
    )
    post(client, other, f"{URL}/{notice['id']}/acknowledge", 404)
    # Reading is not answering: operators and supervisors read, only the department signs for it.
    assert post(client, auth["operator"], f"{URL}/{notice['id']}/acknowledge", 403)["code"] == 403
    assert post(client, auth["supervisor"], f"{URL}/{notice['id']}/acknowledge", 403)["code"] == 403
    assert [n["id"] for n in get(client, auth["department"], URL)] == [notice["id"]]
    assert stored(services, notice["id"]).status == "issued"


def test_bad_input_is_422_naming_the_field_and_stores_nothing(client, auth, services):
    inquiry = new(client, auth)
    past = post(
        client, auth["supervisor"], URL, 422, inquiry_id=inquiry["id"], reason="督办", response_workdays=0
    )
    assert "response_workdays" in past["errors"]["json"]
    far = post(
        client, auth["supervisor"], URL, 422, inquiry_id=inquiry["id"], reason="督办", response_workdays=31
    )
    assert far["errors"]["json"] == {"response_workdays": ["must be between 1 and 30"]}
    text = post(
        client, auth["supervisor"], URL, 422, inquiry_id=inquiry["id"], reason="督办", response_workdays="3"
    )
    assert "response_workdays" in text["errors"]["json"]
    assert "inquiry_id" in post(client, auth["supervisor"], URL, 422, reason="督办")["errors"]["json"]
    assert "reason" in post(client, auth["supervisor"], URL, 422, inquiry_id=inquiry["id"])["errors"]["json"]
    assert get(client, auth["supervisor"], f"{INQUIRIES}/{inquiry['id']}")["escalation_count"] == 0
    assert get(client, auth["supervisor"], URL) == []
    notice = issue(client, auth, inquiry["id"])
    post(client, auth["department"], f"{URL}/{notice['id']}/acknowledge")
    blank = post(client, auth["department"], f"{URL}/{notice['id']}/respond", 422, response="  ")
    assert "response" in blank["errors"]["json"]
    assert get(client, auth["supervisor"], URL, state="bogus", expect=422)["errors"]["query"]["state"]


def test_an_inquiry_without_a_lead_department_or_closed_gets_no_notice(client, auth, services):
    waiting = new(client, auth, kind="help", title="路灯不亮", content="路口的路灯坏了")
    assert (waiting["status"], waiting["department"]) == ("received", None)
    refused = post(client, auth["supervisor"], URL, 409, inquiry_id=waiting["id"], reason="督办")
    assert "no lead department" in refused["errors"]["reason"]
    assert "escalate" not in refused["errors"]["allowed_actions"]
    assert "dispatch" in refused["errors"]["allowed_actions"]
    assert get(client, auth["supervisor"], f"{INQUIRIES}/{waiting['id']}")["escalation_count"] == 0
    # The inquiry's own escalate action still counts there, as before; it addresses no one.
    post(client, auth["supervisor"], f"{INQUIRIES}/{waiting['id']}/escalate", reason="尽快派单")
    assert last_event(services, waiting["id"]).data == {"escalation_count": 1, "notice_id": None}
    assert get(client, auth["supervisor"], URL) == []
    assert post(client, auth["supervisor"], URL, 404, inquiry_id=999999, reason="督办")["code"] == 404


def test_an_open_notice_past_its_date_is_overdue_and_still_answerable(client, auth, clock):
    inquiry = new(client, auth)
    notice = issue(client, auth, inquiry["id"], response_workdays=1)  # Tuesday 24:00
    post(client, auth["department"], f"{URL}/{notice['id']}/acknowledge")
    clock.advance(days=2)  # Wednesday 10:00: Tuesday's date has passed
    late = get(client, auth["supervisor"], f"{URL}/{notice['id']}")
    assert late["state"] == "overdue"
    assert [n["id"] for n in get(client, auth["supervisor"], URL, state="overdue")] == [notice["id"]]
    assert get(client, auth["supervisor"], URL, state="acknowledged") == []
    answered = post(client, auth["department"], f"{URL}/{notice['id']}/respond", response="已办理")
    assert answered["state"] == "responded"
    assert get(client, auth["supervisor"], URL, state="overdue") == []


def test_the_deadline_sweep_issues_the_same_notice_once_per_overdue_period(client, auth, services, clock):
    inquiry = new(client, auth)  # due Thursday 24:00
    clock.advance(days=4)  # Friday: overdue
    assert deadline_sweep_job(services) == 1
    assert deadline_sweep_job(services) == 0
    (notice,) = get(client, auth["supervisor"], URL)
    assert (notice["automatic"], notice["issued_by"], notice["reason"], notice["department"]) == (
        True,
        "督办任务",
        "超期自动督办",
        "SFJ",
    )
    assert notice["respond_by"] == "2026-12-01"  # Friday plus 2 working days: Tuesday
    assert stored(services, notice["id"]).issued_by_role == "system:scheduler"
    assert [n["id"] for n in get(client, auth["department"], URL, state="issued")] == [notice["id"]]
    clock.advance(days=7)
    assert deadline_sweep_job(services) == 0  # the same overdue period: no second notice
    assert len(get(client, auth["supervisor"], URL, inquiry_id=inquiry["id"])) == 1


def test_closing_the_inquiry_closes_its_open_notices_and_keeps_the_responded_ones(client, auth, services):
    inquiry = new(client, auth)
    answered = issue(client, auth, inquiry["id"])
    post(client, auth["department"], f"{URL}/{answered['id']}/acknowledge")
    post(client, auth["department"], f"{URL}/{answered['id']}/respond", response="正在办理")
    still_open = issue(client, auth, inquiry["id"])
    post(client, auth["department"], f"{INQUIRIES}/{inquiry['id']}/acknowledge")
    post(client, auth["department"], f"{INQUIRIES}/{inquiry['id']}/reply", note="已告知所需材料")
    post(client, auth["operator"], f"{INQUIRIES}/{inquiry['id']}/close")
    assert last_event(services, inquiry["id"]).data == {"notices_closed": [still_open["id"]]}
    closed = get(client, auth["supervisor"], f"{URL}/{still_open['id']}")
    assert (closed["state"], closed["closed_at"]) == ("closed", "2026-11-23T10:00:00+08:00")
    assert get(client, auth["supervisor"], f"{URL}/{answered['id']}")["state"] == "responded"
    refused = post(client, auth["department"], f"{URL}/{still_open['id']}/acknowledge", 409)
    assert (refused["errors"]["current_status"], refused["errors"]["allowed_actions"]) == ("closed", [])


def test_a_return_closes_the_notice_to_the_department_that_gave_the_inquiry_back(client, auth, services):
    inquiry = new(client, auth)
    notice = issue(client, auth, inquiry["id"])
    post(client, auth["department"], f"{INQUIRIES}/{inquiry['id']}/return", reason="非本单位职责")
    assert stored(services, notice["id"]).status == "closed"
    # Dispatched again, to another department: a new 督办 is addressed to it.
    post(client, auth["operator"], f"{INQUIRIES}/{inquiry['id']}/dispatch", department="HBJ")
    again = issue(client, auth, inquiry["id"])
    assert again["department"] == "HBJ"
    assert [n["id"] for n in get(client, auth["department_hbj"], URL)] == [again["id"]]


def test_a_notice_shows_the_citizen_masked_in_every_text_and_stores_it_as_written(client, auth, services):
    inquiry = new(client, auth, title="林建华13905911234反映法律援助")
    notice = post(
        client, auth["supervisor"], URL, 201, inquiry_id=inquiry["id"], reason="来电人13905911234再次催办"
    )
    dept = auth["department"]
    post(client, dept, f"{URL}/{notice['id']}/acknowledge", note="已联系林建华")
    post(client, dept, f"{URL}/{notice['id']}/respond", response="已电话13905911234联系林建华")
    for who in ("department", "operator", "supervisor"):
        (shown,) = get(client, auth[who], URL, inquiry_id=inquiry["id"])
        assert (shown["inquiry_title"], shown["reason"], shown["acknowledge_note"], shown["response"]) == (
            "林**139****1234反映法律援助",
            "来电人139****1234再次催办",
            "已联系林**",
            "已电话139****1234联系林**",
        ), who
    row = stored(services, notice["id"])
    assert (row.reason, row.response) == ("来电人13905911234再次催办", "已电话13905911234联系林建华")
