"""附件 on the inquiry page in Chromium: upload two files, see the photo's preview, give a reason and play
the recording in the page's audio player (the audit log has the one entry)."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from tests.attachment_samples import png, wav
from tests.conftest import audit_rows, inquiry_payload
from tests.web import test_browser as harness
from tests.web.test_browser import flash_text, log_in

live, page, shots = harness.live, harness.page, harness.shots

pytestmark = pytest.mark.browser

ADMIN = Actor("测试管理员", "admin")


def test_upload_preview_and_play_a_recording_after_a_reason(page, live, services, shots, tmp_path):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    photo, recording, liar = tmp_path / "现场照片.png", tmp_path / "来电录音.wav", tmp_path / "合同.pdf"
    photo.write_bytes(png(3, 3000))
    recording.write_bytes(wav(0.5))
    liar.write_bytes(png(4))
    log_in(page, live, "op01")
    page.goto(f"{live}/console/inquiries/{view.id}")
    section = page.locator("#attachments")
    assert "暂无附件" in section.inner_text()

    # A name lying about its type: refused by name, nothing kept.
    section.locator("input[type=file]").set_input_files([str(photo), str(liar)])
    section.locator("button:has-text('上传')").click()
    page.wait_for_load_state()
    assert "附件「合同.pdf」类型不允许" in flash_text(page)
    assert "暂无附件" in page.locator("#attachments").inner_text()

    page.locator("#attachments input[type=file]").set_input_files([str(photo), str(recording)])
    page.locator("#attachments button:has-text('上传')").click()
    page.wait_for_load_state()
    assert "已上传 2 个附件" in flash_text(page)
    preview = page.locator("#attachments img.attachment-preview")
    preview.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", preview.element_handle()) == 1
    assert page.locator("#attachments audio").count() == 0  # the recording waits for a reason

    row = page.locator("#attachments tr[data-kind=recording]")
    row.locator("input[name=reason]").fill("核实来电内容")
    row.locator("button:has-text('播放')").click()
    page.wait_for_load_state()
    assert "已记入审计日志" in flash_text(page)
    player = page.locator("#attachments audio")
    player.wait_for()
    # The player loads the recording from the console (its duration is the WAV's half second).
    duration = page.evaluate(
        """audio => new Promise(done => {
            audio.preload = 'auto'; audio.load();
            audio.addEventListener('loadedmetadata', () => done(audio.duration), {once: true});
            audio.addEventListener('error', () => done(-1), {once: true});
        })""",
        player.element_handle(),
    )
    assert abs(duration - 0.5) < 0.05
    page.locator("#attachments").screenshot(path=str(shots / "attachments.png"))
    (entry,) = [r for r in audit_rows(services) if r[1] == "reveal_attachment"]
    assert entry[0] == "话务员张丽[op01]" and entry[4] == "核实来电内容"
    assert [a.filename for a in services.attachments.of_inquiry(view.id)] == ["现场照片.png", "来电录音.wav"]
