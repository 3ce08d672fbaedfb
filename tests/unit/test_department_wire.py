from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.base.http import HttpClient, make_session
from adapters.base.port import OutboundMessage
from adapters.department import DepartmentClient, DepartmentInbound, wire
from adapters.department.codes import DEPARTMENTS
from adapters.department.sim_rules import UNITS, push_problem, supplement_problem, withdraw_problem
from gateway.domain.errors import UpstreamError
from tests.factories import factory, keys_of, refusal, sample

PROTOCOL = Path(__file__).resolve().parents[2] / "adapters" / "department" / "PROTOCOL.md"
# Every field name PROTOCOL.md puts in backticks (the gateway's department codes aside).
SYSTEM_NAMES = set(re.findall(r"`([A-Z]{2,6})`", PROTOCOL.read_text("utf-8"))) - set(DEPARTMENTS)
SFJ = "11350104003561207K"
HBJ = "11350104MB1C20476R"


def values_of(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in values_of(v)]
    if isinstance(value, list):
        return [x for v in value for x in values_of(v)]
    return [value]


task_payload = factory("department.task")
supplement_payload = factory("department.supplement")
withdrawn_payload = factory("department.withdrawn")
report = factory("department.report")


def parse(body: dict[str, Any]) -> dict[str, Any]:
    [event] = DepartmentInbound().parse(json.dumps(body, ensure_ascii=False).encode())
    assert event.kind == "task_status"
    return event.data


# ---- gateway -> system ------------------------------------------------------------------------


def test_task_push_maps_every_field() -> None:
    expected = sample("department.task_push")
    assert expected["BLBM"] == SFJ
    assert wire.task_push(task_payload()) == expected


def test_absent_values_go_out_as_empty_strings_never_null() -> None:
    body = wire.task_push(
        task_payload(
            applicant={"name": "林建华", "phone": "13905911234", "id_number": None},
            materials=[{"name": "执业申请表", "provided": True, "key": True}],
            incomplete=False,
            supplement_due=None,
            proxy=None,
            joint=False,
        )
    )
    empty = (body["SQR"]["ZJHM"], body["BZQX"], body["DBR"])
    assert empty == ("", "", "") and (body["RQSL"], body["LB"]) == ("0", "0")
    assert None not in values_of(body)
    assert push_problem(body) is None


def test_supplement_and_withdrawal_map_every_field() -> None:
    assert wire.supplement(supplement_payload()) == {
        "RWBH": "42",
        "BJBH": "SL20261123000015",
        "SXBM": "350104-SFJ-XK-0007",
        "BLBM": SFJ,
        "CLQD": [{"CLMC": "学历证明", "SFTJ": "1"}],
        "BZSM": "申请人补交学历证明原件",
        "CZSJ": "2026-11-25 09:40:00",
    }
    assert wire.supplement(supplement_payload(note=None))["BZSM"] == ""
    assert wire.withdrawal(withdrawn_payload()) == {
        "RWBH": "43",
        "BJBH": "SL20261123000015",
        "BLBM": HBJ,
        "CHYY": "联办事项已被区司法局不予许可",
        "CZSJ": "2026-11-26 15:00:00",
    }


def test_the_simulator_accepts_what_the_adapter_sends() -> None:
    assert push_problem(wire.task_push(task_payload())) is None
    assert supplement_problem(wire.supplement(supplement_payload())) is None
    assert withdraw_problem(wire.withdrawal(withdrawn_payload())) is None


def test_no_gateway_names_or_codes_leak_outbound() -> None:
    gateway_names = keys_of(task_payload()) | keys_of(supplement_payload()) | keys_of(withdrawn_payload())
    bodies = [
        wire.task_push(task_payload()),
        wire.supplement(supplement_payload()),
        wire.withdrawal(withdrawn_payload()),
    ]
    for body in bodies:
        assert keys_of(body) <= SYSTEM_NAMES
        assert not keys_of(body) & gateway_names
        assert not set(map(str, values_of(body))) & set(DEPARTMENTS)
    assert "application_id" not in json.dumps(bodies)
    assert not {7, "7"} & set(values_of(bodies[0]))


def protocol_table() -> dict[str, str]:
    rows = re.findall(r"^\| `([A-Z]+)` +\| `([0-9A-Z]{18})` \| (\S+) \|$", PROTOCOL.read_text("utf-8"), re.M)
    return {code: blbm for code, blbm, _ in rows}


def test_the_department_table_is_the_protocol_s() -> None:
    assert protocol_table() == DEPARTMENTS
    assert set(UNITS) == set(DEPARTMENTS.values())
    assert set(DEPARTMENTS) == {"SFJ", "SJJ", "RSJ", "ZJJ", "CGJ", "HBJ", "JYJ", "WJJ", "MZJ", "JTJ", "XZFW"}
    assert len(set(DEPARTMENTS.values())) == len(DEPARTMENTS)


@pytest.mark.parametrize(("code", "blbm"), sorted(DEPARTMENTS.items()))
def test_each_department_code_maps_both_ways(code: str, blbm: str) -> None:
    assert wire.task_push(task_payload(department=code))["BLBM"] == blbm
    assert wire.withdrawal(withdrawn_payload(department=code))["BLBM"] == blbm
    assert parse(report(BLBM=blbm))["department"] == code


@pytest.mark.parametrize(
    ("iso", "beijing"),
    [
        ("2026-11-23T10:15:00+08:00", "2026-11-23 10:15:00"),
        ("2026-11-23T02:15:00+00:00", "2026-11-23 10:15:00"),
        ("2026-11-22T18:15:00Z", "2026-11-23 02:15:00"),
        ("2026-12-31T16:30:00-05:00", "2027-01-01 05:30:00"),
        ("2026-11-23T10:15:00", "2026-11-23 10:15:00"),
        ("2026-11-23T10:15:00.987654+08:00", "2026-11-23 10:15:00"),
    ],
)
def test_times_go_out_as_beijing_time(iso: str, beijing: str) -> None:
    assert wire.task_push(task_payload(accepted_at=iso))["SLSJ"] == beijing
    assert wire.withdrawal(withdrawn_payload(at=iso))["CZSJ"] == beijing


def test_times_come_in_as_aware_datetimes() -> None:
    at = parse(report(CZSJ="2026-11-24 01:30:00"))["at"]
    assert at == datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    assert at.utcoffset() is not None and at.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"receipt_no": None}, "BJBH"),
        ({"task_id": "42"}, "RWBH"),
        ({"task_id": True}, "RWBH"),
        ({"item_code": " "}, "SXBM"),
        ({"department": "XX"}, "BLBM"),
        ({"department": None}, "BLBM"),
        ({"applicant": {"name": "林建华"}}, "SQR.SJHM"),
        ({"applicant": "林建华"}, "SQR"),
        ({"materials": [{"name": "执业申请表", "key": True}]}, "CLQD[0].SFTJ"),
        ({"materials": [{"name": "执业申请表", "provided": True, "key": "1"}]}, "CLQD[0].SFHX"),
        ({"materials": [{"provided": True, "key": True}]}, "CLQD[0].CLMC"),
        ({"materials": None}, "CLQD"),
        ({"incomplete": "yes"}, "RQSL"),
        ({"supplement_due": None}, "BZQX"),
        ({"supplement_due": "next week"}, "BZQX"),
        ({"promised_at": "2026-12-04"}, "CNBJSJ"),
        ({"promised_at": None}, "CNBJSJ"),
        ({"accepted_at": 1764000000}, "SLSJ"),
        ({"window": None}, "SLCK"),
        ({"proxy": 5}, "DBR"),
        ({"joint": None}, "LB"),
    ],
)
def test_unmappable_task_names_the_system_field(change: dict[str, Any], field: str) -> None:
    assert refusal(wire.task_push, task_payload(**change)).field == field


@pytest.mark.parametrize(
    ("builder", "change", "field"),
    [
        (wire.supplement, {"materials": []}, "CLQD"),
        (wire.supplement, {"at": None}, "CZSJ"),
        (wire.supplement, {"task_id": 0}, "RWBH"),
        (wire.withdrawal, {"reason": ""}, "CHYY"),
        (wire.withdrawal, {"department": "sfj"}, "BLBM"),
    ],
)
def test_unmappable_supplement_or_withdrawal_names_the_system_field(
    builder: Any, change: dict[str, Any], field: str
) -> None:
    payload = supplement_payload(**change) if builder is wire.supplement else withdrawn_payload(**change)
    assert refusal(builder, payload).field == field


def message(event_type: str, payload: dict[str, Any]) -> OutboundMessage:
    return OutboundMessage(
        id=1, target="department", event_type=event_type, payload=payload, idempotency_key="k", attempt=1
    )


@pytest.mark.parametrize(
    ("event_type", "payload", "reason"),
    [
        ("inquiry.status_changed", {}, "the departments take no inquiry.status_changed"),
        ("application.task_submitted", task_payload(department="XX"), "cannot map the message: BLBM"),
        ("application.withdrawn", withdrawn_payload(reason=None), "cannot map the message: CHYY"),
    ],
)
def test_client_refuses_what_it_cannot_send_without_calling(
    event_type: str, payload: Any, reason: str
) -> None:
    # Port 9 (discard) is never reached: the message is refused before any request.
    client = DepartmentClient(HttpClient("department", "http://127.0.0.1:9", make_session()))
    with pytest.raises(UpstreamError) as caught:
        client.send(message(event_type, payload))
    assert (caught.value.retryable, caught.value.system, caught.value.status) == (False, "department", None)
    assert caught.value.reason.startswith(reason)


# ---- system -> gateway ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blzt", "extra", "expected"),
    [
        ("0201", {}, {"status": "under_review", "reason": None, "materials": [], "result_no": None}),
        (
            "0202",
            {"BLYJ": "学历证明复印件不清晰，请提供原件。", "BZCL": ["学历证明", " 身份证 "]},
            {
                "status": "correction",
                "reason": "学历证明复印件不清晰，请提供原件。",
                "materials": ["学历证明", "身份证"],
                "result_no": None,
            },
        ),
        (
            "0301",
            {"BLYJ": "准予许可", "ZZBH": "ZZ3501042026000001"},
            {"status": "granted", "reason": "准予许可", "materials": [], "result_no": "ZZ3501042026000001"},
        ),
        (
            "0302",
            {"BLYJ": "不符合执业条件", "ZZBH": "ZZ-ignored", "BZCL": ["学历证明"]},
            {"status": "refused", "reason": "不符合执业条件", "materials": [], "result_no": None},
        ),
        (
            "0401",
            {"BLYJ": "已办结", "ZZBH": "ZZ3501042026000001"},
            {"status": "done", "reason": "已办结", "materials": [], "result_no": "ZZ3501042026000001"},
        ),
    ],
)
def test_every_pushed_status_maps(blzt: str, extra: dict[str, Any], expected: dict[str, Any]) -> None:
    data = parse(report(BLZT=blzt, **extra))
    assert data == {
        "task_id": 42,
        "receipt_no": "SL20261123000015",
        "department": "SFJ",
        "at": datetime(2026, 11, 24, 1, 30, tzinfo=UTC),
        **expected,
    }
    assert not keys_of(data) & SYSTEM_NAMES
    assert SFJ not in values_of(data) and blzt not in values_of(data)


def test_missing_optional_fields_are_taken_as_empty() -> None:
    body = {k: v for k, v in report().items() if k not in ("BLYJ", "BZCL", "ZZBH", "BLR", "BLBMMC", "SXBM")}
    assert parse(body)["reason"] is None and parse(body)["materials"] == []


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"BLZT": "0101"}, "BLZT", "不推送的办理状态: 0101（已接收）"),
        ({"BLZT": "0501"}, "BLZT", "不推送的办理状态: 0501（已撤回）"),
        ({"BLZT": "0999"}, "BLZT", "未知的办理状态"),
        ({"BLZT": ""}, "BLZT", "必填"),
        ({"BLZT": "0202", "BZCL": ["学历证明"]}, "BLYJ", "补正和不予时必填"),
        ({"BLZT": "0302", "BLYJ": "  "}, "BLYJ", "补正和不予时必填"),
        ({"BLZT": "0202", "BLYJ": "缺材料", "BZCL": []}, "BZCL", "补正时不能为空"),
        ({"BZCL": "学历证明"}, "BZCL", "应为字符串数组"),
        ({"BZCL": ["学历证明", 3]}, "BZCL[1]", "应为非空字符串"),
        ({"RWBH": "T42"}, "RWBH", "任务编号应为数字"),
        ({"RWBH": 42}, "RWBH", "应为字符串"),
        ({"BJBH": None}, "BJBH", "必填"),
        ({"BLBM": "SFJ"}, "BLBM", "未知的办理部门"),
        ({"CZSJ": "2026-11-24T09:30:00+08:00"}, "CZSJ", "yyyy-MM-dd HH:mm:ss"),
        ({"CZSJ": "2026-02-30 09:30:00"}, "CZSJ", "不是有效的日期时间"),
        ({"XXLX": "BJZT"}, "XXLX", "不支持的消息类型"),
    ],
)
def test_unreadable_report_names_the_system_field(change: dict[str, Any], field: str, says: str) -> None:
    error = refusal(parse, report(**change))
    assert error.field == field
    assert says in error.reason


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", "{}".encode("utf-16")])
def test_a_body_that_is_not_a_json_object_is_refused(raw: bytes) -> None:
    assert refusal(DepartmentInbound().parse, raw).field == "$"


def test_answers_are_in_the_system_s_style() -> None:
    inbound = DepartmentInbound()
    fresh = inbound.accepted(["SL20261123000015"], duplicate=False)
    again = inbound.accepted(["SL20261123000015"], duplicate=True)
    assert (fresh.status, fresh.body) == (
        200,
        {"flag": "S", "msg": "接收成功", "data": {"JSBH": "SL20261123000015", "CF": "0"}},
    )
    assert again.body["data"] == {"JSBH": "SL20261123000015", "CF": "1"}
    assert inbound.accepted([], duplicate=False).body["data"]["JSBH"] == ""
    refused = {
        status: inbound.rejected(status, "原因") for status in (400, 401, 404, 409, 418, 422, 429, 503)
    }
    assert {status: ack.body["errcode"] for status, ack in refused.items()} == {
        400: "E1001",
        401: "E1003",
        404: "E1004",
        409: "E1009",
        418: "E1000",
        422: "E1001",
        429: "E1029",
        503: "E9999",
    }
    assert refused[409].status == 409
    assert refused[409].body == {"flag": "E", "errcode": "E1009", "msg": "原因"}


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ('{"flag": "S", "msg": "接收成功", "data": {}}', ("S", "", "接收成功")),
        ('{"flag": "E", "errcode": "E1004", "msg": "任务不存在：9"}', ("E", "E1004", "任务不存在：9")),
        ('{"ret": 0}', None),
        ("<html>502</html>", None),
        (None, None),
    ],
)
def test_read_answer(text: str | None, read: tuple[str, str, str] | None) -> None:
    assert wire.read_answer(text) == read
