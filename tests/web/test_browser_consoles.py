"""The co-department's inquiry page and the dead-letter page in Chromium at 1366x768 (see test_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.domain.messages import STATUS_CHANGED, TRANSFER_CREATE, WORKORDER_CREATE
from gateway.services import outbox
from tests.web import test_browser as harness
from tests.web.seed import UNROUTED_COMPLAINT
from tests.web.test_browser import log_in

# The shared harness's fixtures: the app on a real server, a 1366x768 tab, the screenshot folder (Chromium
# itself is tests/web/conftest.py's).
live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser

ADMIN = Actor("测试管理员", "admin")
LONG = (
    "create_work_order answered HTTP 503; HTTP 503; response: "
    + '{"code":"E5003","msg":"系统维护中，请稍后重试","detail":"'
    + "upstream_connect_error_or_disconnect_before_headers_reset_reason_overflow_" * 12
    + '"}'
)
DEAD = [
    ("hotline", WORKORDER_CREATE, LONG),
    ("dept_hotline", TRANSFER_CREATE, "timed out"),
    (
        "website",
        STATUS_CHANGED,
        'update_status answered HTTP 404; HTTP 404; response: {"success":false,"errorCode":"MSG_NOT_FOUND",'
        '"errorMsg":"留言LY20990101999999不存在"}',
    ),
]
NO_SIDEWAYS = """() => {
  const page = document.documentElement.scrollWidth <= window.innerWidth;
  const cells = [...document.querySelectorAll('table.dead-letters td')]
    .filter(td => td.scrollWidth > td.clientWidth + 1).map(td => td.innerText.slice(0, 40));
  return {page, cells, width: document.documentElement.scrollWidth};
}"""


def _dead_letters(services: Any) -> None:
    with services.db.writing() as uow:
        for n, (target, event_type, error) in enumerate(DEAD):
            row = outbox.enqueue(
                uow.outbox,
                target=target,
                event_type=event_type,
                ordering_key=f"inquiry:{n}:{target}",
                payload={"inquiry_id": n},
                idempotency_key=f"browser-{n}",
                now=services.clock(),
            )
            row.status, row.attempts, row.last_error = "dead", 8, error


def test_dead_letters_explained_with_the_raw_error_behind_a_toggle_and_no_sideways_scroll(
    page, live, services, shots
):
    _dead_letters(services)
    log_in(page, live, "sup01")
    page.click("nav >> text=死信")
    rows = page.locator("table.dead-letters tr.dead-letter")
    assert rows.count() == 3
    first = rows.filter(has_text="12345热线返回 HTTP 503")
    assert "对方说明：系统维护中，请稍后重试（错误码 E5003）" in first.inner_text()
    assert "12348公共法律服务热线在等待时间内没有应答（超时）" in page.inner_text("table.dead-letters")
    raw = first.locator("details.raw-error pre")
    assert not raw.is_visible()
    fits = page.evaluate(NO_SIDEWAYS)
    assert fits["page"] and fits["cells"] == [], fits
    page.screenshot(path=str(shots / "dead-letters.png"))

    first.locator("details.raw-error summary").click()
    assert raw.is_visible() and "upstream_connect_error" in raw.inner_text()
    fits = page.evaluate(NO_SIDEWAYS)
    assert fits["page"] and fits["cells"] == [], fits
    cell, shown = first.locator("td.problem").bounding_box(), raw.bounding_box()
    assert cell is not None and shown is not None
    assert shown["x"] + shown["width"] <= cell["x"] + cell["width"] + 1  # wraps inside its own cell
    page.screenshot(path=str(shots / "dead-letters-raw.png"))


def test_a_co_department_sees_what_it_may_do_and_no_buttons(page, live, services, shots):
    call = UNROUTED_COMPLAINT
    co, _ = services.inquiries.intake(call, ADMIN)
    services.inquiries.act(co.id, Action.DISPATCH, {"department": "ZJJ", "co_departments": ["SFJ"]}, ADMIN)
    lead, _ = services.inquiries.intake(call, ADMIN)
    services.inquiries.act(lead.id, Action.DISPATCH, {"department": "SFJ", "co_departments": []}, ADMIN)

    log_in(page, live, "dept01")
    page.goto(f"{live}/console/inquiries/{co.id}")
    note = page.locator(".role-note")
    assert note.is_visible()
    assert "部门经办人 · 区司法局" in page.inner_text(".who")
    assert "本单位为协办单位" in note.inner_text() and "主办单位（区住房和城乡建设局）" in note.inner_text()
    assert page.locator("form.action").count() == 0 and page.locator("button:has-text('签收')").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(shots / "co-department.png"))

    page.goto(f"{live}/console/inquiries/{lead.id}")
    assert page.locator(".role-note").count() == 0
    page.click("form.action-acknowledge button[type=submit]")
    assert "已签收" in page.inner_text(".flashes")


def test_a_wrong_console_address_is_a_chinese_page_with_the_navigation(page, live, shots):
    log_in(page, live, "dept01")
    response = page.goto(f"{live}/console/inquiries/abc")
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    assert "404 · 页面不存在" in page.inner_text("main") and "Not Found" not in page.content()
    page.screenshot(path=str(shots / "console-404.png"))
    page.click("text=返回工作台")
    assert page.url.endswith("/console/inquiries")
