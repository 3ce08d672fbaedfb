"""The consoles in a real browser: Debian's Chromium driven by Playwright, against the app on a real server.

Skipped only when /usr/bin/chromium is missing on a developer's machine; in CI (CI set, or
GATEWAY_REQUIRE_BROWSER=1) a missing browser fails. GATEWAY_SCREENSHOTS=docs/screenshots writes the
README's screenshots; otherwise they go to the test's temporary directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from adapters.base.simulator import ServerThread
from gateway.domain.access import Actor
from tests.web.seed import LEGAL_AID, PASSWORD, seed_accounts, seed_applications, seed_busy, seed_items

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture
def live(app: Any, services: Any) -> Iterator[str]:
    seed_accounts(app)
    seed_items(services)
    server = ServerThread(app).start()
    yield server.url
    server.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("GATEWAY_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def flash_text(page: Any) -> str:
    return str(page.inner_text(".flashes"))


def test_login_logout_and_a_forbidden_page(page, live, shots):
    page.goto(f"{live}/console/login")
    page.screenshot(path=str(shots / "login.png"))
    page.fill("input[name=username]", "win01")
    page.fill("input[name=password]", "wrong-password")
    page.click("button:has-text('登录')")
    assert "用户名或密码错误" in flash_text(page)
    log_in(page, live, "win01")
    assert page.url.endswith("/console/window/items")
    response = page.goto(f"{live}/console/supervisor")
    assert response.status == 403 and "无权访问" in page.inner_text("main")
    page.goto(f"{live}/console/window/items")
    page.click("button:has-text('退出')")
    assert page.url.endswith("/console/login") and "您已退出登录" in flash_text(page)
    page.goto(f"{live}/console/window/items")
    assert "/console/login" in page.url


def test_operator_logs_a_call_dispatches_it_and_sees_its_timer(page, live, services, clock, shots):
    seed_busy(services, clock)
    log_in(page, live, "op01")
    assert page.url.endswith("/console/inquiries")
    page.screenshot(path=str(shots / "operator-queue.png"))
    page.click("nav >> text=电话登记")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'citizen_phone'")
    # Keyboard first: the phone field has the focus; Alt+digit picks the kind.
    page.keyboard.type("13905911234")
    page.keyboard.press("Tab")
    page.keyboard.type("林建华")
    assert page.input_value("input[name=citizen_phone]") == "13905911234"
    assert page.input_value("input[name=citizen_name]") == "林建华"
    page.keyboard.press("Alt+1")
    page.fill("input[name=title]", "申请法律援助需要哪些材料")
    page.fill(
        "textarea[name=content]", "来电人因工伤赔偿纠纷，咨询申请法律援助需要准备哪些材料，在哪里办理。"
    )
    page.fill("input[name=district]", "临江街道")
    # The knowledge panel and the dispatch suggestion fill in while typing.
    page.wait_for_selector("#knowledge-items li a:has-text('法律援助申请')")
    page.wait_for_function("document.querySelector('#dispatch-department').value === 'SFJ'")
    assert "区司法局" in page.inner_text("#knowledge-suggestion")
    page.screenshot(path=str(shots / "operator.png"))
    page.focus("textarea[name=content]")
    page.keyboard.press("Control+Enter")  # 登记并派单
    page.wait_for_url(re.compile(r"/console/inquiries/\d+$"))
    assert re.search(r"已登记 SQ20261123\d{8}（已派单）", flash_text(page))
    number = page.inner_text(".page-head h1").split()[0]
    timer = page.locator(".page-head .timer")
    assert "timer-normal" in (timer.get_attribute("class") or "")
    assert re.search(r"正常\s*剩余\d+天", timer.inner_text())
    assert "区司法局" in page.inner_text("main")
    page.goto(f"{live}/console/inquiries")
    row = page.locator("table.list tr", has_text=number)
    assert row.locator(".timer-normal").count() == 1 and "139****1234" in row.inner_text()
    assert page.locator("table.list .timer-overdue").count() > 0  # the colour-coded states side by side


def test_window_clerk_accepts_under_rongque_then_records_pickup_and_rating(page, live, services, shots):
    log_in(page, live, "win01")
    page.fill("input[name=q]", "flyz")
    page.keyboard.press("Enter")
    page.click("table.list a:has-text('法律援助申请')")
    assert "支持容缺受理" in page.inner_text(".page-head")
    page.check("input[name=material][value='居民身份证']")
    page.check("input[name=material][value='法律援助申请表']")  # 经济困难状况说明 is owed: 容缺
    page.fill("input[name=applicant_name]", "陈晓燕")
    page.fill("input[name=applicant_phone]", "13805912345")
    page.fill("input[name=window]", "综合窗口3号")
    page.screenshot(path=str(shots / "window.png"))
    page.click("button:has-text('受理')")
    message = flash_text(page)
    assert "已受理，受理编号 SL2026112300000001" in message and "容缺受理：经济困难状况说明" in message

    page.goto(f"{live}/console/window/applications/1/receipt")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden() and page.locator(".receipt").is_visible()
    page.emulate_media(media="screen")

    # The department's back office grants it (its own system, through the service).
    task = services.applications.get(1, Actor("t", "admin"))["tasks"][0]
    services.applications.task_status(
        {"task_id": task["id"], "status": "granted"}, Actor("审批系统", "system:department")
    )
    page.goto(f"{live}/console/window/applications/1")
    page.click("form.action-prepare button[type=submit]")
    assert "待取件" in flash_text(page)
    page.fill("form.action-pickup input[name=collected_by]", "陈晓燕")
    page.click("form.action-pickup button[type=submit]")
    assert "已出件" in flash_text(page)
    page.check("form.action-evaluate input[value=very_satisfied]")
    page.click("form.action-evaluate button[type=submit]")
    assert "已记录评价：非常满意" in flash_text(page)
    assert services.applications.get(1, Actor("t", "admin"))["status"] == "delivered"
    page.screenshot(path=str(shots / "window-application.png"), full_page=False)


def test_supervisor_sees_charts_drawn_escalates_and_exports_excel(
    page, live, services, clock, shots, tmp_path
):
    seed_busy(services, clock)
    seed_applications(services)
    log_in(page, live, "sup01")
    assert page.url.endswith("/console/supervisor")
    charts = (
        ("volume", "rect"),
        ("rates", "path"),
        ("departments", "rect"),
        ("satisfaction", "rect"),
        ("applications", "rect"),
    )
    for chart, shape in charts:
        assert page.locator(f"#chart-{chart} svg.chart {shape}").count() > 0, chart
    box = page.locator("#chart-volume svg.chart").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80  # laid out, not just in the markup
    page.screenshot(path=str(shots / "supervisor.png"))

    with page.expect_download() as download:
        page.click("button:has-text('导出月度统计Excel')")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("月度统计-202611")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["诉求-按承办单位", "诉求-按渠道", "诉求-按类型", "办件-按部门"]
    assert [c.value for c in book["诉求-按类型"][1]][:3] == ["诉求类型", "受理量", "已答复"]

    page.click("nav >> text=超期督办")
    page.locator("table.list button:has-text('督办')").first.click()
    assert "已督办" in flash_text(page)
    with page.expect_download() as listing:
        page.click("a:has-text('导出Excel')")
    listing.value.save_as(tmp_path / listing.value.suggested_filename)
    sheet = openpyxl.load_workbook(tmp_path / listing.value.suggested_filename).active
    assert [c.value for c in sheet[1]][:3] == ["诉求编号", "标题", "类型"]
    assert sorted(row[7] for row in sheet.iter_rows(min_row=2, values_only=True))[-1] == 1  # 督办次数


def test_admin_page(page, live, shots):
    log_in(page, live, "admin")
    page.goto(f"{live}/console/admin/users")
    assert page.locator("table.list tbody tr").count() == 5
    page.screenshot(path=str(shots / "admin.png"))


def test_knowledge_and_item_pages_fit_a_small_window_screen(browser, live):
    context = browser.new_context(viewport={"width": 1024, "height": 700}, locale="zh-CN")
    small = context.new_page()
    log_in(small, live, "win01")
    small.goto(f"{live}/console/window/items/{LEGAL_AID}")
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024  # no sideways scrolling on the counter's screen
    context.close()
