"""The window system's payloads <-> the gateway's own terms (see PROTOCOL.md). Pure mapping, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base.fields import code_for, need
from adapters.base.http import json_answer
from adapters.base.json_body import load_object, optional_text, required_text
from adapters.base.times import format_beijing, parse_beijing
from gateway.domain.errors import WireError
from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import INTAKE, Action, Status
from gateway.domain.satisfaction import Satisfaction

# The window keeps Beijing time without a zone suffix: UTC+8 all year.

INQUIRY_RECORD = "SQDJ"  # 业务类型 诉求登记

KINDS: dict[str, Kind] = {
    "ZX": Kind.CONSULT,
    "QZ": Kind.HELP,
    "TS": Kind.COMPLAINT,
    "JB": Kind.REPORT,
    "JY": Kind.SUGGESTION,
    "BY": Kind.PRAISE,
}

STATUSES: dict[Status, str] = {
    Status.RECEIVED: "10",
    Status.DISPATCHED: "20",
    Status.ACKNOWLEDGED: "30",
    Status.RETURNED: "31",
    Status.EXTENSION_REQUESTED: "32",
    Status.REPLIED: "40",
    Status.CALLED_BACK: "50",
    Status.REOPENED: "60",
    Status.CLOSED: "90",
}

ACTIONS: dict[str, str] = {
    INTAKE: "SL",
    Action.DISPATCH: "PD",
    Action.ACKNOWLEDGE: "QS",
    Action.RETURN: "TD",
    Action.REQUEST_EXTENSION: "YQSQ",
    Action.APPROVE_EXTENSION: "YQTY",
    Action.REFUSE_EXTENSION: "YQJJ",
    Action.REPLY: "DF",
    Action.CALLBACK: "HF",
    Action.CLOSE: "BJ",
    Action.REOPEN: "CB",
    Action.ESCALATE: "DB",
}

SATISFACTION: dict[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "5",
    Satisfaction.SATISFIED: "4",
    Satisfaction.BASICALLY_SATISFIED: "3",
    Satisfaction.DISSATISFIED: "2",
    Satisfaction.VERY_DISSATISFIED: "1",
}

# HTTP status of a refusal -> the window's ret code.
RET_CODES: dict[int, int] = {
    400: 1002,
    401: 1003,
    403: 1003,
    404: 1004,
    409: 1009,
    413: 1013,
    422: 1002,
    429: 1029,
}
RET_BUSY = 9999


# ---- times --------------------------------------------------------------------------------------


parse_time = parse_beijing  # `yyyy-MM-dd HH:mm:ss` Beijing time -> an aware datetime


def format_time(iso: str | None, field: str) -> str | None:
    """The gateway's ISO 8601 (naive means Beijing time) -> `yyyy-MM-dd HH:mm:ss` Beijing time."""
    if iso is None:
        return None
    return format_beijing(iso, field)


# ---- window -> gateway --------------------------------------------------------------------------


load_body = load_object  # a push body as a JSON object


def _text(body: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
    return optional_text(body, key, prefix + key)


def _required(body: Mapping[str, Any], key: str, prefix: str = "") -> str:
    return required_text(body, key, prefix + key)


def record_type(body: Mapping[str, Any]) -> str:
    """The push's 业务类型 (`ywlx`)."""
    return _required(body, "ywlx")


def inquiry_from_record(body: Mapping[str, Any]) -> dict[str, Any]:
    """A 诉求登记 record -> data shaped like the gateway's InquiryIn (channel window)."""
    code = _required(body, "sqlx")
    if code not in KINDS:
        raise WireError("sqlx", f"未知的诉求类型: {code}")
    applicant = body.get("sqr")
    if not isinstance(applicant, Mapping):
        raise WireError("sqr", "必填，应为对象")
    consent = body.get("gkbz", "0")
    if consent not in ("0", "1"):
        raise WireError("gkbz", '应为 "0" 或 "1"')
    # Required by the protocol though the inquiry keeps no place for them (they stay in the window system).
    _required(body, "ckbh")
    _required(body, "blry")
    parse_time(body.get("djsj"), "djsj")
    return {
        "channel": Channel.WINDOW.value,
        "external_id": _required(body, "jlbh"),
        "kind": KINDS[code].value,
        "title": _text(body, "sxmc"),
        "content": _required(body, "nr"),
        "address": _text(body, "dz"),
        "district": _text(body, "ssjd"),
        "citizen": {
            "name": _required(applicant, "xm", "sqr."),
            "phone": _required(applicant, "lxdh", "sqr."),
            "id_number": _text(applicant, "zjhm", "sqr."),
        },
        "public_consent": consent == "1",
    }


def answer_ok(references: list[str], duplicate: bool) -> dict[str, Any]:
    """The window's success answer to a push, carrying the 诉求编号."""
    return {
        "ret": 0,
        "message": "ok",
        "data": {"sqbh": references[0] if references else None, "cf": 1 if duplicate else 0},
    }


def answer_error(status: int, reason: str) -> dict[str, Any]:
    """The window's error answer for an HTTP status."""
    return {"ret": RET_CODES.get(status, RET_BUSY if status >= 500 else 1000), "message": reason}


# ---- gateway -> window --------------------------------------------------------------------------


def status_notice(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An `inquiry.status_changed` payload about a window record -> the window's 状态通知 body."""
    note = payload.get("reason") or payload.get("note")
    satisfaction = payload.get("satisfaction")
    return {
        "jlbh": need(payload, "external_id", "jlbh"),
        "sqbh": need(payload, "number", "sqbh"),
        "zt": code_for(STATUSES, need(payload, "status", "zt"), "zt"),
        "czlx": code_for(ACTIONS, need(payload, "action", "czlx"), "czlx"),
        "bldw": payload.get("department_name"),
        "blsx": format_time(payload.get("due_at"), "blsx"),
        "czsj": format_time(need(payload, "at", "czsj"), "czsj"),
        "sm": note,
        "yqgzr": payload.get("workdays"),
        "dfnr": payload.get("public_reply"),
        "myd": None if satisfaction is None else code_for(SATISFACTION, satisfaction, "myd"),
    }


def read_answer(body: str | None) -> tuple[int, str] | None:
    """(`ret`, `message`) of an answer, or None when it is not in the window's shape."""
    data = json_answer(body)
    if data is None or not isinstance(data.get("ret"), int):
        return None
    return data["ret"], str(data.get("message", ""))
