"""重复来电 on the console: the panel beside 电话登记 and the queue's phone filter, for the roles that may
reveal, each lookup audited; other roles get neither."""

from __future__ import annotations

from gateway.domain.access import Actor
from tests.conftest import audit_rows, inquiry_payload

PHONE = "13905911234"


def seed(services, clock):
    made = []
    for n, (channel, phone) in enumerate(
        [("hotline", PHONE), ("website", "+86 139 0591 1234"), ("hotline", "13800000001")]
    ):
        view, _ = services.inquiries.intake(
            inquiry_payload(
                channel=channel,
                external_id=f"LY-{n}" if channel == "website" else None,
                title=f"第{n}次来电",
                citizen={"name": "林建华", "phone": phone, "id_number": None},
            ),
            Actor("网站", "system:website") if channel == "website" else Actor("测试管理员", "admin"),
        )
        made.append(view.number)
        clock.advance(days=1)
    return made


def test_the_intake_panel_lists_the_callers_earlier_inquiries_and_audits_the_lookup(as_role, services, clock):
    mine = seed(services, clock)[:2]
    operator = as_role("op01")
    page = operator.get("/console/inquiries/new")
    assert 'id="caller-history"' in page.text
    before = len(audit_rows(services))
    body = operator.get(
        "/console/inquiries/caller-history.json", query_string={"phone": "139-0591-1234"}
    ).json
    assert body["total"] == 2
    assert [i["number"] for i in body["items"]] == mine[::-1]  # newest first
    assert [(i["channel"], i["title"], i["status"], i["department"]) for i in body["items"]] == [
        ("政府网站", "第1次来电", "已派单", "区司法局"),
        ("12345热线", "第0次来电", "已派单", "区司法局"),
    ]
    assert PHONE not in str(body)
    entries = audit_rows(services)[before:]
    assert [(e[1], e[4]) for e in entries] == [("lookup_caller", "重复来电 repeat caller")]


def test_the_queue_filters_by_phone_for_the_roles_that_may_reveal(as_role, services, clock):
    mine = seed(services, clock)[:2]
    operator = as_role("op01")
    queue = operator.get("/console/inquiries", query_string={"phone": PHONE})
    assert all(n in queue.text for n in mine) and 'name="phone"' in queue.text
    short = operator.get("/console/inquiries", query_string={"phone": "1234"})
    assert short.status_code == 400 and "号码位数不足" in short.text


def test_a_department_gets_neither_the_panel_nor_the_filter(as_role, services, clock):
    seed(services, clock)
    dept = as_role("dept01")
    assert (
        dept.get("/console/inquiries/caller-history.json", query_string={"phone": PHONE}).status_code == 403
    )
    queue = dept.get("/console/inquiries", query_string={"phone": PHONE})
    assert 'name="phone"' not in queue.text
    assert queue.status_code == 403
    assert not [e for e in audit_rows(services) if e[1] == "lookup_caller"]


def test_an_empty_phone_is_refused_not_the_whole_list(as_role, services, clock):
    seed(services, clock)
    operator = as_role("op01")
    for phone in ("", "   "):
        response = operator.get("/console/inquiries/caller-history.json", query_string={"phone": phone})
        assert response.status_code == 400 and "SQ" not in response.text
    assert not [e for e in audit_rows(services) if e[1] == "lookup_caller"]
