"""督办单 in Chromium at 1366x768 (see test_browser.py): the department sees the 督办 badge in its queue,
signs for the notice and responds on the inquiry page; the supervisor's list shows it answered."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from tests.conftest import inquiry_payload
from tests.web import test_browser as harness
from tests.web.test_browser import log_in

live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser

SUPERVISOR = Actor("督办员陈刚", "supervisor")
HOTLINE = Actor("12345平台", "system:hotline")


def test_the_department_sees_the_badge_signs_for_the_notice_and_responds(page, live, services, shots):
    quiet, _ = services.inquiries.intake(inquiry_payload(external_id="Q1", title="公证需要哪些材料"), HOTLINE)
    urged, _ = services.inquiries.intake(inquiry_payload(external_id="U1"), HOTLINE)
    assert quiet.department == urged.department == "SFJ"
    services.supervision.issue({"inquiry_id": urged.id, "reason": "来电人多次催办，请尽快答复"}, SUPERVISOR)

    log_in(page, live, "dept01")
    page.goto(f"{live}/console/inquiries")
    urged_row = page.locator("table.list tr", has_text=urged.number)
    quiet_row = page.locator("table.list tr", has_text=quiet.number)
    assert urged_row.locator(".notice-badge").inner_text() == "督办单待回复"
    assert quiet_row.locator(".notice-badge").count() == 0
    page.screenshot(path=str(shots / "notice-badge.png"))

    urged_row.locator(f"a:has-text('{urged.number}')").click()
    section = page.locator("section#notices")
    assert "待签收" in section.inner_text() and "来电人多次催办，请尽快答复" in section.inner_text()
    section.locator("form.action-notice-acknowledge input[name=note]").fill("已签收，正在核实")
    section.locator("form.action-notice-acknowledge button[type=submit]").click()
    assert "已签收督办单" in page.inner_text(".flashes")
    section = page.locator("section#notices")
    assert "已签收" in section.locator(".notice-state").inner_text()
    section.locator("form.action-notice-respond textarea[name=response]").fill("已联系来电人，材料清单已寄出")
    section.locator("form.action-notice-respond button[type=submit]").click()
    assert "已提交督办回复" in page.inner_text(".flashes")
    section = page.locator("section#notices")
    assert section.locator(".notice-state").inner_text() == "已回复"
    assert "已联系来电人，材料清单已寄出" in section.locator(".notice-response").inner_text()
    assert section.locator("form").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(shots / "notice-responded.png"), full_page=True)

    page.goto(f"{live}/console/inquiries")
    assert page.locator("table.list tr", has_text=urged.number).locator(".notice-badge").count() == 0

    page.context.clear_cookies()
    log_in(page, live, "sup01")
    page.click("nav >> text=督办单")
    row = page.locator("tr.notice", has_text=urged.number)
    assert row.locator(".notice-state").inner_text() == "已回复"
    assert "已联系来电人，材料清单已寄出" in row.inner_text()
    page.screenshot(path=str(shots / "supervision-notices.png"))
