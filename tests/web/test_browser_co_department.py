"""协办 in Chromium at 1366x768: the co-department records its opinion from its task list, and the lead sees
it beside its reply form (see test_browser.py for the harness)."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.web import test_browser as harness
from tests.web.seed import PASSWORD, UNROUTED_COMPLAINT
from tests.web.test_browser import log_in

live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser

ADMIN = Actor("测试管理员", "admin")
OPINION = "经核查，该处搭建未办理规划许可，建议主办单位依法处置。来电人电话13905911234。"


def test_the_co_department_records_its_opinion_and_the_lead_sees_it_beside_the_reply_form(
    app, page, live, services, shots
):
    app.extensions["console"].staff.create("dept02", PASSWORD, "住建局赵强", "department", "ZJJ")
    item, _ = services.inquiries.intake(UNROUTED_COMPLAINT, ADMIN)
    services.inquiries.act(item.id, Action.DISPATCH, {"department": "ZJJ", "co_departments": ["SFJ"]}, ADMIN)

    log_in(page, live, "dept01")
    page.click("nav >> text=协办任务")
    row = page.locator(f"tr.co-task[data-inquiry='{item.id}']")
    assert "待反馈" in row.inner_text() and "区住房和城乡建设局" in row.inner_text()
    row.locator("textarea[name=text]").fill(OPINION)
    page.screenshot(path=str(shots / "co-department-tasks.png"))
    row.locator("button:has-text('提交协办意见')").click()
    page.wait_for_load_state()
    assert "协办意见已提交" in page.inner_text(".flashes")
    answered = page.locator(f"tr.co-task[data-inquiry='{item.id}']")
    assert "已反馈" in answered.inner_text() and answered.locator("textarea").count() == 0
    page.click("button:has-text('退出')")

    log_in(page, live, "dept02")
    page.goto(f"{live}/console/inquiries/{item.id}")
    page.click("form.action-acknowledge button[type=submit]")
    page.wait_for_load_state()
    reply = page.locator("form.action-reply")
    opinions = page.locator("#co-departments")
    assert reply.is_visible() and opinions.is_visible()
    shown = opinions.locator("blockquote.opinion").inner_text()
    assert "经核查，该处搭建未办理规划许可" in shown and "区司法局" in shown
    assert "13905911234" not in shown
    # Beside the reply form: in the same 办理 card, on screen with it.
    card = page.locator("section.card", has=page.locator("form.action-reply"))
    assert card.locator("#co-departments").count() == 1
    opinions.scroll_into_view_if_needed()
    form, panel = reply.bounding_box(), opinions.bounding_box()
    assert form is not None and panel is not None
    assert panel["x"] >= form["x"] + form["width"] - 1 and abs(panel["y"] - form["y"]) < 2  # same row, right
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(shots / "co-department-opinions.png"), full_page=True)
