"""重复来电 in Chromium at 1366x768: the operator types the caller's phone on 电话登记 and the caller's
earlier inquiries appear beside the form; Alt+Shift+1 opens the newest (see test_browser.py)."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from tests.conftest import audit_rows, inquiry_payload
from tests.web import test_browser as harness
from tests.web.test_browser import log_in

live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser


def test_typing_a_known_phone_shows_the_callers_history_and_one_key_opens_one(
    page, live, services, clock, shots
):
    numbers = []
    for n, title in enumerate(["小区路灯不亮", "法律援助咨询"]):
        view, _ = services.inquiries.intake(
            inquiry_payload(
                title=title, citizen={"name": "林建华", "phone": "13905911234", "id_number": None}
            ),
            Actor("测试管理员", "admin"),
        )
        numbers.append(view.number)
        clock.advance(days=2 + n)
    log_in(page, live, "op01")
    page.click("nav >> text=电话登记")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'citizen_phone'")
    page.keyboard.type("139 0591 123")
    page.wait_for_timeout(600)
    assert page.is_hidden("#caller-history")  # not a whole number yet: nothing looked up
    assert not [e for e in audit_rows(services) if e[1] == "lookup_caller"]
    page.keyboard.type("4")
    page.wait_for_selector("#caller-history-items li a")
    items = page.locator("#caller-history-items li")
    assert items.count() == 2
    assert numbers[1] in items.nth(0).inner_text() and "法律援助咨询" in items.nth(0).inner_text()
    assert "共2件" in page.inner_text("#caller-history-count")
    page.screenshot(path=str(shots / "caller-history.png"))
    no_sideways = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways
    with page.context.expect_page() as opened:
        page.keyboard.press("Alt+Shift+Digit1")
    detail = opened.value
    detail.wait_for_load_state()
    assert numbers[1] in detail.inner_text(".page-head h1")
    assert len([e for e in audit_rows(services) if e[1] == "lookup_caller"]) == 1
