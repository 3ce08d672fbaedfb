from __future__ import annotations

from typing import Any

import pytest

from adapters.base.port import OutboundMessage
from adapters.window import WindowClient, sim_applications
from adapters.window import application_wire as aw
from gateway.domain.applications import AppAction, AppStatus
from gateway.domain.errors import UpstreamError, WireError
from gateway.domain.messages import APPLICATION_STATUS
from tests.factories import factory

RECEIPT = "SL2026112300000017"


payload = factory("window.application_status")


# Every status the gateway has, with an action that leads there.
STEPS = [
    ("accepted", "supplement", "10", "BZ"),
    ("under_review", "review", "20", "SC"),
    ("correction", "request-correction", "21", "BZGZ"),
    ("granted", "grant", "30", "ZY"),
    ("refused", "refuse", "31", "BY"),
    ("ready", "prepare", "40", "CJ"),
    ("delivered", "pickup", "90", "LQ"),
]


def test_every_status_and_action_of_the_gateway_has_a_code() -> None:
    assert set(aw.BJZT) == set(AppStatus)
    assert set(AppAction) <= set(aw.CZLX)
    # The simulator's own copy of the protocol knows every code the adapter sends.
    assert set(aw.BJZT.values()) == sim_applications.BJZT
    assert set(aw.CZLX.values()) == sim_applications.CZLX


@pytest.mark.parametrize(("status", "action", "bjzt", "czlx"), STEPS)
def test_each_status_maps_to_the_windows_codes(status: str, action: str, bjzt: str, czlx: str) -> None:
    extra: dict[str, Any] = {}
    if status == "correction":
        extra["materials"] = ["营业执照"]
    if status == "refused":
        extra = {"reason": "经营场所不符合食品安全要求", "refused_by": "SJJ"}
    body = aw.status_notice(payload(status=status, action=action, **extra))
    assert (body["bjzt"], body["czlx"]) == (bjzt, czlx)
    assert body["slbh"] == RECEIPT and body["bjmc"] == "食品经营许可(新办)" and body["ckmc"] == "综合窗口3号"
    assert sim_applications.notice_problem(body) is None  # the simulator, written from the protocol, takes it


def test_the_body_names_only_window_fields() -> None:
    body = aw.status_notice(payload())
    assert set(body) == {
        "slbh",
        "bjmc",
        "bjzt",
        "czlx",
        "yy",
        "bbm",
        "ckmc",
        "czsj",
        "bzcl",
        "yjdh",
        "tzdx",
        "tznr",
    }
    assert "application_id" not in body  # the window knows the 办件 by slbh


def test_a_review_tells_the_applicant_nothing() -> None:
    body = aw.status_notice(payload())
    assert body["tzdx"] is None and body["tznr"] is None and body["bzcl"] == []


def test_a_correction_request_tells_the_applicant_what_to_bring_and_where() -> None:
    body = aw.status_notice(
        payload(
            status="correction",
            action="request-correction",
            materials=["营业执照", "食品经营许可申请书", "营业执照"],
        )
    )
    assert body["bzcl"] == ["营业执照", "食品经营许可申请书"]  # owed to two departments: named once
    assert body["tzdx"] == "SQR"
    assert body["tznr"] == (
        f"您的办件{RECEIPT}需补正材料：营业执照、食品经营许可申请书，请携带材料到综合窗口3号补交。"
    )


def test_a_correction_request_with_a_reason_and_without_a_window() -> None:
    body = aw.status_notice(
        payload(
            status="correction",
            action="request-correction",
            materials=["营业执照"],
            reason="营业执照已过期",
            window=None,
        )
    )
    assert body["yy"] == "营业执照已过期" and body["ckmc"] is None
    assert body["tznr"] == (
        f"您的办件{RECEIPT}需补正材料：营业执照（原因：营业执照已过期），请携带材料到综合窗口补交。"
    )


def test_a_correction_request_without_a_material_list_still_calls_the_applicant() -> None:
    body = aw.status_notice(payload(status="correction", action="request-correction", materials=None))
    assert body["bzcl"] == []
    assert body["tznr"] == f"您的办件{RECEIPT}需补正材料，请携带材料到综合窗口3号补交。"


def test_another_department_reviewing_during_a_correction_does_not_call_again() -> None:
    body = aw.status_notice(payload(status="correction", action="review", materials=["营业执照"]))
    assert body["bjzt"] == "21" and body["czlx"] == "SC" and body["bzcl"] == ["营业执照"]
    assert body["tzdx"] is None and body["tznr"] is None


def test_a_result_ready_for_pickup() -> None:
    body = aw.status_notice(payload(status="ready", action="prepare"))
    assert body["tzdx"] == "SQR"
    assert body["tznr"] == f"您的办件{RECEIPT}已办结，请到统一出件窗口领取。"


def test_a_refusal_ready_for_pickup_names_the_decision_document() -> None:
    body = aw.status_notice(
        payload(status="ready", action="prepare", reason="经营场所不符合食品安全要求", refused_by="SJJ")
    )
    assert body["yy"] == "经营场所不符合食品安全要求" and body["bbm"] == "SJJ"
    assert body["tznr"] == (
        f"您的办件{RECEIPT}已办结，审批结果为不予许可，请到统一出件窗口领取不予许可决定书。"
    )


def test_a_refusal_itself_is_told_when_the_document_is_ready_not_before() -> None:
    body = aw.status_notice(payload(status="refused", action="refuse", reason="材料不实", refused_by="SJJ"))
    assert body["bjzt"] == "31" and body["bbm"] == "SJJ" and body["tznr"] is None


def test_a_result_sent_by_post_gives_the_tracking_number() -> None:
    body = aw.status_notice(payload(status="delivered", action="post", tracking_no="SF1234567890"))
    assert body["czlx"] == "JD" and body["yjdh"] == "SF1234567890"
    assert body["tznr"] == f"您的办件{RECEIPT}已办结，办理结果已邮寄，运单号SF1234567890，请注意查收。"


def test_a_pickup_at_the_window_tells_nobody() -> None:
    body = aw.status_notice(payload(status="delivered", action="pickup"))
    assert body["tzdx"] is None and body["tznr"] is None and body["yjdh"] is None


@pytest.mark.parametrize(
    ("at", "czsj"),
    [
        ("2026-11-25T09:40:00+08:00", "2026-11-25 09:40:00"),
        ("2026-11-25T01:40:00+00:00", "2026-11-25 09:40:00"),
        ("2026-11-24T20:15:30-05:00", "2026-11-25 09:15:30"),
        ("2026-11-25T17:00:00.123456+00:00", "2026-11-26 01:00:00"),  # across midnight in Beijing
        ("2026-11-25T09:40:00", "2026-11-25 09:40:00"),  # naive means Beijing time
    ],
)
def test_times_are_written_in_beijing_time_without_a_zone(at: str, czsj: str) -> None:
    assert aw.status_notice(payload(at=at))["czsj"] == czsj


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"receipt_no": None}, "slbh"),
        ({"receipt_no": 17}, "slbh"),
        ({"title": ""}, "bjmc"),
        ({"status": "archived"}, "bjzt"),
        ({"status": None}, "bjzt"),
        ({"action": "evaluate"}, "czlx"),
        ({"at": None}, "czsj"),
        ({"at": "yesterday"}, "czsj"),
        ({"materials": "营业执照"}, "bzcl"),
        ({"materials": [1]}, "bzcl"),
        ({"refused_by": 3}, "bbm"),
    ],
)
def test_a_payload_that_cannot_be_mapped_names_the_windows_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(WireError) as caught:
        aw.status_notice(payload(**overrides))
    assert caught.value.field == field


class RecordingHttp:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []

    def request(
        self, method: str, path: str, *, operation: str, json: Any = None, headers: Any = None
    ) -> Any:
        self.calls.append((method, path, json, dict(headers or {})))

        class Answer:
            status_code = 200
            text = '{"ret": 0, "message": "ok", "data": {}}'

        return Answer()


def test_the_client_posts_the_notice_under_the_messages_key() -> None:
    http = RecordingHttp()
    ready = payload(status="ready", action="prepare")
    message = OutboundMessage(
        id=1,
        target="window",
        event_type=APPLICATION_STATUS,
        payload=ready,
        idempotency_key="app17-prepare",
        attempt=1,
    )
    WindowClient(http).send(message)  # type: ignore[arg-type]
    ((method, path, body, headers),) = http.calls
    assert (method, path, headers) == ("POST", "/ckxt/api/bj/zt", {"Idempotency-Key": "app17-prepare"})
    assert body["bjzt"] == "40" and body["tzdx"] == "SQR"


def test_the_client_refuses_an_unmappable_notice_for_good() -> None:
    http = RecordingHttp()
    message = OutboundMessage(
        id=1,
        target="window",
        event_type=APPLICATION_STATUS,
        payload=payload(status="lost"),
        idempotency_key="k",
        attempt=1,
    )
    with pytest.raises(UpstreamError) as caught:
        WindowClient(http).send(message)  # type: ignore[arg-type]
    assert caught.value.retryable is False and "bjzt" in caught.value.reason and not http.calls
