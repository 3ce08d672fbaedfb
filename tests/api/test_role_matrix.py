"""Every cell of the role matrix, walked through the API: role x action x channel x department.

The expected grid below is written out by hand; it is not derived from gateway.domain.access, so a
change to the role table that nobody meant shows up here as a failing cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from gateway.domain.access import Actor
from gateway.domain.errors import InvalidInput
from gateway.domain.lifecycle import Action
from gateway.persistence.models import AuditEntry, Inquiry, InquiryEvent
from tests.access_grid import ROLES, grid_app
from tests.conftest import inquiry_payload

URL = "/api/v1/inquiries"
PHONE = "13905911234"

# The inquiries each cell is tried on: channel x department. The department key is 区司法局 (SFJ).
#   hS hotline, lead SFJ       hH hotline, lead HBJ       hC hotline, lead HBJ, co-department SFJ
#   wS website, lead SFJ       wH website, lead HBJ       (website messages are forwarded to 12345)
#   nS window, lead SFJ        nH window, lead HBJ
#   dS dept_hotline, lead SFJ  dH dept_hotline, lead HBJ
SUBJECTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "hS": ("hotline", "SFJ", ()),
    "hH": ("hotline", "HBJ", ()),
    "hC": ("hotline", "HBJ", ("SFJ",)),
    "wS": ("website", "SFJ", ()),
    "wH": ("website", "HBJ", ()),
    "nS": ("window", "SFJ", ()),
    "nH": ("window", "HBJ", ()),
    "dS": ("dept_hotline", "SFJ", ()),
    "dH": ("dept_hotline", "HBJ", ()),
}
CHANNELS = ("hotline", "website", "window", "dept_hotline", "api")

# One character per subject, in the order of SUBJECTS (for create: of CHANNELS):
#   2  reached: 200 (201 for create); a list contains the inquiry
#   4  invisible: 404; a list (200) does not contain it
#   3  forbidden: 403, whatever the inquiry
# `create` gives no external_id; `create+id` gives one (a channel system's own id).
GRID: dict[tuple[str, str], str] = {
    # ---- 话务员: reads everything, takes in 12345 calls (no work-order id), handles ----------------
    ("operator", "list"): "222222222",
    ("operator", "get"): "222222222",
    ("operator", "events"): "222222222",
    ("operator", "reveal"): "222222222",
    ("operator", "create"): "23333",
    ("operator", "create+id"): "33333",
    ("operator", "dispatch"): "222222222",
    ("operator", "acknowledge"): "333333333",
    ("operator", "return"): "333333333",
    ("operator", "request-extension"): "333333333",
    ("operator", "approve-extension"): "222222222",
    ("operator", "refuse-extension"): "222222222",
    ("operator", "reply"): "222222222",
    ("operator", "callback"): "222222222",
    ("operator", "close"): "222222222",
    ("operator", "reopen"): "222222222",
    ("operator", "escalate"): "333333333",
    # ---- 窗口人员: reads only counter (window) inquiries, takes them in, no inquiry actions ----------
    ("window", "list"): "444442244",
    ("window", "get"): "444442244",
    ("window", "events"): "444442244",
    ("window", "reveal"): "444442244",
    ("window", "create"): "33233",
    ("window", "create+id"): "33333",
    ("window", "dispatch"): "333333333",
    ("window", "acknowledge"): "333333333",
    ("window", "return"): "333333333",
    ("window", "request-extension"): "333333333",
    ("window", "approve-extension"): "333333333",
    ("window", "refuse-extension"): "333333333",
    ("window", "reply"): "333333333",
    ("window", "callback"): "333333333",
    ("window", "close"): "333333333",
    ("window", "reopen"): "333333333",
    ("window", "escalate"): "333333333",
    # ---- 承办单位 (SFJ): sees what it leads or helps with; acts as lead only; no personal data ---------
    ("department", "list"): "242242424",
    ("department", "get"): "242242424",
    ("department", "events"): "242242424",
    ("department", "reveal"): "333333333",
    ("department", "create"): "33333",
    ("department", "create+id"): "33333",
    ("department", "dispatch"): "333333333",
    ("department", "acknowledge"): "243242424",
    ("department", "return"): "243242424",
    ("department", "request-extension"): "243242424",
    ("department", "approve-extension"): "333333333",
    ("department", "refuse-extension"): "333333333",
    ("department", "reply"): "243242424",
    ("department", "callback"): "333333333",
    ("department", "close"): "333333333",
    ("department", "reopen"): "333333333",
    ("department", "escalate"): "333333333",
    # ---- 督办员: reads everything, supervises, takes nothing in ---------------------------------------
    ("supervisor", "list"): "222222222",
    ("supervisor", "get"): "222222222",
    ("supervisor", "events"): "222222222",
    ("supervisor", "reveal"): "222222222",
    ("supervisor", "create"): "33333",
    ("supervisor", "create+id"): "33333",
    ("supervisor", "dispatch"): "222222222",
    ("supervisor", "acknowledge"): "333333333",
    ("supervisor", "return"): "333333333",
    ("supervisor", "request-extension"): "333333333",
    ("supervisor", "approve-extension"): "222222222",
    ("supervisor", "refuse-extension"): "222222222",
    ("supervisor", "reply"): "333333333",
    ("supervisor", "callback"): "222222222",
    ("supervisor", "close"): "222222222",
    ("supervisor", "reopen"): "222222222",
    ("supervisor", "escalate"): "222222222",
    # ---- 管理员: everything, taking in as an operator or a window clerk does ----------------------------
    ("admin", "list"): "222222222",
    ("admin", "get"): "222222222",
    ("admin", "events"): "222222222",
    ("admin", "reveal"): "222222222",
    ("admin", "create"): "23233",
    ("admin", "create+id"): "33333",
    ("admin", "dispatch"): "222222222",
    ("admin", "acknowledge"): "222222222",
    ("admin", "return"): "222222222",
    ("admin", "request-extension"): "222222222",
    ("admin", "approve-extension"): "222222222",
    ("admin", "refuse-extension"): "222222222",
    ("admin", "reply"): "222222222",
    ("admin", "callback"): "222222222",
    ("admin", "close"): "222222222",
    ("admin", "reopen"): "222222222",
    ("admin", "escalate"): "222222222",
    # ---- 12345: its own calls and the website messages it holds as work orders; 回访 ------------------
    ("system:hotline", "list"): "222224444",
    ("system:hotline", "get"): "222224444",
    ("system:hotline", "events"): "222224444",
    ("system:hotline", "reveal"): "333333333",
    ("system:hotline", "create"): "23333",
    ("system:hotline", "create+id"): "23333",
    ("system:hotline", "dispatch"): "333333333",
    ("system:hotline", "acknowledge"): "333333333",
    ("system:hotline", "return"): "333333333",
    ("system:hotline", "request-extension"): "333333333",
    ("system:hotline", "approve-extension"): "333333333",
    ("system:hotline", "refuse-extension"): "333333333",
    ("system:hotline", "reply"): "333333333",
    ("system:hotline", "callback"): "222224444",
    ("system:hotline", "close"): "333333333",
    ("system:hotline", "reopen"): "333333333",
    ("system:hotline", "escalate"): "333333333",
    # ---- 政府网站: its own messages; takes in, nothing else --------------------------------------------
    ("system:website", "list"): "444224444",
    ("system:website", "get"): "444224444",
    ("system:website", "events"): "444224444",
    ("system:website", "reveal"): "333333333",
    ("system:website", "create"): "32333",
    ("system:website", "create+id"): "32333",
    ("system:website", "dispatch"): "333333333",
    ("system:website", "acknowledge"): "333333333",
    ("system:website", "return"): "333333333",
    ("system:website", "request-extension"): "333333333",
    ("system:website", "approve-extension"): "333333333",
    ("system:website", "refuse-extension"): "333333333",
    ("system:website", "reply"): "333333333",
    ("system:website", "callback"): "333333333",
    ("system:website", "close"): "333333333",
    ("system:website", "reopen"): "333333333",
    ("system:website", "escalate"): "333333333",
    # ---- 综合窗口系统 ----------------------------------------------------------------------------------
    ("system:window", "list"): "444442244",
    ("system:window", "get"): "444442244",
    ("system:window", "events"): "444442244",
    ("system:window", "reveal"): "333333333",
    ("system:window", "create"): "33233",
    ("system:window", "create+id"): "33233",
    ("system:window", "dispatch"): "333333333",
    ("system:window", "acknowledge"): "333333333",
    ("system:window", "return"): "333333333",
    ("system:window", "request-extension"): "333333333",
    ("system:window", "approve-extension"): "333333333",
    ("system:window", "refuse-extension"): "333333333",
    ("system:window", "reply"): "333333333",
    ("system:window", "callback"): "333333333",
    ("system:window", "close"): "333333333",
    ("system:window", "reopen"): "333333333",
    ("system:window", "escalate"): "333333333",
    # ---- 部门专线 (12348) --------------------------------------------------------------------------------
    ("system:dept_hotline", "list"): "444444422",
    ("system:dept_hotline", "get"): "444444422",
    ("system:dept_hotline", "events"): "444444422",
    ("system:dept_hotline", "reveal"): "333333333",
    ("system:dept_hotline", "create"): "33323",
    ("system:dept_hotline", "create+id"): "33323",
    ("system:dept_hotline", "dispatch"): "333333333",
    ("system:dept_hotline", "acknowledge"): "333333333",
    ("system:dept_hotline", "return"): "333333333",
    ("system:dept_hotline", "request-extension"): "333333333",
    ("system:dept_hotline", "approve-extension"): "333333333",
    ("system:dept_hotline", "refuse-extension"): "333333333",
    ("system:dept_hotline", "reply"): "333333333",
    ("system:dept_hotline", "callback"): "333333333",
    ("system:dept_hotline", "close"): "333333333",
    ("system:dept_hotline", "reopen"): "333333333",
    ("system:dept_hotline", "escalate"): "333333333",
    # ---- 部门后台审批系统: applications only; no inquiry at all ----------------------------------------
    ("system:department", "list"): "333333333",
    ("system:department", "get"): "333333333",
    ("system:department", "events"): "333333333",
    ("system:department", "reveal"): "333333333",
    ("system:department", "create"): "33333",
    ("system:department", "create+id"): "33333",
    ("system:department", "dispatch"): "333333333",
    ("system:department", "acknowledge"): "333333333",
    ("system:department", "return"): "333333333",
    ("system:department", "request-extension"): "333333333",
    ("system:department", "approve-extension"): "333333333",
    ("system:department", "refuse-extension"): "333333333",
    ("system:department", "reply"): "333333333",
    ("system:department", "callback"): "333333333",
    ("system:department", "close"): "333333333",
    ("system:department", "reopen"): "333333333",
    ("system:department", "escalate"): "333333333",
    # ---- 督办任务 (the deadline sweep; no key can be issued for it, one is planted to test the row) --------
    ("system:scheduler", "list"): "222222222",
    ("system:scheduler", "get"): "222222222",
    ("system:scheduler", "events"): "222222222",
    ("system:scheduler", "reveal"): "333333333",
    ("system:scheduler", "create"): "33333",
    ("system:scheduler", "create+id"): "33333",
    ("system:scheduler", "dispatch"): "333333333",
    ("system:scheduler", "acknowledge"): "333333333",
    ("system:scheduler", "return"): "333333333",
    ("system:scheduler", "request-extension"): "333333333",
    ("system:scheduler", "approve-extension"): "333333333",
    ("system:scheduler", "refuse-extension"): "333333333",
    ("system:scheduler", "reply"): "333333333",
    ("system:scheduler", "callback"): "333333333",
    ("system:scheduler", "close"): "333333333",
    ("system:scheduler", "reopen"): "333333333",
    ("system:scheduler", "escalate"): "222222222",
}

READS = ("list", "get", "events", "reveal")
ACTIONS = tuple(a.value for a in Action)

# Each action: the state it is tried from, the body it is sent with, and the state it leads to.
STEPS: dict[str, tuple[str, dict[str, Any], str]] = {
    "dispatch": ("dispatched", {}, "dispatched"),  # body: the subject's own departments, filled in below
    "acknowledge": ("dispatched", {}, "acknowledged"),
    "return": ("dispatched", {"reason": "非本单位职责"}, "returned"),
    "request-extension": ("acknowledged", {"workdays": 3, "reason": "需现场核查"}, "extension_requested"),
    "approve-extension": ("extension_requested", {"note": "同意"}, "acknowledged"),
    "refuse-extension": ("extension_requested", {"reason": "理由不足"}, "acknowledged"),
    "reply": ("acknowledged", {"note": "已处理", "public_reply": "已处理完毕"}, "replied"),
    "callback": ("replied", {"satisfaction": "dissatisfied", "solved": False}, "called_back"),
    "close": ("replied", {"note": "办结"}, "closed"),
    "reopen": ("called_back", {"reason": "回访不满意"}, "reopened"),
    "escalate": ("dispatched", {"reason": "督办"}, "dispatched"),
}
# How an inquiry is brought to each state (done through the service, as an administrator).
PATHS: dict[str, list[tuple[Action, dict[str, Any]]]] = {
    "dispatched": [],
    "acknowledged": [(Action.ACKNOWLEDGE, {})],
    "extension_requested": [
        (Action.ACKNOWLEDGE, {}),
        (Action.REQUEST_EXTENSION, {"workdays": 3, "reason": "需现场核查"}),
    ],
    "replied": [(Action.ACKNOWLEDGE, {}), (Action.REPLY, {"note": "已处理", "public_reply": "已处理完毕"})],
    "called_back": [
        (Action.ACKNOWLEDGE, {}),
        (Action.REPLY, {"note": "已处理", "public_reply": "已处理完毕"}),
        (Action.CALLBACK, {"satisfaction": "very_dissatisfied", "solved": False}),
    ],
}
ANSWERS = {200: "2", 403: "3", 404: "4"}
CREATED = {201: "2", 403: "3", 404: "4"}
ADMIN = Actor("矩阵管理员", "admin")
CHANNEL_SYSTEM = {
    c: Actor(f"矩阵{c}", f"system:{c}") for c in ("hotline", "website", "window", "dept_hotline")
}


@dataclass
class Matrix:
    app: Flask
    client: FlaskClient
    headers: dict[str, dict[str, str]]
    readable: dict[str, dict[str, Any]]  # subject -> the inquiry the reads are tried on
    ready: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (subject, state) -> unused ids
    serial: int = 0

    @property
    def services(self) -> Any:
        return self.app.extensions["gateway"]

    def next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:05d}"

    def inquiry(self, subject: str, state: str) -> int:
        """An inquiry of the subject in the state; the same one until an action changes it."""
        pool = self.ready.setdefault((subject, state), [])
        if not pool:
            pool.append(self.make(subject, state)["id"])
        return pool[0]

    def used(self, subject: str, state: str) -> None:
        self.ready[(subject, state)].pop(0)

    def make(self, subject: str, state: str) -> dict[str, Any]:
        channel, lead, co = SUBJECTS[subject]
        inquiries = self.services.inquiries
        # A title no routing rule matches: the inquiry waits for the dispatch made here.
        body = inquiry_payload(
            channel=channel,
            external_id=self.next_id(channel),
            kind="help",
            title="路灯不亮",
            content="路口的路灯坏了",
        )
        view, _ = inquiries.intake(body, CHANNEL_SYSTEM[channel])
        inquiries.act(view.id, Action.DISPATCH, {"department": lead, "co_departments": list(co)}, ADMIN)
        for action, data in PATHS[state]:
            inquiries.act(view.id, action, data, ADMIN)
        return {"id": view.id, "number": view.number}

    def stored(self, inquiry_id: int) -> tuple[str, int, int]:
        """The inquiry's status, its event count and the audit log's length."""
        events = select(func.count()).where(InquiryEvent.inquiry_id == inquiry_id).scalar_subquery()
        audit = select(func.count()).select_from(AuditEntry).scalar_subquery()
        with self.services.db.read() as session:
            row = session.execute(select(Inquiry.status, events, audit).where(Inquiry.id == inquiry_id)).one()
            return row[0], row[1], row[2]

    def count(self) -> int:
        with self.services.db.read() as session:
            return session.scalar(select(func.count()).select_from(Inquiry)) or 0


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, migrated_template: Any) -> Iterator[Matrix]:
    app, headers = grid_app(tmp_path_factory, migrated_template, "matrix", ROLES)
    matrix = Matrix(app=app, client=app.test_client(), headers=headers, readable={})
    matrix.readable = {subject: matrix.make(subject, "dispatched") for subject in SUBJECTS}
    yield matrix
    app.extensions["gateway"].close()


def test_the_grid_names_every_role_and_action():
    assert set(GRID) == {(r, a) for r in ROLES for a in (*READS, "create", "create+id", *ACTIONS)}
    assert all(
        len(v) == (len(CHANNELS) if a.startswith("create") else len(SUBJECTS)) for (_, a), v in GRID.items()
    )


def test_no_key_can_be_issued_for_the_scheduler(matrix):
    with pytest.raises(InvalidInput):
        matrix.services.keys.create("督办任务", "system:scheduler")


def _refused(body: dict[str, Any], expected: str, inquiry_id: int) -> None:
    code = 404 if expected == "4" else 403
    assert body["code"] == code, body
    if code == 404:
        assert body["message"] == f"inquiry {inquiry_id} not found"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("read", READS)
def test_reads(matrix, role, read):
    got: dict[str, str] = {}
    for subject, inquiry in matrix.readable.items():
        before = matrix.stored(inquiry["id"])
        if read == "list":
            response = matrix.client.get(
                URL, query_string={"q": inquiry["number"]}, headers=matrix.headers[role]
            )
            if response.status_code == 200:
                ids = [i["id"] for i in response.get_json()]
                assert ids in ([inquiry["id"]], []), ids
                got[subject] = "2" if ids else "4"
            else:
                got[subject] = ANSWERS.get(response.status_code, str(response.status_code))
                _refused(response.get_json(), got[subject], inquiry["id"])
        else:
            path = {"get": "", "events": "/events", "reveal": "/reveal"}[read]
            url = f"{URL}/{inquiry['id']}{path}"
            if read == "reveal":
                response = matrix.client.post(
                    url, json={"reason": "核实来电人身份"}, headers=matrix.headers[role]
                )
            else:
                response = matrix.client.get(url, headers=matrix.headers[role])
            body = response.get_json()
            got[subject] = ANSWERS.get(response.status_code, str(response.status_code))
            if response.status_code == 200:
                if read == "get":
                    assert body["id"] == inquiry["id"] and body["citizen"]["phone"] == "139****1234"
                elif read == "events":
                    assert [e["action"] for e in body][:2] == ["intake", "dispatch"]
                else:
                    assert body["phone"] == PHONE and body["masked"] is False
            elif response.status_code in (403, 404):
                _refused(body, got[subject], inquiry["id"])
        status, events, audit = matrix.stored(inquiry["id"])
        assert (status, events) == before[:2]
        # Only a reveal that was answered writes the audit log.
        assert audit == before[2] + (1 if read == "reveal" and got[subject] == "2" else 0)
    assert "".join(got[s] for s in SUBJECTS) == GRID[(role, read)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions(matrix, role, action):
    state, body, target = STEPS[action]
    got: dict[str, str] = {}
    for subject, (_, lead, co) in SUBJECTS.items():
        inquiry_id = matrix.inquiry(subject, state)
        before = matrix.stored(inquiry_id)
        data = {"department": lead, "co_departments": list(co)} if action == "dispatch" else body
        response = matrix.client.post(f"{URL}/{inquiry_id}/{action}", json=data, headers=matrix.headers[role])
        answer = response.get_json()
        got[subject] = ANSWERS.get(response.status_code, str(response.status_code))
        status, events, _ = matrix.stored(inquiry_id)
        if response.status_code == 200:
            matrix.used(subject, state)
            assert (answer["id"], answer["status"], status) == (inquiry_id, target, target)
            assert events == before[1] + 1
            with matrix.services.db.read() as session:
                last = session.scalars(
                    select(InquiryEvent)
                    .where(InquiryEvent.inquiry_id == inquiry_id)
                    .order_by(InquiryEvent.id.desc())
                ).first()
                assert last is not None and (last.action, last.actor_role) == (action, role)
        else:
            if response.status_code in (403, 404):
                _refused(answer, got[subject], inquiry_id)
            assert (status, events) == before[:2], "a refused action changed the inquiry"
    assert "".join(got[s] for s in SUBJECTS) == GRID[(role, action)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("with_id", [False, True], ids=["create", "create+id"])
def test_create(matrix, role, with_id):
    got: dict[str, str] = {}
    for channel in CHANNELS:
        external_id = matrix.next_id(f"new-{channel}") if with_id else None
        body = inquiry_payload(
            channel=channel, external_id=external_id, kind="help", title="路灯", content="路灯坏了"
        )
        before = matrix.count()
        response = matrix.client.post(URL, json=body, headers=matrix.headers[role])
        answer = response.get_json()
        got[channel] = CREATED.get(response.status_code, str(response.status_code))
        if response.status_code == 201:
            assert (answer["channel"], answer["external_id"]) == (channel, external_id)
            assert matrix.count() == before + 1
            with matrix.services.db.read() as session:
                intake = session.scalars(
                    select(InquiryEvent).where(InquiryEvent.inquiry_id == answer["id"])
                ).first()
                assert intake is not None and (intake.action, intake.actor_role) == ("intake", role)
        else:
            assert answer["code"] == response.status_code
            assert matrix.count() == before, "a refused intake stored an inquiry"
    key = "create+id" if with_id else "create"
    assert "".join(got[c] for c in CHANNELS) == GRID[(role, key)]
