"""Who may list, upload and open attachments: the inquiry's visibility (Actor.scope) first, then the
permission; a recording is a reveal (pii:read). Every cell asserted, with the audit log it leaves."""

from __future__ import annotations

import io

import pytest

from tests.attachment_samples import mp3, png
from tests.conftest import audit_rows, inquiry_payload

URL = "/api/v1/inquiries"

# role: (list, upload, open a photo, open a recording with a reason)
GRID = {
    "operator": (200, 201, 200, 200),
    "window": (404, 404, 404, 404),  # the counter's clerk does not see 12345 calls
    "department": (200, 201, 200, 403),  # the lead (SFJ) sees it, but holds no pii:read
    "department_hbj": (404, 404, 404, 404),  # neither lead nor co-department
    "supervisor": (200, 403, 200, 200),
    "admin": (200, 201, 200, 200),
    "system:hotline": (200, 403, 200, 403),
    "system:website": (404, 403, 404, 404),
}

NAMES = {"operator": "话务员甲", "supervisor": "督办员", "admin": "管理员"}


@pytest.fixture
def case(client, auth):
    created = client.post(URL, json=inquiry_payload(), headers=auth["operator"]).get_json()
    inquiry = created["id"]
    dispatched = client.post(
        f"{URL}/{inquiry}/dispatch", json={"department": "SFJ"}, headers=auth["operator"]
    )
    assert dispatched.status_code == 200
    data = {"files": [(io.BytesIO(png(1)), "photo.png"), (io.BytesIO(mp3()), "call.mp3")]}
    made = client.post(f"{URL}/{inquiry}/attachments", data=data, headers=auth["operator"]).get_json()
    return inquiry, made[0]["id"], made[1]["id"]


@pytest.mark.parametrize("role", sorted(GRID))
def test_access_per_role(client, auth, services, case, role):
    inquiry, photo, recording = case
    headers = auth[role]
    listed = client.get(f"{URL}/{inquiry}/attachments", headers=headers)
    data = {"files": [(io.BytesIO(png(2)), "more.png")]}
    uploaded = client.post(f"{URL}/{inquiry}/attachments", data=data, headers=headers)
    opened = client.get(f"{URL}/{inquiry}/attachments/{photo}/content", headers=headers)
    played = client.get(f"{URL}/{inquiry}/attachments/{recording}/content?reason=核实", headers=headers)
    got = (listed.status_code, uploaded.status_code, opened.status_code, played.status_code)
    assert got == GRID[role]
    if listed.status_code == 200:
        assert [a["filename"] for a in listed.get_json()][:2] == ["photo.png", "call.mp3"]
    if opened.status_code == 200:
        assert opened.data == png(1)
    # Only a recording played writes the audit log, under the key's name (the operator's own upload and
    # the photo never do).
    expected = [(NAMES.get(role), "reveal_attachment", "attachment", str(recording), "核实")]
    assert audit_rows(services) == (expected if played.status_code == 200 else [])


def test_without_a_key_nothing_is_told(client, case):
    inquiry, photo, _ = case
    for response in (
        client.get(f"{URL}/{inquiry}/attachments"),
        client.get(f"{URL}/{inquiry}/attachments/{photo}/content"),
        client.post(f"{URL}/{inquiry}/attachments", data={"files": [(io.BytesIO(png()), "x.png")]}),
    ):
        assert response.status_code == 401


def test_an_attachment_of_another_inquiry_is_not_found(client, auth, case):
    _, photo, _ = case
    other = client.post(URL, json=inquiry_payload(title="别的"), headers=auth["operator"]).get_json()["id"]
    response = client.get(f"{URL}/{other}/attachments/{photo}/content", headers=auth["operator"])
    assert response.status_code == 404 and "attachment" in response.get_json()["message"]
