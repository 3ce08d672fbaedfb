"""附件 over real HTTP between the gateway and the simulators: a website message's files reach 12345 with
the work order; a reply's public file reaches the website (the other does not); a 12345 recording is
fetched on intake and played by an operator, audited."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from datetime import UTC, datetime

import pytest
import requests

from tests.attachment_samples import mp3, pdf, png
from tests.conftest import audit_rows
from tests.e2e.steps import API


@pytest.fixture
def linked(world):
    """The gateway's links name its real address, and the platform's its own."""
    service = world.services.attachments
    service.policy = dataclasses.replace(service.policy, public_url=world.gateway.url)
    world.sim("hotline").files.public_url = world.sims["hotline"].url
    return world


def call(world, method, path, role="operator", expect=200, headers=None, **kwargs):
    response = requests.request(
        method, f"{world.gateway.url}{path}", headers=headers or world.headers[role], timeout=10, **kwargs
    )
    assert response.status_code == expect, response.text
    return response


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_a_website_message_with_two_files_reaches_12345_with_both_and_the_public_reply_file_the_website(
    linked,
):
    world = linked
    website, hotline = world.sim("website"), world.sim("hotline")
    website.submit_message(
        subject="人行道破损",
        content="人行道地砖破损多处,见附件照片和说明。",
        attachments=[
            {"fileId": "F001", "fileName": "现场照片.png", "content": b64(png(1))},
            {"fileId": "F002", "fileName": "情况说明.pdf", "content": b64(pdf("说明"))},
        ],
    )
    inquiry = call(world, "GET", API, params={"channel": "website"}).json()[0]
    stored = call(world, "GET", f"{API}/{inquiry['id']}/attachments").json()
    assert [(a["filename"], a["source"], a["kind"]) for a in stored] == [
        ("现场照片.png", "website", "photo"),
        ("情况说明.pdf", "website", "document"),
    ]
    world.drain()
    fetched = hotline.files.of_work_order(inquiry["number"])
    assert [(f["fjmc"], f["fjlx"], f["content"]) for f in fetched] == [
        ("现场照片.png", "ZP", png(1)),
        ("情况说明.pdf", "WJ", pdf("说明")),
    ]
    order = next(o for o in hotline.list_work_orders() if o.get("wbbh") == inquiry["number"])
    assert all("/webhooks/attachments/" in f["xzdz"] for f in order["fjList"])

    # The department answers with a document for the public and one that is not.
    assert inquiry["department"] is None  # no rule matched: the operator dispatches it to 司法局 (SFJ)
    call(world, "POST", f"{API}/{inquiry['id']}/dispatch", json={"department": "SFJ"})
    staff = world.headers["department"]
    files = [("files", ("答复意见.pdf", pdf("答复"), "application/pdf"))]
    call(
        world,
        "POST",
        f"{API}/{inquiry['id']}/attachments",
        headers=staff,
        expect=201,
        files=files,
        data={"public": "true"},
    )
    inner = [("files", ("内部材料.pdf", pdf("内部"), "application/pdf"))]
    call(world, "POST", f"{API}/{inquiry['id']}/attachments", headers=staff, expect=201, files=inner)
    call(world, "POST", f"{API}/{inquiry['id']}/acknowledge", headers=staff, json={})
    reply = {"note": "已安排维修", "public_reply": "经查,已安排施工单位修复人行道。"}
    call(world, "POST", f"{API}/{inquiry['id']}/reply", headers=staff, json=reply)
    world.drain()
    published = website.published()
    assert len(published) == 1
    assert [(f["fileName"], f["contentType"]) for f in published[0]["attachments"]] == [
        ("答复意见.pdf", "application/pdf")
    ]
    digest = hashlib.sha256(pdf("答复")).hexdigest()
    assert published[0]["attachments"][0]["sha256"] == digest and website.files[digest] == pdf("答复")
    assert hashlib.sha256(pdf("内部")).hexdigest() not in website.files


def test_a_12345_recording_is_fetched_on_intake_and_played_by_an_operator_audited(linked):
    world = linked
    hotline = world.sim("hotline")
    recording = hotline.files.add("来电录音.mp3", mp3(), "LY", "audio/mpeg")
    photo = hotline.files.add("现场.png", png(5), "ZP", "image/png")
    pushed = hotline.push_work_order(fjList=[recording, photo])
    assert hotline.last_push()["status"] == 200
    inquiry = call(world, "GET", API, params={"channel": "hotline"}).json()[0]
    assert inquiry["external_id"] == pushed["gdbh"]
    files = call(world, "GET", f"{API}/{inquiry['id']}/attachments").json()
    assert [(a["filename"], a["kind"], a["holds_personal_data"]) for a in files] == [
        ("来电录音.mp3", "recording", True),
        ("现场.png", "photo", False),
    ]
    content = f"{API}/{inquiry['id']}/attachments/{files[0]['id']}/content"
    refused = call(world, "GET", content, expect=422)
    assert "reason" in refused.json()["errors"]["json"]
    played = call(world, "GET", content, params={"reason": "核实来电诉求", "inline": "true"})
    assert played.content == mp3() and played.headers["Content-Type"] == "audio/mpeg"
    assert audit_rows(world.services)[-1] == (
        "e2e-operator",
        "reveal_attachment",
        "attachment",
        str(files[0]["id"]),
        "核实来电诉求",
    )
    # The push again (12345 retries): nothing is fetched or stored twice.
    hotline._push("XGD", pushed)
    assert len(call(world, "GET", f"{API}/{inquiry['id']}/attachments").json()) == 2


def test_a_window_record_brings_its_scan_which_holds_personal_data(world):
    window = world.sim("window")
    push = window.log_inquiry(fj=[{"fjbh": "S1", "fjmc": "身份证扫描件.png", "nr": b64(png(8))}])
    assert push.status == 200, push.answer
    inquiry = call(world, "GET", API, params={"channel": "window"}).json()[0]
    (scan,) = call(world, "GET", f"{API}/{inquiry['id']}/attachments").json()
    assert (scan["filename"], scan["kind"], scan["source"], scan["holds_personal_data"]) == (
        "身份证扫描件.png",
        "scan",
        "window",
        True,
    )
    # The clerk at the counter opens it for a reason (pii:read, audited).
    opened = call(
        world,
        "GET",
        f"{API}/{inquiry['id']}/attachments/{scan['id']}/content",
        role="window",
        params={"reason": "核对证件"},
    )
    assert opened.content == png(8)
    assert audit_rows(world.services)[-1] == (
        "e2e-window",
        "reveal_attachment",
        "attachment",
        str(scan["id"]),
        "核对证件",
    )


def test_a_website_message_and_its_files_are_taken_in_together_or_not_at_all(linked, monkeypatch):
    """The work order for 12345 is written in the inquiry's transaction: were the files written in another,
    the worker could send it before them. A failure writing the files leaves nothing; the retry brings all."""
    world = linked
    website, hotline = world.sim("website"), world.sim("hotline")
    service = world.services.attachments

    def broken(uow, inquiry_id, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "add_rows", broken)
    files = [
        {"fileId": "F001", "fileName": "现场照片.png", "content": b64(png(1))},
        {"fileId": "F002", "fileName": "情况说明.pdf", "content": b64(pdf("说明"))},
    ]
    message = website.submit_message(subject="人行道破损", content="人行道地砖破损多处。", attachments=files)
    assert call(world, "GET", API, params={"channel": "website"}).json() == []
    world.drain()
    assert hotline.list_work_orders() == []  # nothing about it left

    monkeypatch.undo()
    website._push(message, datetime.now(UTC))  # the website pushes the message again
    (inquiry,) = call(world, "GET", API, params={"channel": "website"}).json()
    stored = call(world, "GET", f"{API}/{inquiry['id']}/attachments").json()
    assert [a["filename"] for a in stored] == ["现场照片.png", "情况说明.pdf"]
    world.drain()
    assert [f["fjmc"] for f in hotline.files.of_work_order(inquiry["number"])] == [
        "现场照片.png",
        "情况说明.pdf",
    ]
