from __future__ import annotations

import re

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.services.inquiries import InquiryFilter
from tests.web.seed import UNROUTED_COMPLAINT

ADMIN = Actor("测试管理员", "admin")
SFJ_CLERK = Actor("司法局王芳[dept01]", "department", "SFJ")  # dept01's actor, as the console makes it
NOTE = "本单位为协办单位"


def _dispatched(services, lead: str, co: list[str]):
    call = UNROUTED_COMPLAINT
    view, _ = services.inquiries.intake(call, ADMIN)
    assert view.status == "received"
    return services.inquiries.act(view.id, Action.DISPATCH, {"department": lead, "co_departments": co}, ADMIN)


def _action_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="[^"]*/act/([\w-]+)"', html)


def test_a_co_department_sees_no_action_forms_and_is_told_why(as_role, services):
    led_elsewhere = _dispatched(services, lead="ZJJ", co=["SFJ"])
    own = _dispatched(services, lead="SFJ", co=["ZJJ"])
    client = as_role("dept01")

    co_page = client.get(f"/console/inquiries/{led_elsewhere.id}")
    assert co_page.status_code == 200
    assert _action_forms(co_page.text) == []
    assert "办理</h2>" not in co_page.text
    assert NOTE in co_page.text
    note = re.search(r'<p class="role-note"[^>]*>(.+?)</p>', co_page.text, re.S)
    assert note is not None
    assert "主办单位（区住房和城乡建设局）" in note.group(1)
    assert "签收" in note.group(1) and "答复" in note.group(1)

    lead_page = client.get(f"/console/inquiries/{own.id}")
    assert lead_page.status_code == 200
    assert _action_forms(lead_page.text) == ["acknowledge", "return"]
    assert NOTE not in lead_page.text


def test_allowed_actions_leave_out_what_a_co_department_may_not_do(services):
    led_elsewhere = _dispatched(services, lead="ZJJ", co=["SFJ"])
    own = _dispatched(services, lead="SFJ", co=[])
    assert services.inquiries.get(led_elsewhere.id, SFJ_CLERK).allowed_actions == []
    assert services.inquiries.get(own.id, SFJ_CLERK).allowed_actions == ["acknowledge", "return"]
    # The queue (find) computes the same, row by row.
    listed = services.inquiries.find(InquiryFilter(), SFJ_CLERK, offset=0, limit=10)
    by_id = {i.id: i.allowed_actions for i in listed.items}
    assert by_id[led_elsewhere.id] == [] and by_id[own.id]


def test_other_roles_keep_their_actions_on_a_co_departments_inquiry(as_role, services):
    item = _dispatched(services, lead="ZJJ", co=["SFJ"])
    page = as_role("sup01").get(f"/console/inquiries/{item.id}")
    assert "escalate" in _action_forms(page.text)
    assert NOTE not in page.text
