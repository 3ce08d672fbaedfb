"""协办 on the console: the co-department's task list with its opinion form, the lead's inquiry page with
every opinion beside the reply form, and the supervisors' list of overdue co-department tasks."""

from __future__ import annotations

import re

from sqlalchemy import select

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.persistence.opinion_models import InquiryOpinion
from tests.web.conftest import flashes, post
from tests.web.seed import PASSWORD, UNROUTED_COMPLAINT

ADMIN = Actor("测试管理员", "admin")
OPINION = "经核查，该处搭建未办理规划许可，建议主办单位依法处置。来电人电话13905911234。"


def _dispatched(services, lead="ZJJ", co=("SFJ",)):
    view, _ = services.inquiries.intake(UNROUTED_COMPLAINT, ADMIN)
    data = {"department": lead, "co_departments": list(co)}
    return services.inquiries.act(view.id, Action.DISPATCH, data, ADMIN)


def _rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<tr class="co-task co-task-(\w+)" data-inquiry="(\d+)" data-department="(\w+)">', html
    )


def _opinions(services) -> list[tuple[int, str, str]]:
    with services.db.read() as session:
        return [(o.inquiry_id, o.department_code, o.text) for o in session.scalars(select(InquiryOpinion))]


def test_the_co_department_gives_its_opinion_from_its_task_list(app, as_role, services):
    item = _dispatched(services)
    dept = as_role("dept01")
    page = dept.get("/console/co-tasks")
    assert page.status_code == 200
    assert _rows(page.text) == [("pending", str(item.id), "SFJ")]
    assert 'class="opinion-form"' in page.text and "协办任务" in page.text

    blank = post(dept, f"/console/co-tasks/{item.id}/opinion", {"text": "  ", "next": "/console/co-tasks"})
    assert blank.status_code == 302
    assert "请检查：协办意见（必填）" in flashes(dept.get("/console/co-tasks").text)
    assert _opinions(services) == []

    done = post(dept, f"/console/co-tasks/{item.id}/opinion", {"text": OPINION, "next": "/console/co-tasks"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/co-tasks")
    page = dept.get("/console/co-tasks")
    assert "协办意见已提交，主办单位可在诉求页面查看。" in flashes(page.text)
    assert _rows(page.text) == [("answered", str(item.id), "SFJ")]
    assert 'class="opinion-form"' not in page.text
    assert _opinions(services) == [(item.id, "SFJ", OPINION)]

    again = post(
        dept, f"/console/co-tasks/{item.id}/opinion", {"text": "再补充", "next": "/console/co-tasks"}
    )
    assert again.status_code == 302
    assert "本单位已提交过协办意见，每项协办任务提交一次。" in flashes(dept.get("/console/co-tasks").text)


def test_the_lead_sees_every_opinion_beside_its_reply_form(app, as_role, services):
    item = _dispatched(services, co=("SFJ", "HBJ"))
    app.extensions["console"].staff.create("dept02", PASSWORD, "住建局赵强", "department", "ZJJ")
    services.co_departments.give_opinion(item.id, OPINION, Actor("司法局王芳", "department", "SFJ"))
    lead = as_role("dept02")
    post(lead, f"/console/inquiries/{item.id}/act/acknowledge", {})
    page = lead.get(f"/console/inquiries/{item.id}").text
    handling = page[page.index("<h2>办理</h2>") : page.index("办理历史")]
    assert "action-reply" in handling and 'id="co-departments"' in handling
    assert "经核查，该处搭建未办理规划许可" in handling
    assert "13905911234" not in page  # the citizen's phone in the opinion is masked
    assert 'data-department="HBJ" class="co-task-pending"' in handling  # the other helper has not answered
    assert 'class="opinion-form"' not in handling  # the lead answers with its reply
    assert "〔区司法局〕" in page[page.index("办理历史") :]  # the opinion's event in the history

    # The co-department sees its task and its own opinion on the inquiry page, and no form once answered.
    co_page = as_role("dept01").get(f"/console/inquiries/{item.id}").text
    assert 'id="co-departments"' in co_page and "经核查" in co_page
    assert 'class="opinion-form"' not in co_page


def test_a_co_department_may_give_its_opinion_on_the_inquiry_page(as_role, services):
    item = _dispatched(services)
    dept = as_role("dept01")
    page = dept.get(f"/console/inquiries/{item.id}").text
    assert 'class="opinion-form"' in page
    post(dept, f"/console/co-tasks/{item.id}/opinion", {"text": OPINION})
    assert _opinions(services) == [(item.id, "SFJ", OPINION)]


def test_the_supervisor_lists_overdue_co_department_tasks(as_role, services, clock):
    item = _dispatched(services, co=("SFJ", "HBJ"))
    services.co_departments.give_opinion(item.id, OPINION, Actor("环境局", "department", "HBJ"))
    sup = as_role("sup01")
    assert "协办任务" in sup.get("/console/supervisor").text  # in the navigation
    assert _rows(sup.get("/console/co-tasks").text) == []  # the supervisor's list opens on overdue tasks
    clock.advance(days=30)
    sup = as_role("sup01")  # a new session: the first one has long expired
    page = sup.get("/console/co-tasks").text
    assert _rows(page) == [("overdue", str(item.id), "SFJ")]
    assert "超期未反馈" in page and 'class="opinion-form"' not in page
    everything = sup.get("/console/co-tasks?tab=all").text
    assert sorted(_rows(everything)) == [("answered", str(item.id), "HBJ"), ("overdue", str(item.id), "SFJ")]
    assert _rows(sup.get("/console/co-tasks?tab=all&department=HBJ").text) == [
        ("answered", str(item.id), "HBJ")
    ]


def test_roles_without_opinions_do_not_get_the_page(as_role):
    assert as_role("win01").get("/console/co-tasks").status_code == 403


def test_refusals_on_the_console_say_why_in_chinese(app, as_role, services):
    item = _dispatched(services, lead="SFJ", co=("ZJJ",))  # 区司法局 leads this one
    dept = as_role("dept01")
    post(dept, f"/console/co-tasks/{item.id}/opinion", {"text": OPINION, "next": "/console/co-tasks"})
    assert "只有该诉求的协办单位可以提交协办意见（本单位为主办单位时请通过答复办理）。" in flashes(
        dept.get("/console/co-tasks").text
    )

    returned = _dispatched(services)
    services.inquiries.act(returned.id, Action.RETURN, {"reason": "非本单位职责"}, ADMIN)
    assert services.inquiries.get(returned.id, ADMIN).co_departments == []  # 退单 clears the co-departments
    replied = _dispatched(services)
    lead = Actor("住建局", "department", "ZJJ")
    services.inquiries.act(replied.id, Action.ACKNOWLEDGE, {}, lead)
    services.inquiries.act(replied.id, Action.REPLY, {"note": "已处理"}, lead)
    post(dept, f"/console/co-tasks/{replied.id}/opinion", {"text": OPINION, "next": "/console/co-tasks"})
    assert (
        "主办单位办理期间（已派单、办理中、延期申请中、重办）才能提交协办意见；该诉求当前不在办理中。"
        in flashes(dept.get("/console/co-tasks").text)
    )
    assert _opinions(services) == []
