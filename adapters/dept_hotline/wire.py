"""The specialist lines' transfer payloads <-> the gateway's own terms (see PROTOCOL.md). Pure mapping."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.base.fields import code_for, need
from adapters.base.http import json_answer
from adapters.base.json_body import load_object, optional_text, required_text
from adapters.base.kind_codes import KINDS_12345
from adapters.base.times import format_beijing, parse_beijing
from gateway.domain.errors import WireError
from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import Status
from gateway.domain.satisfaction import Satisfaction

# The lines keep Beijing time without a zone suffix: UTC+8 all year.
LINE_CODE = re.compile(r"\d{3,8}")
MAX_CALL_ID = 50  # so that `<rxhm>:<thbh>` fits the gateway's 64-character external id
SOURCE_LINE = "12345"  # 来源热线 of every call the gateway transfers

KINDS: dict[str, Kind] = dict(KINDS_12345)  # 来电类型 lx: the 12345 family's codes
KIND_CODES: dict[Kind, str] = {kind: code for code, kind in KINDS.items()}

STATUSES: dict[Status, str] = {
    Status.RECEIVED: "DPD",
    Status.DISPATCHED: "YPD",
    Status.ACKNOWLEDGED: "BLZ",
    Status.RETURNED: "YTD",
    Status.EXTENSION_REQUESTED: "YQZ",
    Status.REPLIED: "YDF",
    Status.CALLED_BACK: "YHF",
    Status.REOPENED: "CB",
    Status.CLOSED: "YBJ",
}

SATISFACTION: dict[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY_SATISFIED: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
    Satisfaction.VERY_DISSATISFIED: "非常不满意",
}


# ---- times --------------------------------------------------------------------------------------


parse_time = parse_beijing  # `yyyy-MM-dd HH:mm:ss` Beijing time -> an aware datetime


def format_time(iso: str | None, field: str) -> str | None:
    """The gateway's ISO 8601 (naive means Beijing time) -> `yyyy-MM-dd HH:mm:ss` Beijing time."""
    if iso is None:
        return None
    return format_beijing(iso, field)


# ---- identities ---------------------------------------------------------------------------------


def call_reference(line: str, call_id: str) -> str:
    """The gateway's external_id of a call a line transferred: `<rxhm>:<thbh>`."""
    return f"{line}:{call_id}"


def split_call_reference(external_id: str) -> tuple[str, str]:
    """`12348:<thbh>` -> (line, call id)."""
    line, sep, call_id = external_id.partition(":")
    if not sep or not LINE_CODE.fullmatch(line) or not call_id:
        raise WireError("thbh", f"不是专线来电的编号: {external_id!r}")
    return line, call_id


# ---- line -> gateway ----------------------------------------------------------------------------


load_body = load_object  # a push body as a JSON object


_text = optional_text  # "" (the system's empty value) and a missing field are both None
_required = required_text


def line_of(body: Mapping[str, Any]) -> str:
    """The `rxhm` a body names, checked for shape."""
    line = _required(body, "rxhm")
    if not LINE_CODE.fullmatch(line):
        raise WireError("rxhm", "热线号码应为3-8位数字")
    return line


def inquiry_from_call(body: Mapping[str, Any]) -> dict[str, Any]:
    """A call transferred to 12345 -> InquiryIn-shaped data (dept_hotline) plus its transfer record."""
    line = line_of(body)
    call_id = _required(body, "thbh")
    if len(call_id) > MAX_CALL_ID:
        raise WireError("thbh", f"通话编号不能超过{MAX_CALL_ID}个字符")
    code = _required(body, "lx")
    if code not in KINDS:
        raise WireError("lx", f"未知的来电类型: {code}")
    return {
        "channel": Channel.DEPT_HOTLINE.value,
        "external_id": call_reference(line, call_id),
        "kind": KINDS[code].value,
        "title": _text(body, "bt"),
        "content": _required(body, "nr"),
        "address": _text(body, "dz"),
        "citizen": {"name": _required(body, "ldrxm"), "phone": _required(body, "ldhm"), "id_number": None},
        "public_consent": False,  # the lines do not ask callers about publication
        "transfer": {
            "line": line,
            "call_id": call_id,
            "agent": _required(body, "zxy"),
            "reason": _text(body, "zjyy"),
            "transferred_at": parse_time(body.get("zjsj"), "zjsj"),
        },
    }


def answer_ok(references: list[str], duplicate: bool) -> dict[str, Any]:
    """The lines' success answer to a push, carrying the 诉求编号 as 接收编号."""
    return {"status": "OK", "reason": "", "jsbh": references[0] if references else None, "cf": duplicate}


def answer_error(reason: str) -> dict[str, Any]:
    """The lines' error answer."""
    return {"status": "ERROR", "reason": reason}


# ---- gateway -> line ----------------------------------------------------------------------------


def transfer_in(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A `transfer.create` payload -> the line's transfer-in body."""
    citizen = payload.get("citizen") or {}
    return {
        "rxhm": need(payload, "line", "rxhm"),
        "lyrx": SOURCE_LINE,
        "lybh": need(payload, "number", "lybh"),
        "lx": code_for(KIND_CODES, need(payload, "kind", "lx"), "lx"),
        "bt": payload.get("title"),
        "nr": need(payload, "content", "nr"),
        "ldrxm": need(citizen, "name", "ldrxm"),
        "ldhm": need(citizen, "phone", "ldhm"),
        "zjyy": payload.get("reason"),
        "zjsj": format_time(need(payload, "at", "zjsj"), "zjsj"),
    }


def status_callback(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An `inquiry.status_changed` payload about a call the line transferred -> the line's status body."""
    line, call_id = split_call_reference(need(payload, "external_id", "thbh"))
    satisfaction = payload.get("satisfaction")
    return {
        "rxhm": line,
        "thbh": call_id,
        "lybh": need(payload, "number", "lybh"),
        "blzt": code_for(STATUSES, need(payload, "status", "blzt"), "blzt"),
        "bldw": payload.get("department_name"),
        "blsx": format_time(payload.get("due_at"), "blsx"),
        "czsj": format_time(need(payload, "at", "czsj"), "czsj"),
        "sm": payload.get("reason") or payload.get("note"),
        "dfnr": payload.get("public_reply"),
        "myd": None if satisfaction is None else code_for(SATISFACTION, satisfaction, "myd"),
    }


def read_answer(body: str | None) -> tuple[str, str] | None:
    """(`status`, `reason`) of an answer, or None when it is not in the lines' shape."""
    data = json_answer(body)
    if data is None or data.get("status") not in ("OK", "ERROR"):
        return None
    return data["status"], str(data.get("reason") or "")
