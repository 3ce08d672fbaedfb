"""Who may work a rectification (整改) through the API: role x action x the rated department.

The expected grid is written out by hand, as in test_role_matrix.py; the console's pages (tests/web/
test_rectifications.py) call the same service and so agree with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.domain.access import Actor
from gateway.persistence.application_models import Rectification
from tests.web.seed import FOOD, LEGAL_AID, seed_items
from tests.web.test_rectifications import rated_application

URL = "/api/v1/rectifications"
ADMIN = Actor("整改管理员", "admin")
# The rectifications each cell is tried on: a bad rating of 区司法局 (SFJ, the department key's own) and one
# of 区市场监督管理局 (SJJ).
SUBJECTS = {"rS": LEGAL_AID, "rJ": FOOD}
#   2  reached: 200; a list contains it      4  invisible: 404; a list (200) does not contain it
#   3  forbidden: 403
GRID: dict[tuple[str, str], str] = {
    ("operator", "list"): "33",
    ("operator", "get"): "33",
    ("operator", "callback"): "33",
    ("operator", "close"): "33",
    # 窗口人员: every application is the window's; the list, 回访 and closing of all
    ("window", "list"): "22",
    ("window", "get"): "22",
    ("window", "callback"): "22",
    ("window", "close"): "22",
    # 承办单位 (SFJ): its own ratings only
    ("department", "list"): "24",
    ("department", "get"): "24",
    ("department", "callback"): "24",
    ("department", "close"): "24",
    ("supervisor", "list"): "22",
    ("supervisor", "get"): "22",
    ("supervisor", "callback"): "22",
    ("supervisor", "close"): "22",
    ("admin", "list"): "22",
    ("admin", "get"): "22",
    ("admin", "callback"): "22",
    ("admin", "close"): "22",
    # the systems: none of it (the window system hears of applications, it does not rectify)
    ("system:hotline", "list"): "33",
    ("system:hotline", "get"): "33",
    ("system:hotline", "callback"): "33",
    ("system:hotline", "close"): "33",
    ("system:website", "list"): "33",
    ("system:website", "get"): "33",
    ("system:website", "callback"): "33",
    ("system:website", "close"): "33",
    ("system:window", "list"): "33",
    ("system:window", "get"): "33",
    ("system:window", "callback"): "33",
    ("system:window", "close"): "33",
    ("system:department", "list"): "33",
    ("system:department", "get"): "33",
    ("system:department", "callback"): "33",
    ("system:department", "close"): "33",
}
ROLES = tuple(dict.fromkeys(role for role, _ in GRID))
ACTIONS = ("list", "get", "callback", "close")
ANSWERS = {200: "2", 403: "3", 404: "4"}
CALLBACK = {"note": "已电话回访", "satisfied": True, "measures": "增设叫号窗口"}


def stored(services: Any, rect_id: int) -> tuple[str, str | None]:
    with services.db.read() as session:
        row = session.get(Rectification, rect_id)
        assert row is not None
        return row.status, row.callback_note


@pytest.fixture
def keys(auth, services):
    headers = dict(auth)
    for role in ("system:window", "system:department"):
        _, key = services.keys.create(role, role)
        headers[role] = {"Authorization": f"Bearer {key}"}
    return headers


@pytest.mark.parametrize("role", ROLES)
def test_the_grid(client, keys, services, role):
    seed_items(services)
    ids = {}
    for subject, code in SUBJECTS.items():
        rated_application(services, code, "very_dissatisfied", "等候太久")
        newest = services.evaluations.rectifications(ADMIN, status=None, offset=0, limit=1)
        ids[subject] = newest.items[0]["id"]
    headers = keys[role]
    got: dict[str, list[str]] = {action: [] for action in ACTIONS}
    for rect_id in ids.values():
        listed = client.get(URL, headers=headers)
        if listed.status_code == 200:
            got["list"].append("2" if rect_id in [r["id"] for r in listed.get_json()] else "4")
        else:
            got["list"].append(ANSWERS[listed.status_code])

        one = client.get(f"{URL}/{rect_id}", headers=headers)
        got["get"].append(ANSWERS[one.status_code])
        if one.status_code == 200:
            body = one.get_json()
            assert body["application"]["applicant"] == {
                "name": "陈**",
                "phone": "138****2345",
                "id_number": None,
                "masked": True,
            }
            assert (body["rating"]["level"], body["rating"]["comment"]) == ("very_dissatisfied", "等候太久")

        called = client.post(f"{URL}/{rect_id}/callback", json=CALLBACK, headers=headers)
        got["callback"].append(ANSWERS[called.status_code])
        if called.status_code == 200:
            assert stored(services, rect_id) == ("called_back", "已电话回访")
        else:
            assert called.get_json()["code"] == called.status_code
            assert stored(services, rect_id) == ("open", None), "a refused callback changed it"
            services.evaluations.callback(rect_id, {**CALLBACK, "note": "管理员回访"}, ADMIN)

        closed = client.post(f"{URL}/{rect_id}/close", json={"measures": "已整改"}, headers=headers)
        got["close"].append(ANSWERS[closed.status_code])
        assert stored(services, rect_id)[0] == ("closed" if closed.status_code == 200 else "called_back")
    for action in ACTIONS:
        assert "".join(got[action]) == GRID[(role, action)], action


def test_the_grid_names_every_human_role_and_the_systems():
    assert set(ROLES) == {
        "operator",
        "window",
        "department",
        "supervisor",
        "admin",
        "system:hotline",
        "system:website",
        "system:window",
        "system:department",
    }


def test_free_text_is_shown_without_the_applicants_data_and_stored_as_written(client, auth, services):
    seed_items(services)
    rated_application(services, LEGAL_AID, "dissatisfied", comment="我是陈晓燕，电话13805912345，窗口态度差")
    (listed,) = client.get("/api/v1/rectifications", headers=auth["department"]).get_json()
    assert listed["rating"]["comment"] == "我是陈**，电话138****2345，窗口态度差"
    assert listed["application"]["applicant"]["phone"] == "138****2345"
    called = client.post(
        f"/api/v1/rectifications/{listed['id']}/callback",
        json={"satisfied": True, "note": "陈晓燕13805912345表示接受", "measures": "回电13805912345致歉"},
        headers=auth["department"],
    )
    assert called.status_code == 200, called.get_json()
    body = called.get_json()
    assert (body["callback_note"], body["measures"]) == ("陈**138****2345表示接受", "回电138****2345致歉")
    row = stored_rect(services, listed["id"])
    assert (row.callback_note, row.measures) == ("陈晓燕13805912345表示接受", "回电13805912345致歉")
    # Who recorded the 回访 and who closed it are kept with the record.
    closed = client.post(f"/api/v1/rectifications/{listed['id']}/close", json={}, headers=auth["supervisor"])
    assert closed.status_code == 200, closed.get_json()
    assert (body["callback_by"], closed.get_json()["closed_by"]) == (
        "司法局经办人 (department)",
        "督办员 (supervisor)",
    )
    row = stored_rect(services, listed["id"])
    assert (row.callback_by, row.closed_by) == ("司法局经办人 (department)", "督办员 (supervisor)")


def stored_rect(services: Any, rect_id: int) -> Rectification:
    with services.db.read() as session:
        row = session.get(Rectification, rect_id)
        assert row is not None
        session.expunge(row)
        return row
