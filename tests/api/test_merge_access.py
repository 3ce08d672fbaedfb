"""Who may use 并单, role by role (written out by hand, like tests/api/test_role_matrix.py's grid):
candidates (GET …/duplicates), merge, unmerge (POST) and the children (GET …/children) of a 12345 call
led by 区司法局 (SFJ). 2 reached, 3 forbidden (403), 4 invisible (404)."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.conftest import inquiry_payload

URL = "/api/v1/inquiries"
#            duplicates, merge, unmerge, children
GRID = {
    "operator": "2222",
    "window": "3334",
    "department": "3332",
    "supervisor": "2222",
    "admin": "2222",
    "system:hotline": "3332",
    "system:website": "3334",
    "system:window": "3334",
    "system:dept_hotline": "3334",
    "system:department": "3333",
}
CODES = {200: "2", 403: "3", 404: "4"}
ADMIN = Actor("管理员", "admin")


@pytest.mark.parametrize("role", sorted(GRID))
def test_merge_endpoints_role_by_role(role, services, client):
    made = []
    for phone in ("13905911234", "13805917777"):
        view, _ = services.inquiries.intake(
            inquiry_payload(citizen={"name": "林建华", "phone": phone}), Actor("话务员", "operator")
        )
        if view.status == "received":
            services.inquiries.act(view.id, Action.DISPATCH, {"department": "SFJ"}, ADMIN)
        made.append(view.id)
    master, child = made
    _, key = services.keys.create(f"矩阵 {role}", role, "SFJ" if role == "department" else None)
    headers = {"Authorization": f"Bearer {key}"}
    body = {"master_id": master, "reason": "同一问题"}
    got = [
        client.get(f"{URL}/{child}/duplicates", headers=headers).status_code,
        client.post(f"{URL}/{child}/merge", json=body, headers=headers).status_code,
        client.post(f"{URL}/{child}/unmerge", json={"reason": "误并"}, headers=headers).status_code,
        client.get(f"{URL}/{master}/children", headers=headers).status_code,
    ]
    assert "".join(CODES[c] for c in got) == GRID[role], got
