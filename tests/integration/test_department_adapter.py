from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from flask import Flask, Response

from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.base.simulator import Fault
from adapters.base.webhooks import new_secret
from adapters.department import (
    AutoDecide,
    DepartmentClient,
    DepartmentInbound,
    DepartmentState,
    create_simulator,
)
from adapters.department.sim_state import DecisionError
from gateway.domain.errors import UpstreamError, UpstreamTimeout
from gateway.domain.inbound import InboundEvent
from tests.conftest import Start
from tests.factories import sample
from tests.integration.receiving import Received, answer, receive

SECRET = new_secret()
SFJ = "11350104003561207K"
HBJ = "11350104MB1C20476R"
Sim = tuple[DepartmentState, DepartmentClient]


class Receiver:
    """A stand-in for the gateway's /webhooks/department: verifies, parses, answers in the system's style."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets
        self.inbound = DepartmentInbound()
        self.down = False
        self.got: list[tuple[str, InboundEvent]] = []
        self.app = Flask("receiver")
        self.app.add_url_rule("/webhooks/department", view_func=self.hook, methods=["POST"])

    def hook(self) -> tuple[Response, int]:
        if self.down:
            return answer(self.inbound.rejected(503, "系统维护中"))
        got = receive(self.inbound, self.secrets)
        if not isinstance(got, Received):
            return got
        webhook_id, [event] = got
        duplicate = any(seen == webhook_id for seen, _ in self.got)
        if not duplicate:
            self.got.append((webhook_id, event))
        return answer(self.inbound.accepted([event.data["receipt_no"]], duplicate=duplicate))

    def statuses(self, task_id: int) -> list[str]:
        return [event.data["status"] for _, event in self.got if event.data["task_id"] == task_id]


@pytest.fixture
def receiver(start: Start) -> tuple[Receiver, str]:
    hub = Receiver([SECRET])
    return hub, f"{start(hub.app).url}/webhooks/department"


def connect(app: Flask, start: Start, session: requests.Session) -> Sim:
    server = start(app)
    return app.extensions["simulator"], DepartmentClient(
        HttpClient("department", server.url, session, timeout=(1, 2))
    )


@pytest.fixture
def sim(start: Start, session: requests.Session) -> Sim:
    return connect(create_simulator(), start, session)


@pytest.fixture
def pushing(start: Start, session: requests.Session, receiver: tuple[Receiver, str]) -> Sim:
    return connect(create_simulator(receiver[1], [SECRET]), start, session)


def message(event_type: str, payload: dict[str, Any], key: str) -> OutboundMessage:
    return OutboundMessage(
        id=1, target="department", event_type=event_type, payload=payload, idempotency_key=key, attempt=1
    )


def task(
    task_id: int = 42,
    department: str = "SFJ",
    missing: bool = False,
    key: str | None = None,
    **overrides: Any,
) -> OutboundMessage:
    payload: dict[str, Any] = {
        "application_id": 7,
        "receipt_no": "SL20261123000015",
        "task_id": task_id,
        "item_code": f"350104-{department}-XK-0007",
        "item_name": "基层法律服务工作者执业核准",
        "department": department,
        "department_name": {"SFJ": "区司法局", "HBJ": "区生态环境局"}[department],
        "applicant": {"name": "林建华", "phone": "13905911234", "id_number": None},
        "materials": [
            {"name": "执业申请表", "provided": True, "key": True},
            {"name": "学历证明", "provided": not missing, "key": False},
        ],
        "incomplete": missing,
        "supplement_due": "2026-11-30T17:00:00+08:00" if missing else None,
        "promised_at": "2026-12-04T17:00:00+08:00",
        "accepted_at": "2026-11-23T02:15:00Z",
        "window": "综合窗口3号",
        "proxy": None,
        "joint": False,
    }
    payload.update(overrides)
    return message("application.task_submitted", payload, key or f"task-{task_id}-submitted")


def supplement(
    task_id: int = 42, department: str = "SFJ", key: str = "task-42-supplement-1"
) -> OutboundMessage:
    payload = {
        "task_id": task_id,
        "receipt_no": "SL20261123000015",
        "item_code": f"350104-{department}-XK-0007",
        "department": department,
        "materials": [{"name": "学历证明", "provided": True}],
        "note": None,
        "at": "2026-11-25T09:40:00+08:00",
    }
    return message("application.supplement", payload, key)


def withdrawal(task_id: int = 43, department: str = "HBJ") -> OutboundMessage:
    payload = {
        "task_id": task_id,
        "receipt_no": "SL20261123000015",
        "department": department,
        "reason": "联办事项已被区司法局不予许可",
        "at": "2026-11-26T07:00:00Z",
    }
    return message("application.withdrawn", payload, f"task-{task_id}-withdrawn")


# ---- outbound ---------------------------------------------------------------------------------


def test_task_push_is_taken_once_under_a_repeated_key(sim: Sim) -> None:
    state, client = sim
    client.send(task(missing=True, proxy="王帮办", joint=True))
    client.send(task(missing=True, proxy="王帮办", joint=True))

    [taken] = state.accepted("task_push")
    assert taken.idempotency_key == "task-42-submitted"
    # The unit tests' expected push (tests/samples), but for the applicant's ID number, which is not given.
    expected = sample("department.task_push", SQR={"XM": "林建华", "SJHM": "13905911234", "ZJHM": ""})
    assert expected["BLBM"] == SFJ
    assert taken.body == expected
    assert [r.duplicate for r in state.received] == [False, True]
    assert [(t["RWBH"], t["BLZT"]) for t in state.tasks()] == [("42", "0101")]


def test_supplement_and_withdrawal_are_recorded(sim: Sim) -> None:
    state, client = sim
    client.send(task(42, missing=True))
    client.send(task(43, "HBJ"))

    client.send(supplement())
    client.send(withdrawal())

    [supplied] = state.accepted("supplement")
    assert supplied.body == {
        "RWBH": "42",
        "BJBH": "SL20261123000015",
        "SXBM": "350104-SFJ-XK-0007",
        "BLBM": SFJ,
        "CLQD": [{"CLMC": "学历证明", "SFTJ": "1"}],
        "BZSM": "",
        "CZSJ": "2026-11-25 09:40:00",
    }
    first = state.task(42)
    assert first is not None and first["BLZT"] == "0101" and first["BZJL"] == [supplied.body]
    assert [m["SFTJ"] for m in first["CLQD"]] == ["1", "1"]
    [withdrawn] = state.accepted("withdraw")
    assert withdrawn.body == {
        "RWBH": "43",
        "BJBH": "SL20261123000015",
        "BLBM": HBJ,
        "CHYY": "联办事项已被区司法局不予许可",
        "CZSJ": "2026-11-26 15:00:00",
    }
    second = state.task(43)
    assert second is not None and (second["BLZT"], second["CHYY"]) == ("0501", "联办事项已被区司法局不予许可")


@pytest.mark.parametrize(
    ("status", "retry_after", "errcode"), [(500, None, "E9999"), (503, None, "E9999"), (429, "7", "E1029")]
)
def test_busy_is_retryable_and_the_retry_goes_through(
    sim: Sim, status: int, retry_after: str | None, errcode: str
) -> None:
    state, client = sim
    state.inject(Fault(status=status, retry_after=retry_after))

    with pytest.raises(UpstreamError) as caught:
        client.send(task())
    assert (caught.value.retryable, caught.value.status, caught.value.system) == (True, status, "department")
    assert f"{errcode} 系统繁忙" in caught.value.reason
    assert caught.value.retry_after == (7.0 if retry_after else None)
    assert state.received == [] and state.tasks() == []

    client.send(task())
    assert [r.body["RWBH"] for r in state.accepted("task_push")] == ["42"]


def test_a_200_saying_e_is_a_failure(sim: Sim) -> None:
    state, client = sim
    state.inject(Fault(status=200))
    with pytest.raises(UpstreamError) as caught:
        client.send(task())
    assert (caught.value.retryable, caught.value.status) == (True, 200)
    assert "E9999 系统繁忙" in caught.value.reason
    assert state.tasks() == []


@pytest.mark.parametrize(
    ("sent", "status", "says"),
    [
        (supplement(department="HBJ"), 400, "E1001 参数错误：BLBM 与任务不符"),
        (supplement(task_id=99), 404, "E1004 任务不存在：99"),
        (task(key="task-42-submitted-again"), 409, "E1009 任务编号已存在：42"),
    ],
)
def test_refusals_are_not_retryable(sim: Sim, sent: OutboundMessage, status: int, says: str) -> None:
    state, client = sim
    client.send(task())

    with pytest.raises(UpstreamError) as caught:
        client.send(sent)
    assert (caught.value.retryable, caught.value.status) == (False, status)
    assert says in caught.value.reason
    assert [r.operation for r in state.received] == ["task_push"]
    assert [(t["RWBH"], t["BLZT"], t["BZJL"]) for t in state.tasks()] == [("42", "0101", [])]


def test_supplement_after_a_decision_is_a_conflict(sim: Sim) -> None:
    state, client = sim
    client.send(task())
    state.refuse(42, "不符合执业条件")
    with pytest.raises(UpstreamError) as caught:
        client.send(supplement())
    assert (caught.value.retryable, caught.value.status) == (False, 409)
    assert "任务不予，不再接收材料" in caught.value.reason


def test_slow_answer_times_out_and_the_retry_does_not_double(sim: Sim) -> None:
    state, client = sim
    state.inject(Fault(delay=2.4))

    with pytest.raises(UpstreamTimeout) as caught:
        client.send(task())
    assert caught.value.retryable is True
    client.send(task())

    deadline = time.monotonic() + 5
    while len(state.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(r.duplicate for r in state.received) == [False, True]
    assert len(state.tasks()) == 1


def test_unknown_events_and_unmappable_messages_send_nothing(sim: Sim) -> None:
    state, client = sim
    for sent, says in [
        (message("inquiry.status_changed", {"number": "SQ1"}, "k1"), "the departments take no"),
        (task(department="SFJ", window=None), "cannot map the message: SLCK"),
    ]:
        with pytest.raises(UpstreamError) as caught:
            client.send(sent)
        assert caught.value.retryable is False
        assert says in caught.value.reason
    assert state.received == []


def test_the_simulator_checks_requests_itself(start: Start, session: requests.Session) -> None:
    url = start(create_simulator()).url
    body = {"RWBH": "42", "BJBH": "SL1", "BLBM": SFJ, "CHYY": None, "CZSJ": "2026-11-26 15:00:00"}

    no_key = session.post(f"{url}/spxt/api/rw/ch", json={**body, "CHYY": "x"}, timeout=5)
    null = session.post(f"{url}/spxt/api/rw/ch", json=body, headers={"Idempotency-Key": "k"}, timeout=5)
    iso = session.post(
        f"{url}/spxt/api/rw/ch",
        json={**body, "CHYY": "x", "CZSJ": "2026-11-26T15:00:00"},
        headers={"Idempotency-Key": "k"},
        timeout=5,
    )

    assert (no_key.status_code, no_key.json()) == (
        400,
        {"flag": "E", "errcode": "E1001", "msg": "参数错误：缺少 Idempotency-Key"},
    )
    assert null.json()["msg"] == "参数错误：CHYY 不能为null"
    assert iso.json()["msg"] == "参数错误：CZSJ 应为 yyyy-MM-dd HH:mm:ss"


# ---- decisions pushed to the gateway ----------------------------------------------------------


def test_decisions_are_pushed_signed_and_parsed(pushing: Sim, receiver: tuple[Receiver, str]) -> None:
    state, client = pushing
    hub, _ = receiver
    client.send(task())

    pushes = [
        state.review(42),
        state.request_correction(42, ["学历证明"], "学历证明复印件不清晰，请提供原件。"),
    ]
    client.send(supplement())
    pushes += [state.review(42), state.grant(42, result_no="ZZ3501042026000017"), state.finish(42)]

    assert [(p.status, p.answer["flag"], p.answer["data"]["CF"]) for p in pushes] == [(200, "S", "0")] * 5
    assert [webhook_id for webhook_id, _ in hub.got] == [p.webhook_id for p in pushes]
    assert hub.statuses(42) == ["under_review", "correction", "under_review", "granted", "done"]
    correction = hub.got[1][1].data
    assert correction == {
        "task_id": 42,
        "receipt_no": "SL20261123000015",
        "department": "SFJ",
        "status": "correction",
        "reason": "学历证明复印件不清晰，请提供原件。",
        "materials": ["学历证明"],
        "result_no": None,
        "at": correction["at"],
    }
    assert correction["at"].tzinfo is not None
    assert abs((correction["at"] - datetime.now(UTC)).total_seconds()) < 60
    assert pushes[1].body["BZCL"] == ["学历证明"] and pushes[1].body["BLBM"] == SFJ
    assert [e.data["result_no"] for _, e in hub.got[3:]] == ["ZZ3501042026000017"] * 2
    assert [(t["RWBH"], t["BLZT"], t["ZZBH"]) for t in state.tasks()] == [
        ("42", "0401", "ZZ3501042026000017")
    ]


def test_a_refusal_withdraws_the_joint_task_of_the_other_department(
    pushing: Sim, receiver: tuple[Receiver, str]
) -> None:
    state, client = pushing
    hub, _ = receiver
    client.send(task(42, joint=True))
    client.send(task(43, "HBJ", joint=True))

    state.refuse(42, "申请人不具备执业条件")
    client.send(withdrawal(43))

    [(_, refused)] = hub.got
    assert (refused.data["status"], refused.data["reason"], refused.data["department"]) == (
        "refused",
        "申请人不具备执业条件",
        "SFJ",
    )
    with pytest.raises(DecisionError) as caught:
        state.grant(43)
    assert (caught.value.status, caught.value.message) == (409, "任务已撤回，不能准予")
    with pytest.raises(DecisionError):
        state.grant(42)
    assert len(hub.got) == 1


def test_grant_waits_for_missing_material(pushing: Sim) -> None:
    state, client = pushing
    client.send(task(missing=True))
    with pytest.raises(DecisionError) as caught:
        state.grant(42)
    assert caught.value.message == "材料未补齐，不能准予：学历证明"
    client.send(supplement())
    assert state.grant(42).body["ZZBH"].startswith("ZZ350104")


def test_a_push_the_gateway_did_not_take_is_sent_again_under_its_id(
    pushing: Sim, receiver: tuple[Receiver, str]
) -> None:
    state, client = pushing
    hub, _ = receiver
    client.send(task())
    hub.down = True
    failed = state.review(42)
    assert (failed.status, failed.answer["errcode"], failed.delivered) == (503, "E9999", False)

    hub.down = False
    [again] = state.redeliver()
    assert (again.status, again.webhook_id, again.delivered) == (200, failed.webhook_id, True)
    assert state.redeliver() == []
    assert hub.statuses(42) == ["under_review"]


def test_pushes_with_a_wrong_secret_are_refused_in_the_system_s_style(
    start: Start, session: requests.Session, receiver: tuple[Receiver, str]
) -> None:
    hub, url = receiver
    state, client = connect(create_simulator(url, [new_secret()]), start, session)
    client.send(task())
    push = state.review(42)
    assert (push.status, push.answer) == (401, {"flag": "E", "errcode": "E1003", "msg": "签名无效"})
    assert hub.got == []


def test_auto_decide_grants_refuses_and_waits_for_material(
    pushing: Sim, receiver: tuple[Receiver, str]
) -> None:
    state, client = pushing
    hub, _ = receiver
    state.set_auto(AutoDecide(refuse=frozenset({"区生态环境局"}), delay=0))

    client.send(task(42))
    client.send(task(43, "HBJ"))
    client.send(task(44, missing=True))
    client.send(task(44, missing=True))
    state.settle()

    assert hub.statuses(42) == ["under_review", "granted", "done"]
    assert hub.statuses(43) == ["under_review", "refused", "done"]
    assert hub.statuses(44) == ["under_review"]
    refused = [e.data for _, e in hub.got if e.data["status"] == "refused"]
    assert refused[0]["reason"] == "经审查，不符合法定条件，不予许可。"

    client.send(supplement(44, key="task-44-supplement-1"))
    state.settle()
    assert hub.statuses(44) == ["under_review", "granted", "done"]


def test_control_endpoints(start: Start, session: requests.Session, receiver: tuple[Receiver, str]) -> None:
    hub, hook = receiver
    url = start(create_simulator(hook, [SECRET])).url
    client = DepartmentClient(HttpClient("department", url, session, timeout=(1, 2)))
    client.send(task())

    def post(path: str, body: Any = None) -> requests.Response:
        return session.post(f"{url}/_sim/{path}", json=body, timeout=5)

    corrected = post("tasks/42/correction", {"materials": ["学历证明"], "reason": "复印件不清晰"})
    no_reason = post("tasks/42/refuse", {})
    too_soon = post("tasks/42/grant", {})
    unknown = post("tasks/99/review")
    bogus = post("tasks/42/approve")
    refused = post("tasks/42/refuse", {"reason": "逾期未补正"})
    auto = post("auto", {"refuse": ["区司法局"], "delay": 0})
    bad_auto = post("auto", {"refuse": "区司法局"})
    bad_fault = post("faults", {"delay": "slow"})

    assert corrected.json()["data"]["status"] == 200
    assert corrected.json()["data"]["body"]["BZCL"] == ["学历证明"]
    assert (no_reason.status_code, no_reason.json()["errcode"]) == (400, "E1001")
    assert (too_soon.status_code, too_soon.json()["msg"]) == (409, "任务补正，不能准予")
    assert (unknown.status_code, unknown.json()["errcode"]) == (404, "E1004")
    assert (bogus.status_code, bogus.json()["errcode"]) == (400, "E1001")
    assert refused.json()["data"]["answer"]["flag"] == "S"
    assert auto.json()["data"] == {
        "enabled": True,
        "refuse": ["区司法局"],
        "finish": True,
        "delay": 0.0,
        "reason": "经审查，不符合法定条件，不予许可。",
    }
    assert (bad_auto.status_code, bad_fault.status_code) == (400, 400)
    assert hub.statuses(42) == ["correction", "refused"]

    snapshot = session.get(f"{url}/_sim/state", timeout=5).json()["data"]
    assert [(t["RWBH"], t["BLZT"], t["BLYJ"]) for t in snapshot["tasks"]] == [("42", "0302", "逾期未补正")]
    assert [r["operation"] for r in snapshot["received"]] == ["task_push"]
    assert [p["body"]["BLZT"] for p in snapshot["pushes"]] == ["0202", "0302"]

    assert post("faults", {"status": 503, "retry_after": 3}).json() == {"flag": "S", "msg": "ok"}
    with pytest.raises(UpstreamError) as caught:
        client.send(task(45))
    assert (caught.value.status, caught.value.retry_after) == (503, 3.0)
    assert post("reset").json()["flag"] == "S"
    assert session.get(f"{url}/_sim/state", timeout=5).json()["data"] == {
        "tasks": [],
        "received": [],
        "pushes": [],
    }
    assert post("auto", {"enabled": False}).json()["data"] == {"enabled": False}
