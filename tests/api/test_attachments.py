"""/api/v1/inquiries/{id}/attachments: upload, dedup by SHA-256, limits by name, download as a reveal."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.persistence.attachment_models import Attachment
from tests.attachment_samples import ZIP, mp3, pdf, png
from tests.conftest import audit_rows, inquiry_payload, on_both, settings_for

URL = "/api/v1/inquiries"


@pytest.fixture
def settings(db_url, tmp_path):
    """Small limits, so that tests reach them: 6 KiB a file, 10 KiB an inquiry."""
    settings = settings_for(db_url)
    limits = dataclasses.replace(
        settings.attachments,
        directory=str(tmp_path / "attachments"),
        max_file_bytes=6 * 1024,
        max_inquiry_bytes=10 * 1024,
        types=settings.attachments.types,
    )
    return dataclasses.replace(settings, attachments=limits)


def new_inquiry(client, auth, **overrides):
    response = client.post(URL, json=inquiry_payload(**overrides), headers=auth["operator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def upload(client, headers, inquiry_id, *files, expect=201, **fields):
    data = {"files": [(io.BytesIO(content), name) for name, content in files], **fields}
    response = client.post(
        f"{URL}/{inquiry_id}/attachments", data=data, headers=headers, content_type="multipart/form-data"
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def rows(services):
    with services.db.read() as session:
        return [
            (a.inquiry_id, a.filename, a.media_type, a.kind, a.source, a.holds_personal_data, a.sha256)
            for a in session.scalars(select(Attachment).order_by(Attachment.id))
        ]


def blobs(services) -> list[Path]:
    root = Path(services.settings.attachments.directory)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_lists_and_downloads_with_the_type_judged_from_the_bytes(client, auth, services):
    inquiry = new_inquiry(client, auth)
    made = upload(client, auth["operator"], inquiry, ("现场照片.png", png(1)), ("说明.pdf", pdf()))
    assert [(a["filename"], a["media_type"], a["kind"], a["source"]) for a in made] == [
        ("现场照片.png", "image/png", "photo", "hotline"),
        ("说明.pdf", "application/pdf", "document", "hotline"),
    ]
    assert made[0]["holds_personal_data"] is False and made[0]["created_by"] == "话务员甲"
    listed = client.get(f"{URL}/{inquiry}/attachments?page_size=1", headers=auth["supervisor"])
    assert listed.status_code == 200
    assert [a["filename"] for a in listed.get_json()] == ["现场照片.png"]
    assert '"total": 2' in listed.headers["X-Pagination"]
    got = client.get(f"{URL}/{inquiry}/attachments/{made[0]['id']}/content", headers=auth["supervisor"])
    assert got.status_code == 200 and got.data == png(1)
    assert got.mimetype == "image/png" and "attachment" in got.headers["Content-Disposition"]
    assert audit_rows(services) == []  # a photo holds no personal data: no reveal


@on_both
def test_a_file_sent_twice_is_stored_once_with_a_row_each_time(client, auth, services):
    first, second = new_inquiry(client, auth), new_inquiry(client, auth, title="另一件")
    a = upload(client, auth["operator"], first, ("a.png", png(2)))[0]
    b = upload(client, auth["operator"], second, ("same-again.png", png(2)))[0]
    c = upload(client, auth["operator"], first, ("other.png", png(3)))[0]
    assert a["sha256"] == b["sha256"] != c["sha256"]
    assert [(r[0], r[1]) for r in rows(services)] == [
        (first, "a.png"),
        (second, "same-again.png"),
        (first, "other.png"),
    ]
    assert [p.name for p in blobs(services)] == sorted([a["sha256"], c["sha256"]])


def test_a_file_over_the_limit_is_refused_by_name_and_nothing_of_the_upload_is_stored(client, auth, services):
    inquiry = new_inquiry(client, auth)
    body = upload(
        client, auth["operator"], inquiry, ("ok.png", png(4)), ("大图.png", png(5, 7000)), expect=413
    )
    assert list(body["errors"]["files"]) == ["大图.png"]
    assert "6144 bytes per file" in body["errors"]["files"]["大图.png"][0]
    assert rows(services) == [] and blobs(services) == []


@on_both
def test_the_inquiry_limit_counts_what_it_already_carries(client, auth, services):
    inquiry = new_inquiry(client, auth)
    upload(client, auth["operator"], inquiry, ("1.png", png(6, 5000)))
    body = upload(
        client, auth["operator"], inquiry, ("2.png", png(7, 5500)), ("3.png", png(8, 1000)), expect=413
    )
    assert list(body["errors"]["files"]) == ["2.png"]
    assert "per inquiry" in body["errors"]["files"]["2.png"][0]
    assert [r[1] for r in rows(services)] == ["1.png"]


def test_a_type_not_allowed_and_a_lying_extension_are_refused_by_name(client, auth, services):
    inquiry = new_inquiry(client, auth)
    archive = upload(client, auth["operator"], inquiry, ("材料.zip", ZIP), expect=422)
    assert "application/zip is not allowed" in archive["errors"]["files"]["材料.zip"][0]
    liar = upload(client, auth["operator"], inquiry, ("ok.pdf", pdf()), ("合同.pdf", png(9)), expect=422)
    assert list(liar["errors"]["files"]) == ["合同.pdf"]
    assert "extension lies" in liar["errors"]["files"]["合同.pdf"][0] and "image/png" in liar["message"]
    text = upload(client, auth["operator"], inquiry, ("说明.txt", b"plain text, no magic"), expect=422)
    assert "not a recognised type" in text["errors"]["files"]["说明.txt"][0]
    assert rows(services) == [] and blobs(services) == []


@on_both
def test_a_recording_is_personal_data_and_playing_it_is_an_audited_reveal(client, auth, services):
    inquiry = new_inquiry(client, auth)
    rec = upload(client, auth["operator"], inquiry, ("来电录音.mp3", mp3()))[0]
    assert (rec["kind"], rec["holds_personal_data"]) == ("recording", True)
    path = f"{URL}/{inquiry}/attachments/{rec['id']}/content"
    no_reason = client.get(path, headers=auth["operator"])
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]["json"]
    assert audit_rows(services) == []
    played = client.get(f"{path}?reason=核实来电内容&inline=true", headers=auth["operator"])
    assert played.status_code == 200 and played.data == mp3() and played.mimetype == "audio/mpeg"
    assert played.headers["Content-Disposition"].startswith("inline")
    assert audit_rows(services) == [
        ("话务员甲", "reveal_attachment", "attachment", str(rec["id"]), "核实来电内容")
    ]


def test_marks_public_and_personal_data_are_kept_apart(client, auth, services):
    inquiry = new_inquiry(client, auth)
    client.post(f"{URL}/{inquiry}/dispatch", json={"department": "SFJ"}, headers=auth["operator"])
    refused = upload(client, auth["operator"], inquiry, ("答复.pdf", pdf()), public="true", expect=403)
    assert "attachment:publish" in refused["message"]
    doc = upload(client, auth["department"], inquiry, ("答复.pdf", pdf()), public="true")[0]
    assert (doc["source"], doc["public"], doc["kind"]) == ("department", True, "document")
    both = upload(
        client,
        auth["department"],
        inquiry,
        ("证件.pdf", pdf("x")),
        public="true",
        holds_personal_data="true",
        expect=422,
    )
    assert "public" in both["errors"]["json"]
    not_audio = upload(client, auth["operator"], inquiry, ("x.png", png(10)), kind="recording", expect=422)
    assert "kind" in not_audio["errors"]["json"]
    assert [r[1] for r in rows(services)] == ["答复.pdf"]


def test_form_flags_are_true_or_false_and_a_page_past_the_end_is_empty(client, auth, services):
    inquiry = new_inquiry(client, auth)
    body = upload(client, auth["operator"], inquiry, ("a.png", png(1)), holds_personal_data="yes", expect=422)
    assert "holds_personal_data" in body["errors"]["multipart"]
    far = client.get(f"{URL}/{inquiry}/attachments?page=1124587819581997867597824", headers=auth["operator"])
    assert far.status_code == 200 and far.get_json() == []
    assert rows(services) == []
