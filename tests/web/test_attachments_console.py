"""附件 on the console's inquiry page: upload, the refusal naming the file, a recording opened only with a
reason (audited once, then playable), and what a department without pii:read sees."""

from __future__ import annotations

import io

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.attachment_samples import mp3, pdf, png
from tests.conftest import audit_rows, inquiry_payload
from tests.web.conftest import csrf_of, flashes, post

ADMIN = Actor("测试管理员", "admin")


def upload(client, inquiry_id, *files, **fields):
    data = {"files": [(io.BytesIO(c), n) for n, c in files], "csrf_token": csrf_of(client), **fields}
    response = client.post(
        f"/console/inquiries/{inquiry_id}/attachments", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def test_the_operator_uploads_previews_and_plays_a_recording_after_giving_a_reason(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    client = as_role("op01")
    page = upload(client, view.id, ("现场.png", png(1)), ("来电录音.mp3", mp3()))
    assert flashes(page.text)[-1] == "已上传 2 个附件：现场.png、来电录音.mp3"
    assert 'class="attachment-preview"' in page.text and "含个人信息" in page.text
    assert "<audio" not in page.text  # the recording waits for a reason
    photo, recording = (a.id for a in services.attachments.of_inquiry(view.id))
    base = f"/console/inquiries/{view.id}/attachments"
    assert client.get(f"{base}/{photo}?inline=1").data == png(1)
    assert client.get(f"{base}/{recording}?inline=1").status_code == 302  # refused, back to the page
    assert audit_rows(services) == []
    opened = post(client, f"{base}/{recording}/reveal", {"reason": "核实来电内容"})
    page = client.get(opened.headers["Location"])
    assert "已记入审计日志" in flashes(page.text)[-1] and "<audio controls" in page.text
    played = client.get(f"{base}/{recording}?inline=1")
    assert played.status_code == 200 and played.data == mp3() and played.mimetype == "audio/mpeg"
    assert audit_rows(services) == [
        ("话务员张丽[op01]", "reveal_attachment", "attachment", str(recording), "核实来电内容")
    ]


def test_a_refused_file_is_named_and_nothing_is_kept(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    client = as_role("op01")
    page = upload(client, view.id, ("说明.pdf", pdf()), ("合同.pdf", png(2)))
    assert (
        flashes(page.text)[-1]
        == "附件「合同.pdf」类型不允许，或扩展名与文件内容不符，本次上传的文件均未保存。"
    )
    assert services.attachments.of_inquiry(view.id) == [] and "暂无附件" in page.text


def test_a_department_sees_the_list_but_cannot_open_a_recording(as_role, services):
    view, _ = services.inquiries.intake(inquiry_payload(), ADMIN)
    if view.department != "SFJ":
        services.inquiries.act(view.id, Action.DISPATCH, {"department": "SFJ"}, ADMIN)
    operator = as_role("op01")
    upload(operator, view.id, ("来电录音.mp3", mp3()))
    department = as_role("dept01")
    page = department.get(f"/console/inquiries/{view.id}")
    assert "来电录音.mp3" in page.text and "您的角色无权查看" in page.text
    (recording,) = services.attachments.of_inquiry(view.id)
    base = f"/console/inquiries/{view.id}/attachments/{recording.id}"
    assert post(department, f"{base}/reveal", {"reason": "想听听"}).status_code == 403
    assert department.get(f"{base}?inline=1").status_code == 302
    assert "随答复公开" in page.text  # a department may publish its reply's files
