"""整改 in Chromium at 1366x768 (see test_browser.py): from the list to one rectification, 回访, 办结."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.persistence.application_models import Rectification
from tests.web import test_browser as harness
from tests.web.seed import LEGAL_AID
from tests.web.test_browser import flash_text, log_in
from tests.web.test_rectifications import rated_application

# The shared harness's fixtures: the app on a real server, a 1366x768 tab, the screenshot folder.
live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser

NO_SIDEWAYS = """() => {
  const page = document.documentElement.scrollWidth <= window.innerWidth;
  const cells = [...document.querySelectorAll('main td, main dd')]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.innerText.slice(0, 40));
  return {page, cells, width: document.documentElement.scrollWidth};
}"""
LONG = "窗口等候时间太长，叫号系统多次跳号，工作人员解释不清，" * 6


def _fits(page: Any) -> None:
    fit = page.evaluate(NO_SIDEWAYS)
    assert fit["page"] and fit["cells"] == [], fit


def test_a_window_clerk_opens_a_rectification_records_the_callback_and_closes_it(page, live, services, shots):
    app = rated_application(services, LEGAL_AID, "very_dissatisfied", LONG)
    log_in(page, live, "win01")
    page.click("nav >> text=整改")
    assert page.url.endswith("/console/rectifications")
    row = page.locator("table.list tr", has_text=app["receipt_no"])
    assert "待回访" in row.inner_text() and "陈**" in row.inner_text()
    _fits(page)
    page.screenshot(path=str(shots / "rectifications.png"))

    row.locator("a", has_text="整改 1").click()
    page.wait_for_url(f"{live}/console/rectifications/1")
    assert "尚未回访" in page.inner_text("section.callback-record")
    assert app["receipt_no"] in page.inner_text("section.application")
    _fits(page)
    page.screenshot(path=str(shots / "rectification-open.png"), full_page=True)

    page.check("form.action-callback input[name=satisfied][value=true]")
    page.fill("form.action-callback textarea[name=note]", "已电话回访，申请人认可整改措施")
    page.fill("form.action-callback textarea[name=measures]", "增设叫号窗口")
    page.click("form.action-callback button[type=submit]")
    page.wait_for_load_state()
    assert "已记录回访（申请人认可整改）" in flash_text(page)
    assert "已电话回访，申请人认可整改措施" in page.inner_text("section.callback-record")

    page.once("dialog", lambda dialog: dialog.accept())  # 确定办结整改？
    page.fill("form.action-close textarea[name=measures]", "增设叫号窗口，高峰时段加开两个窗口")
    page.click("form.action-close button[type=submit]")
    page.wait_for_load_state()
    assert "整改已办结" in flash_text(page)
    assert "已办结" in page.inner_text(".page-head .status")
    assert page.locator("form.action").count() == 0
    _fits(page)
    page.screenshot(path=str(shots / "rectification.png"), full_page=True)
    with services.db.read() as session:
        row_stored = session.get(Rectification, 1)
        assert row_stored is not None
        assert (row_stored.status, row_stored.callback_satisfied, row_stored.measures) == (
            "closed",
            True,
            "增设叫号窗口，高峰时段加开两个窗口",
        )
