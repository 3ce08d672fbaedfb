"""The approval system's payloads <-> the gateway's own terms (see PROTOCOL.md). Pure mapping, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.base.fields import need
from adapters.base.http import json_answer
from adapters.base.json_body import load_object, optional_text, required_text
from adapters.base.times import format_beijing, parse_beijing
from adapters.department.codes import (
    CORRECTION,
    DEPARTMENT_OF_BLBM,
    DEPARTMENTS,
    ERR_BUSY,
    ERR_OTHER,
    ERRCODES,
    FLAG_ERROR,
    FLAG_OK,
    NO,
    NOT_PUSHED,
    REFUSED,
    STATUSES,
    YES,
)
from gateway.domain.applications import TaskStatus
from gateway.domain.errors import WireError

_DIGITS = re.compile(r"[0-9]{1,18}")


# ---- times --------------------------------------------------------------------------------------


parse_time = parse_beijing  # `yyyy-MM-dd HH:mm:ss` Beijing time -> an aware datetime


def format_time(iso: Any, field: str) -> str:
    """The gateway's ISO 8601 (naive means Beijing time) -> `yyyy-MM-dd HH:mm:ss` Beijing time."""
    if isinstance(iso, str) and len(iso.strip()) <= 10:
        # A bare date would silently become midnight: too early for a deadline, so it is refused.
        raise WireError(field, f"时间缺少时刻: {iso!r}")
    return format_beijing(iso, field)


# ---- gateway -> system --------------------------------------------------------------------------


def _need_text(payload: Mapping[str, Any], key: str, field: str) -> str:
    value = need(payload, key, field)
    if not isinstance(value, str) or not value.strip():
        raise WireError(field, f"{key} 应为非空字符串")
    return value.strip()


def _or_empty(payload: Mapping[str, Any], key: str, field: str) -> str:
    """An optional text: the system writes an absent value as "" (never null)."""
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WireError(field, f"{key} 应为字符串")
    return value.strip()


def _flag(value: Any, field: str) -> str:
    if not isinstance(value, bool):
        raise WireError(field, f"应为布尔值: {value!r}")
    return YES if value else NO


def _task_number(payload: Mapping[str, Any]) -> str:
    value = need(payload, "task_id", "RWBH")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise WireError("RWBH", f"task_id 应为正整数: {value!r}")
    return str(value)


def department_code(department: Any) -> str:
    """The gateway's department code -> the system's 办理部门 (BLBM)."""
    try:
        return DEPARTMENTS[department]
    except (KeyError, TypeError):
        raise WireError("BLBM", f"没有对应的办理部门代码: {department!r}") from None


def _materials(payload: Mapping[str, Any], with_key: bool) -> list[dict[str, str]]:
    items = need(payload, "materials", "CLQD")
    if not isinstance(items, list):
        raise WireError("CLQD", "materials 应为数组")
    listed: list[dict[str, str]] = []
    for index, item in enumerate(items):
        where = f"CLQD[{index}]"
        if not isinstance(item, Mapping):
            raise WireError(where, "应为对象")
        entry = {
            "CLMC": _need_text(item, "name", f"{where}.CLMC"),
            "SFTJ": _flag(item.get("provided"), f"{where}.SFTJ"),
        }
        if with_key:
            entry["SFHX"] = _flag(item.get("key"), f"{where}.SFHX")
        listed.append(entry)
    return listed


def task_push(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An `application.task_submitted` payload -> the system's 任务推送 body."""
    applicant = need(payload, "applicant", "SQR")
    if not isinstance(applicant, Mapping):
        raise WireError("SQR", "applicant 应为对象")
    incomplete = _flag(payload.get("incomplete"), "RQSL")
    due = payload.get("supplement_due")
    if incomplete == YES and due is None:
        raise WireError("BZQX", "容缺受理须有补正期限")
    return {
        "BJBH": _need_text(payload, "receipt_no", "BJBH"),
        "RWBH": _task_number(payload),
        "SXBM": _need_text(payload, "item_code", "SXBM"),
        "SXMC": _need_text(payload, "item_name", "SXMC"),
        "BLBM": department_code(payload.get("department")),
        "BLBMMC": _need_text(payload, "department_name", "BLBMMC"),
        "SQR": {
            "XM": _need_text(applicant, "name", "SQR.XM"),
            "SJHM": _need_text(applicant, "phone", "SQR.SJHM"),
            "ZJHM": _or_empty(applicant, "id_number", "SQR.ZJHM"),
        },
        "CLQD": _materials(payload, with_key=True),
        "RQSL": incomplete,
        "BZQX": "" if due is None else format_time(due, "BZQX"),
        "CNBJSJ": format_time(need(payload, "promised_at", "CNBJSJ"), "CNBJSJ"),
        "SLSJ": format_time(need(payload, "accepted_at", "SLSJ"), "SLSJ"),
        "SLCK": _need_text(payload, "window", "SLCK"),
        "DBR": _or_empty(payload, "proxy", "DBR"),
        "LB": _flag(payload.get("joint"), "LB"),
    }


def supplement(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An `application.supplement` payload -> the system's 补正/补齐材料 body."""
    materials = _materials(payload, with_key=False)
    if not materials:
        raise WireError("CLQD", "补正材料不能为空")
    return {
        "RWBH": _task_number(payload),
        "BJBH": _need_text(payload, "receipt_no", "BJBH"),
        "SXBM": _need_text(payload, "item_code", "SXBM"),
        "BLBM": department_code(payload.get("department")),
        "CLQD": materials,
        "BZSM": _or_empty(payload, "note", "BZSM"),
        "CZSJ": format_time(need(payload, "at", "CZSJ"), "CZSJ"),
    }


def withdrawal(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An `application.withdrawn` payload -> the system's 任务撤回 body."""
    return {
        "RWBH": _task_number(payload),
        "BJBH": _need_text(payload, "receipt_no", "BJBH"),
        "BLBM": department_code(payload.get("department")),
        "CHYY": _need_text(payload, "reason", "CHYY"),
        "CZSJ": format_time(need(payload, "at", "CZSJ"), "CZSJ"),
    }


def read_answer(body: str | None) -> tuple[str, str, str] | None:
    """(`flag`, `errcode`, `msg`) of an answer, or None when it is not in the system's shape."""
    data = json_answer(body)
    if data is None or data.get("flag") not in (FLAG_OK, FLAG_ERROR):
        return None
    return data["flag"], str(data.get("errcode") or ""), str(data.get("msg") or "")


# ---- system -> gateway --------------------------------------------------------------------------


load_body = load_object  # a push body as a JSON object


_text = optional_text  # "" (the system's empty value) and a missing field are both None
_required = required_text


def _names(body: Mapping[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise WireError(key, "应为字符串数组")
    names: list[str] = []
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise WireError(f"{key}[{index}]", "应为非空字符串")
        names.append(name.strip())
    return names


def report_type(body: Mapping[str, Any]) -> str:
    """The push's 消息类型 (`XXLX`)."""
    return _required(body, "XXLX")


def task_status(body: Mapping[str, Any]) -> dict[str, Any]:
    """A 办理状态推送 -> the gateway's task status report (kind "task_status")."""
    number = _required(body, "RWBH")
    if not _DIGITS.fullmatch(number):
        raise WireError("RWBH", f"任务编号应为数字: {number}")
    blbm = _required(body, "BLBM")
    if blbm not in DEPARTMENT_OF_BLBM:
        raise WireError("BLBM", f"未知的办理部门: {blbm}")
    code = _required(body, "BLZT")
    if code in NOT_PUSHED:
        raise WireError("BLZT", f"不推送的办理状态: {code}（{NOT_PUSHED[code]}）")
    if code not in STATUSES:
        raise WireError("BLZT", f"未知的办理状态: {code}")
    status = STATUSES[code]
    reason = _text(body, "BLYJ")
    if code in (CORRECTION, REFUSED) and reason is None:
        raise WireError("BLYJ", "补正和不予时必填")
    materials = _names(body, "BZCL")
    if code == CORRECTION and not materials:
        raise WireError("BZCL", "补正时不能为空")
    result_no = _text(body, "ZZBH")
    return {
        "task_id": int(number),
        "receipt_no": _required(body, "BJBH"),
        "department": DEPARTMENT_OF_BLBM[blbm],
        "status": status.value,
        "reason": reason,
        "materials": materials if code == CORRECTION else [],
        "result_no": result_no if status in (TaskStatus.GRANTED, TaskStatus.DONE) else None,
        "at": parse_time(body.get("CZSJ"), "CZSJ"),
    }


def answer_ok(references: list[str], duplicate: bool) -> dict[str, Any]:
    """The system's success answer to a push; `CF` "1" when it had been received before."""
    return {
        "flag": FLAG_OK,
        "msg": "重复推送，已接收" if duplicate else "接收成功",
        "data": {"JSBH": references[0] if references else "", "CF": YES if duplicate else NO},
    }


def answer_error(status: int, reason: str) -> dict[str, Any]:
    """The system's error answer for an HTTP status."""
    errcode = ERRCODES.get(status, ERR_BUSY if status >= 500 else ERR_OTHER)
    return {"flag": FLAG_ERROR, "errcode": errcode, "msg": reason}
