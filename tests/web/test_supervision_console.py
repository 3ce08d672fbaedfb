"""督办单 on the console without a browser: the 督办 with a response date, the queue badge, 签收 and
督办回复 on the inquiry page, the list with its states."""

from __future__ import annotations

import re
from datetime import datetime

from gateway.domain.access import Actor
from gateway.domain.calendar import SHANGHAI
from tests.conftest import inquiry_payload
from tests.web.conftest import flashes, post

HOTLINE = Actor("12345平台", "system:hotline")


def _legal_consult(services):
    view, _ = services.inquiries.intake(inquiry_payload(external_id="N1"), HOTLINE)  # routed to SFJ
    return view


def _badges(html: str) -> int:
    return len(re.findall(r'class="badge badge-bad notice-badge"', html))


def test_supervisor_escalates_with_a_date_and_the_department_answers_on_the_inquiry_page(as_role, services):
    inquiry = _legal_consult(services)
    sup = as_role("sup01")
    page = sup.get(f"/console/inquiries/{inquiry.id}")
    assert 'name="response_workdays" type="number"' in page.text and "工作日，默认2" in page.text
    done = post(
        sup,
        f"/console/inquiries/{inquiry.id}/act/escalate",
        {"reason": "请周五前反馈", "response_workdays": "4"},
    )
    assert done.status_code == 302
    (notice,) = services.supervision.find(Actor("督办", "supervisor"), offset=0, limit=10).items
    assert (notice.reason, notice.department, notice.state) == ("请周五前反馈", "SFJ", "issued")
    assert notice.respond_by == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI)  # 4 working days: Friday

    dept = as_role("dept01")
    queue = dept.get("/console/inquiries")
    assert _badges(queue.text) == 1 and inquiry.number in queue.text
    detail = dept.get(f"/console/inquiries/{inquiry.id}")
    assert 'id="notices"' in detail.text and "待签收" in detail.text and "请周五前反馈" in detail.text
    assert "签收督办单" in detail.text and "提交督办回复" not in detail.text

    signed = post(
        dept,
        f"/console/supervision-notices/{notice.id}/acknowledge",
        {"next": f"/console/inquiries/{inquiry.id}"},
    )
    assert signed.headers["Location"] == f"/console/inquiries/{inquiry.id}"
    page = dept.get(signed.headers["Location"])
    assert any(f.startswith("已签收督办单") for f in flashes(page.text))
    assert "提交督办回复" in page.text

    empty = post(
        dept, f"/console/supervision-notices/{notice.id}/respond", {"response": ""}, follow_redirects=True
    )
    assert any("请检查" in f for f in flashes(empty.text))
    answered = post(
        dept,
        f"/console/supervision-notices/{notice.id}/respond",
        {"response": "已电话联系来电人并寄送材料清单", "next": f"/console/inquiries/{inquiry.id}"},
        follow_redirects=True,
    )
    assert any(f.startswith("已提交督办回复") for f in flashes(answered.text))
    assert "督办回复（司法局王芳" in answered.text
    assert _badges(dept.get("/console/inquiries").text) == 0  # answered: no longer open

    listing = sup.get("/console/supervision-notices", query_string={"state": "responded"})
    assert "已电话联系来电人并寄送材料清单" in listing.text and "已回复" in listing.text
    assert "督办单" in sup.get("/console/inquiries").text  # the navigation entry


def test_only_the_lead_department_answers_and_others_see_no_form(as_role, services):
    inquiry = _legal_consult(services)
    notice = services.supervision.issue(
        {"inquiry_id": inquiry.id, "reason": "督办"}, Actor("督办", "supervisor")
    )
    sup = as_role("sup01")
    page = sup.get(f"/console/inquiries/{inquiry.id}")
    assert "待签收" in page.text and "签收督办单" not in page.text
    refused = post(sup, f"/console/supervision-notices/{notice.id}/acknowledge")
    assert refused.status_code == 403
    assert services.supervision.get(notice.id, Actor("督办", "supervisor")).state == "issued"
    assert as_role("win01").get("/console/supervision-notices").status_code == 403
