"""并单 from the inquiry page in Chromium at 1366x768 (see test_browser.py): the candidate with why it
matched, the 并单 button, the master's page listing its child, undoing the merge."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.domain.access import Actor
from tests.conftest import inquiry_payload
from tests.web import test_browser as harness
from tests.web.test_browser import flash_text, log_in

live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser


def two_reports(services: Any) -> tuple[Any, Any]:
    """A 12345 call and, the same day, a website message about the same building site (other people)."""
    common = {"kind": "complaint", "district": "临江街道", "address": "滨江小区3栋", "public_consent": False}
    call, _ = services.inquiries.intake(
        inquiry_payload(
            **common,
            external_id="GD-B1",
            title="工地夜间施工噪声",
            content="滨江小区3栋旁工地夜间施工，噪声扰民，影响休息。",
            citizen={"name": "林建华", "phone": "13905911234"},
        ),
        Actor("12345平台", "system:hotline"),
    )
    message, _ = services.inquiries.intake(
        inquiry_payload(
            **common,
            channel="website",
            external_id="W-B1",
            title="夜间施工噪声扰民",
            content="滨江小区3栋旁边工地每天夜间施工，噪声很大，影响休息。",
            citizen={"name": "陈秀英", "phone": "13805917777"},
        ),
        Actor("网站互动系统", "system:website"),
    )
    return call, message


def test_an_operator_merges_a_duplicate_from_its_page_and_undoes_it(page, live, services, shots):
    call, message = two_reports(services)
    log_in(page, live, "op01")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live}/console/inquiries/{message.id}")
    row = page.locator(f"#duplicates tr[data-candidate-id='{call.id}']")
    assert call.number in row.inner_text()
    assert "同一地址，内容相似" in row.locator(".why").inner_text()
    page.locator("#duplicates").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "merge-candidates.png"))
    row.locator("button:has-text('并入此单')").click()
    page.wait_for_load_state()
    assert "已并单" in flash_text(page)
    assert call.number in page.inner_text("#merge") and "随主单办理" in page.inner_text("#merge")
    assert page.locator("#duplicates").count() == 0  # a child is not merged again
    assert "并单" in page.inner_text("table.history")

    page.click(f"#merge a:has-text('{call.number}')")
    child = page.locator(f"#children tr[data-child-id='{message.id}']")
    assert message.number in child.inner_text()
    page.locator("#children").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "merge-master.png"))
    child.locator("input[name=reason]").fill("不是同一工地")
    child.locator("button:has-text('取消并单')").click()
    page.wait_for_load_state()
    assert "已取消并单" in flash_text(page)
    assert page.locator("#children").count() == 0
    assert services.inquiries.get(message.id, Actor("t", "admin")).master_id is None
