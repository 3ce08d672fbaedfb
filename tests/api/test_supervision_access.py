"""Who may do what with 督办单, cell by cell: role x operation x notice.

Written out by hand (not derived from gateway.domain.access), so that a change to the role table nobody
meant shows up as a failing cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from gateway.persistence.supervision_models import SupervisionNotice
from tests.access_grid import ROLES, grid_app
from tests.conftest import inquiry_payload

URL = "/api/v1/supervision-notices"

# The notices each cell is tried on; the department key is 区司法局 (SFJ).
#   S  to SFJ, the lead          C  to HBJ, the lead, with SFJ as co-department (协办)
#   H  to HBJ, the lead, SFJ not involved
SUBJECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "S": ("SFJ", ()),
    "C": ("HBJ", ("SFJ",)),
    "H": ("HBJ", ()),
}
OPERATIONS = ("list", "get", "issue", "acknowledge", "respond")

# One character per subject (S, C, H):
#   2  reached: 200 (201 for issue); a list contains the notice
#   4  invisible: 404; a list (200) does not contain it
#   3  forbidden: 403
GRID: dict[tuple[str, str], str] = {
    # 话务员 reads every notice, issues and answers none.
    ("operator", "list"): "222",
    ("operator", "get"): "222",
    ("operator", "issue"): "333",
    ("operator", "acknowledge"): "333",
    ("operator", "respond"): "333",
    # 综合窗口 has no business with 督办.
    ("window", "list"): "333",
    ("window", "get"): "333",
    ("window", "issue"): "333",
    ("window", "acknowledge"): "333",
    ("window", "respond"): "333",
    # 承办单位 reads and answers the notices addressed to it, not those to the lead it helps (协办).
    ("department", "list"): "244",
    ("department", "get"): "244",
    ("department", "issue"): "333",
    ("department", "acknowledge"): "244",
    ("department", "respond"): "244",
    # 督办员 issues and reads all; the answer is the department's.
    ("supervisor", "list"): "222",
    ("supervisor", "get"): "222",
    ("supervisor", "issue"): "222",
    ("supervisor", "acknowledge"): "333",
    ("supervisor", "respond"): "333",
    # 管理员 may do everything.
    ("admin", "list"): "222",
    ("admin", "get"): "222",
    ("admin", "issue"): "222",
    ("admin", "acknowledge"): "222",
    ("admin", "respond"): "222",
    # System keys: nothing, except the scheduler's 超期督办, which issues (and reads no other notice).
    **{
        (role, op): "333"
        for role in ("system:hotline", "system:website", "system:window", "system:dept_hotline")
        for op in OPERATIONS
    },
    **{("system:department", op): "333" for op in OPERATIONS},
    ("system:scheduler", "list"): "333",
    ("system:scheduler", "get"): "333",
    ("system:scheduler", "issue"): "222",
    ("system:scheduler", "acknowledge"): "333",
    ("system:scheduler", "respond"): "333",
}

ADMIN = Actor("督办矩阵管理员", "admin")
HOTLINE = Actor("督办矩阵12345", "system:hotline")
ANSWERS = {200: "2", 201: "2", 403: "3", 404: "4"}


@dataclass
class Cells:
    app: Flask
    client: FlaskClient
    headers: dict[str, dict[str, str]]
    serial: int = 0

    @property
    def services(self) -> Any:
        return self.app.extensions["gateway"]

    def inquiry(self, subject: str) -> int:
        lead, co = SUBJECTS[subject]
        self.serial += 1
        body = inquiry_payload(
            external_id=f"notice-cell-{self.serial}", kind="help", title="路灯不亮", content="路口的路灯坏了"
        )
        view, _ = self.services.inquiries.intake(body, HOTLINE)
        self.services.inquiries.act(
            view.id, Action.DISPATCH, {"department": lead, "co_departments": list(co)}, ADMIN
        )
        return int(view.id)

    def notice(self, subject: str, acknowledged: bool = False) -> dict[str, Any]:
        inquiry_id = self.inquiry(subject)
        notice = self.services.supervision.issue({"inquiry_id": inquiry_id, "reason": "督办"}, ADMIN)
        if acknowledged:
            self.services.supervision.acknowledge(notice.id, {}, ADMIN)
        return {"id": notice.id, "inquiry_id": inquiry_id}

    def stored(self, notice_id: int) -> tuple[str, str | None, str | None]:
        with self.services.db.read() as session:
            row = session.get(SupervisionNotice, notice_id)
            assert row is not None
            return row.status, row.acknowledged_by, row.response

    def count(self) -> int:
        with self.services.db.read() as session:
            return len(session.query(SupervisionNotice.id).all())


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory, migrated_template: Any) -> Iterator[Cells]:
    app, headers = grid_app(tmp_path_factory, migrated_template, "notice_cells", ROLES)
    yield Cells(app=app, client=app.test_client(), headers=headers)
    app.extensions["gateway"].close()


def test_the_grid_names_every_role_and_operation():
    assert set(GRID) == {(r, o) for r in ROLES for o in OPERATIONS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_cells(cells, role, operation):
    headers = cells.headers[role]
    got = ""
    for subject in SUBJECTS:
        if operation == "issue":
            inquiry_id = cells.inquiry(subject)
            before = cells.count()
            response = cells.client.post(
                URL, json={"inquiry_id": inquiry_id, "reason": "督办"}, headers=headers
            )
            body = response.get_json()
            if response.status_code == 201:
                assert (body["inquiry_id"], body["department"], body["state"]) == (
                    inquiry_id,
                    SUBJECTS[subject][0],
                    "issued",
                )
                assert cells.count() == before + 1
            else:
                assert cells.count() == before, "a refused issue stored a notice"
        elif operation in ("list", "get"):
            notice = cells.notice(subject)
            if operation == "list":
                response = cells.client.get(
                    URL, query_string={"inquiry_id": notice["inquiry_id"]}, headers=headers
                )
                if response.status_code == 200:
                    ids = [n["id"] for n in response.get_json()]
                    assert ids in ([notice["id"]], [])
                    got += "2" if ids else "4"
                    continue
            else:
                response = cells.client.get(f"{URL}/{notice['id']}", headers=headers)
                if response.status_code == 200:
                    assert response.get_json()["id"] == notice["id"]
        else:
            notice = cells.notice(subject, acknowledged=operation == "respond")
            before = cells.stored(notice["id"])
            body = {"response": "已办理"} if operation == "respond" else {"note": "已签收"}
            response = cells.client.post(f"{URL}/{notice['id']}/{operation}", json=body, headers=headers)
            after = cells.stored(notice["id"])
            if response.status_code == 200:
                expected = "responded" if operation == "respond" else "acknowledged"
                assert response.get_json()["state"] == after[0] == expected
            else:
                assert after == before, "a refused answer changed the notice"
        got += ANSWERS.get(response.status_code, str(response.status_code))
        if response.status_code in (403, 404):
            assert response.get_json()["code"] == response.status_code
    assert got == GRID[(role, operation)]
