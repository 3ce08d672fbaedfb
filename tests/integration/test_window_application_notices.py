"""办件状态通知 over real HTTP: WindowClient -> the window simulator (written from PROTOCOL.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from adapters.base.http import HttpClient
from adapters.base.port import OutboundMessage
from adapters.base.simulator import Fault, ServerThread
from adapters.window import WindowClient, WindowState
from adapters.window import create_simulator as create_window
from gateway.domain.errors import UpstreamError
from gateway.domain.messages import APPLICATION_STATUS

RECEIPT = "SL2026112300000017"
OTHER = "SL2026112300000018"


@pytest.fixture
def server() -> Iterator[ServerThread]:
    server = ServerThread(create_window()).start()
    yield server
    server.stop()


@pytest.fixture
def window(server: ServerThread, session: requests.Session) -> tuple[WindowState, WindowClient]:
    state: WindowState = server.app.extensions["simulator"]
    return state, WindowClient(HttpClient("window", server.url, session, timeout=(1, 2)))


def payload(status: str, action: str, receipt: str = RECEIPT, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "application_id": 17,
        "receipt_no": receipt,
        "title": "食品经营许可(新办)",
        "status": status,
        "action": action,
        "reason": None,
        "refused_by": None,
        "window": "综合窗口3号",
        "at": "2026-11-25T01:40:00+00:00",
        "materials": [],
        "tracking_no": None,
    }
    base.update(overrides)
    return base


def message(data: dict[str, Any], key: str | None = None) -> OutboundMessage:
    key = key or f"app17-{data['action']}-{data['status']}"
    return OutboundMessage(
        id=1, target="window", event_type=APPLICATION_STATUS, payload=data, idempotency_key=key, attempt=1
    )


def test_a_correction_and_a_pickup_reach_the_applicant_in_order(
    window: tuple[WindowState, WindowClient],
) -> None:
    state, client = window
    owed = ["营业执照", "食品经营许可申请书"]
    client.send(message(payload("under_review", "review")))
    client.send(message(payload("correction", "request-correction", materials=owed)))
    client.send(message(payload("under_review", "supplement")))
    client.send(message(payload("under_review", "review", OTHER), key="app18-review-under_review"))
    client.send(message(payload("granted", "grant")))
    client.send(message(payload("ready", "prepare")))
    client.send(message(payload("delivered", "pickup")))

    kept = state.notices(RECEIPT)
    assert [(n["bjzt"], n["czlx"]) for n in kept] == [
        ("20", "SC"),
        ("21", "BZGZ"),
        ("20", "BZ"),
        ("30", "ZY"),
        ("40", "CJ"),
        ("90", "LQ"),
    ]
    assert [n["tznr"] for n in kept if n["tzdx"] == "SQR"] == [
        f"您的办件{RECEIPT}需补正材料：营业执照、食品经营许可申请书，请携带材料到综合窗口3号补交。",
        f"您的办件{RECEIPT}已办结，请到统一出件窗口领取。",
    ]
    assert kept[1]["bzcl"] == ["营业执照", "食品经营许可申请书"]
    assert {n["czsj"] for n in kept} == {"2026-11-25 09:40:00"}  # Beijing time, no zone
    assert all(n["jssj"] for n in kept)
    assert [(n["slbh"], n["bjzt"]) for n in state.notices(OTHER)] == [(OTHER, "20")]
    assert [n["slbh"] for n in state.notices()] == [RECEIPT] * 6 + [OTHER]
    assert state.notices("SL2026112300000099") == []


def test_a_notice_is_taken_once_under_a_repeated_key(
    window: tuple[WindowState, WindowClient], server: ServerThread, session: requests.Session
) -> None:
    state, client = window
    ready = message(payload("ready", "prepare"), key="app17-prepare-ready-1764034800.000000")

    client.send(ready)
    client.send(ready)

    [taken] = state.accepted("application_notice")
    assert taken.idempotency_key == "app17-prepare-ready-1764034800.000000"
    assert taken.body == {
        "slbh": RECEIPT,
        "bjmc": "食品经营许可(新办)",
        "bjzt": "40",
        "czlx": "CJ",
        "yy": None,
        "bbm": None,
        "ckmc": "综合窗口3号",
        "czsj": "2026-11-25 09:40:00",
        "bzcl": [],
        "yjdh": None,
        "tzdx": "SQR",
        "tznr": f"您的办件{RECEIPT}已办结，请到统一出件窗口领取。",
    }
    assert [r.duplicate for r in state.received] == [False, True]
    assert len(state.notices(RECEIPT)) == 1  # the applicant is told once

    # The repeat is answered with the first answer.
    again = session.post(
        f"{server.url}/ckxt/api/bj/zt",
        json=taken.body,
        headers={"Idempotency-Key": taken.idempotency_key},
        timeout=5,
    )
    assert again.json() == {"ret": 0, "message": "ok", "data": {"slbh": RECEIPT, "bjzt": "40", "tz": 1}}
    assert len(state.notices(RECEIPT)) == 1


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (503, None), (429, "7")])
def test_a_busy_window_is_retryable_and_the_retry_goes_through(
    window: tuple[WindowState, WindowClient], status: int, retry_after: str | None
) -> None:
    state, client = window
    state.inject(Fault(status=status, retry_after=retry_after))
    notice = message(payload("correction", "request-correction", materials=["营业执照"]))

    with pytest.raises(UpstreamError) as caught:
        client.send(notice)
    assert (caught.value.retryable, caught.value.status, caught.value.system) == (True, status, "window")
    assert "ret=9999 系统繁忙" in caught.value.reason
    assert caught.value.retry_after == (7.0 if retry_after else None)
    assert state.received == [] and state.notices() == []

    client.send(notice)
    client.send(notice)  # the outbox may send again what it does not know was taken
    assert [(n["bjzt"], n["tzdx"]) for n in state.notices(RECEIPT)] == [("21", "SQR")]


def test_a_200_with_a_nonzero_ret_is_a_failure(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    state.inject(Fault(status=200))
    with pytest.raises(UpstreamError) as caught:
        client.send(message(payload("ready", "prepare")))
    assert (caught.value.retryable, caught.value.status) == (True, 200)
    assert state.notices() == []


def test_a_result_posted_gives_the_tracking_number(window: tuple[WindowState, WindowClient]) -> None:
    state, client = window
    client.send(message(payload("delivered", "post", tracking_no="SF1234567890")))
    [notice] = state.notices(RECEIPT)
    assert (notice["czlx"], notice["yjdh"]) == ("JD", "SF1234567890")
    assert notice["tznr"] == f"您的办件{RECEIPT}已办结，办理结果已邮寄，运单号SF1234567890，请注意查收。"


def test_an_unmappable_payload_is_refused_for_good_and_calls_nobody(
    window: tuple[WindowState, WindowClient],
) -> None:
    state, client = window
    with pytest.raises(UpstreamError) as caught:
        client.send(message(payload("archived", "review")))
    assert caught.value.retryable is False and "bjzt" in caught.value.reason
    assert state.received == []


def test_the_window_refuses_what_the_protocol_does_not_allow(
    server: ServerThread, session: requests.Session
) -> None:
    state: WindowState = server.app.extensions["simulator"]
    url = f"{server.url}/ckxt/api/bj/zt"
    good = {
        "slbh": RECEIPT,
        "bjmc": "就业登记",
        "bjzt": "40",
        "czlx": "CJ",
        "czsj": "2026-11-25 09:40:00",
        "tzdx": "SQR",
        "tznr": f"您的办件{RECEIPT}已办结，请到统一出件窗口领取。",
    }
    cases = [
        (good, {}, "Idempotency-Key"),
        ({**good, "application_id": 17}, {"Idempotency-Key": "k1"}, "application_id"),
        ({**good, "bjzt": "granted"}, {"Idempotency-Key": "k1"}, "bjzt"),
        ({**good, "czsj": "2026-11-25T09:40:00+08:00"}, {"Idempotency-Key": "k1"}, "czsj"),
        ({**good, "slbh": "17"}, {"Idempotency-Key": "k1"}, "slbh"),
        ({**good, "tznr": None}, {"Idempotency-Key": "k1"}, "tznr"),
        ({**good, "bzcl": "营业执照"}, {"Idempotency-Key": "k1"}, "bzcl"),
    ]
    for body, headers, named in cases:
        answer = session.post(url, json=body, headers=headers, timeout=5)
        assert (answer.status_code, answer.json()["ret"]) == (400, 1002), named
        assert named in answer.json()["message"]
    assert state.received == []

    # A refused call is not remembered: its retry under the same key is handled afresh.
    taken = session.post(url, json=good, headers={"Idempotency-Key": "k1"}, timeout=5)
    assert taken.json() == {"ret": 0, "message": "ok", "data": {"slbh": RECEIPT, "bjzt": "40", "tz": 1}}
    quiet = session.post(
        url,
        json={**good, "bjzt": "90", "czlx": "LQ", "tzdx": None, "tznr": None},
        headers={"Idempotency-Key": "k2"},
        timeout=5,
    )
    assert quiet.json()["data"] == {"slbh": RECEIPT, "bjzt": "90", "tz": 0}

    snapshot = session.get(f"{server.url}/_sim/state", timeout=5).json()["data"]
    assert [(n["bjzt"], n["czlx"]) for n in snapshot["applications"][RECEIPT]] == [("40", "CJ"), ("90", "LQ")]
    assert session.post(f"{server.url}/_sim/reset", timeout=5).json()["ret"] == 0
    assert state.notices() == [] and state.received == []
