"""The 12345 platform's payloads <-> the gateway's own shapes. Pure functions, no I/O.

Errors are WireError: inbound functions name the platform's field; outbound functions name the gateway's
field (a message the gateway itself wrote wrong, which no retry can fix).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adapters.hotline import attachment_wire, codes
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent, InboundKind
from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import Action, Status
from gateway.domain.satisfaction import Satisfaction

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PHONE = re.compile(r"[0-9+\-() ]{3,20}")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]|[A-Za-z0-9]{6,20}")
_FLAGS = {"1": True, "0": False}


# ---- inbound: platform -> gateway ----------------------------------------------------------------


def _object(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WireError(field, "must be a JSON object")
    return value


def _text(
    data: Mapping[str, Any],
    field: str,
    *,
    max_len: int,
    required: bool = False,
    pattern: re.Pattern[str] | None = None,
) -> str | None:
    """A string field; "" and absent both mean none (the platform writes either)."""
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise WireError(field, "is required")
        return None
    if not isinstance(value, str):
        raise WireError(field, "must be a string")
    if len(value) > max_len:
        raise WireError(field, f"longer than {max_len} characters")
    if _CONTROL.search(value):
        raise WireError(field, "contains control characters or invalid Unicode")
    if pattern is not None and pattern.fullmatch(value) is None:
        raise WireError(field, "has the wrong format")
    return value


def _required(data: Mapping[str, Any], field: str, max_len: int, **kwargs: Any) -> str:
    value = _text(data, field, max_len=max_len, required=True, **kwargs)
    assert value is not None  # _text raised otherwise
    return value


def _code(data: Mapping[str, Any], field: str, table: Mapping[str, Any]) -> str:
    value = _required(data, field, 8)
    if value not in table:
        raise WireError(field, f"unknown code '{value}'")
    return value


def _flag(data: Mapping[str, Any], field: str) -> bool:
    return _FLAGS[_code(data, field, _FLAGS)]


def work_order_id(order: object) -> str:
    """The 工单编号 of a work order or push, validated."""
    return _required(_object(order, "sj"), "gdbh", 64)


def inquiry_from_work_order(order: object) -> dict[str, Any]:
    """A pushed or listed work order as an InquiryIn-shaped dict (channel hotline, external_id = gdbh)."""
    data = _object(order, "sj")
    gdbh = work_order_id(data)
    kind = codes.SQLX_TO_KIND[_code(data, "sqlx", codes.SQLX_TO_KIND)]
    codes.parse_time(data.get("slsj"), "slsj")  # required by the protocol; the gateway keeps its own time
    return {
        "channel": Channel.HOTLINE.value,
        "external_id": gdbh,
        "kind": kind.value,
        "title": _text(data, "bt", max_len=200),
        "content": _required(data, "sqnr", 20000),
        "category": _text(data, "sffl", max_len=64),
        "address": _text(data, "sqdz", max_len=200),
        "district": _text(data, "ssjd", max_len=64),
        "citizen": {
            "name": _required(data, "ldrxm", 64),
            "phone": _required(data, "ldhm", 20, pattern=_PHONE),
            "id_number": _text(data, "sfzhm", max_len=20, pattern=_ID_NUMBER),
        },
        "public_consent": _flag(data, "sfgk"),
    }


def callback_from_result(result: object) -> dict[str, Any]:
    """A 回访 result as {external_id, number, satisfaction, solved, note}.

    number is the gateway's 诉求编号 (wbbh) when the platform has it: work orders the gateway created
    are known to the gateway only by that number, not by the platform's gdbh.
    """
    data = _object(result, "sj")
    gdbh = work_order_id(data)
    satisfaction = codes.MYD_TO_SATISFACTION[_code(data, "myd", codes.MYD_TO_SATISFACTION)]
    solved = _flag(data, "sfjj")
    codes.parse_time(data.get("hfsj"), "hfsj")
    wbbh = data.get("wbbh")
    return {
        "external_id": gdbh,
        "number": wbbh if isinstance(wbbh, str) and wbbh else None,
        "satisfaction": satisfaction.value,
        "solved": solved,
        "note": _text(data, "hfsm", max_len=4000),
    }


def updated_at(order: object) -> datetime:
    """A listed work order's 更新时间 (the polling cursor)."""
    return codes.parse_time(_object(order, "lb").get("gxsj"), "gxsj")


def inquiry_event(order: object) -> InboundEvent:
    """A pushed (XGD) or listed work order as an inquiry event, keyed by its 工单编号."""
    data = inquiry_from_work_order(order)
    files = attachment_wire.files_from_work_order(_object(order, "sj"))
    return InboundEvent(InboundKind.INQUIRY, data, key=f"XGD:{data['external_id']}", files=files)


def callback_event(result: object) -> InboundEvent:
    """A pushed (HFJG) or listed 回访 as a callback event, keyed by work order and 回访时间.

    The key is the same whichever way the result came, so it is taken in once; a later 回访 of the same
    work order (after 重办) has another time and is a new event.
    """
    data = callback_from_result(result)
    called_back = codes.parse_time(_object(result, "sj").get("hfsj"), "hfsj")
    key = f"HFJG:{data['external_id']}:{codes.format_time(called_back)}"
    return InboundEvent(InboundKind.CALLBACK, data, key=key)


def events_from_listed(order: object) -> list[InboundEvent]:
    """What a work order from the list API tells the gateway, keyed like the pushes it stands in for.

    A work order the platform received itself (lyqd 01) is an inquiry (XGD); a work order called back
    carries its latest 回访 (HFJG), however long ago: the gateway's receipts, not the listing, say whether
    it was taken in already. Work orders the gateway created tell it nothing else.
    """
    data = _object(order, "lb")
    events: list[InboundEvent] = []
    if _code(data, "lyqd", dict.fromkeys(codes.LYQD_CODES)) == codes.LYQD_HOTLINE:
        events.append(inquiry_event(data))
    if data.get("myd") not in (None, ""):
        events.append(callback_event(data))
    return events


# ---- outbound: gateway -> platform ---------------------------------------------------------------


def _need(payload: Mapping[str, Any], field: str) -> str:
    value = _optional_str(payload, field)
    if value is None:
        raise WireError(field, "is required")
    return value


def _optional_str(payload: Mapping[str, Any], field: str) -> str | None:
    value = payload.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise WireError(field, "must be a string")
    return value


def _time(payload: Mapping[str, Any], field: str, required: bool = True) -> str | None:
    value = _need(payload, field) if required else _optional_str(payload, field)
    if value is None:
        return None
    try:
        return codes.iso_to_platform(value)
    except ValueError as err:
        raise WireError(field, f"not an ISO 8601 time with offset ({err})") from None


def _enum(payload: Mapping[str, Any], field: str, table: Mapping[Any, str], enum: type[Any]) -> str:
    value = _need(payload, field)
    try:
        return table[enum(value)]
    except (ValueError, KeyError, TypeError):
        raise WireError(field, f"'{value}' has no code in the 12345 protocol") from None


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if value is not None}


def work_order_request(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A workorder.create payload as the body of POST /api/gd/cjgd."""
    citizen = payload.get("citizen")
    if not isinstance(citizen, Mapping):
        raise WireError("citizen", "must be an object")
    consent = payload.get("public_consent", False)
    if not isinstance(consent, bool):
        raise WireError("public_consent", "must be true or false")
    return _compact(
        {
            "wbbh": _need(payload, "number"),
            "lyqd": _enum(payload, "origin", codes.CHANNEL_TO_LYQD, Channel),
            "lybh": _optional_str(payload, "external_id"),
            "ldrxm": _need(citizen, "name"),
            "ldhm": _need(citizen, "phone"),
            "sfzhm": _optional_str(citizen, "id_number"),
            "bt": _optional_str(payload, "title"),
            "sqnr": _need(payload, "content"),
            "sqlx": _enum(payload, "kind", codes.KIND_TO_SQLX, Kind),
            "sqdz": _optional_str(payload, "address"),
            "ssjd": _optional_str(payload, "district"),
            "sffl": _optional_str(payload, "category"),
            "sfgk": "1" if consent else "0",
            "slsj": _time(payload, "created_at"),
            "fjList": attachment_wire.file_list(payload),  # 附件: links the platform fetches
        }
    )


def feedback_request(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An inquiry.status_changed payload as the body of POST /api/gd/lzfk.

    external_id is the platform's gdbh when the inquiry came from it; otherwise the platform knows the
    work order by the gateway's number (wbbh), given when the gateway created it.
    """
    action_value = _need(payload, "action")
    try:
        action = Action(action_value)
    except ValueError:
        raise WireError("action", f"unknown action '{action_value}'") from None
    workdays = payload.get("workdays")
    if workdays is not None and (isinstance(workdays, bool) or not isinstance(workdays, int)):
        raise WireError("workdays", "must be an integer")
    satisfaction = payload.get("satisfaction")
    key = _optional_str(payload, "external_id")
    return _compact(
        {
            "gdbh": key,
            "wbbh": None if key else _need(payload, "number"),
            "czlx": codes.ACTION_TO_CZLX.get(action, codes.CZLX_STATUS_CHANGE),
            "gdzt": _enum(payload, "status", codes.STATUS_TO_GDZT, Status),
            "czsj": _time(payload, "at"),
            "cbdw": _optional_str(payload, "department"),
            "cbdwmc": _optional_str(payload, "department_name"),
            "blsx": _time(payload, "due_at", required=False),
            "czsm": _optional_str(payload, "note"),
            "czyy": _optional_str(payload, "reason"),
            "yqts": workdays,
            "dfnr": _optional_str(payload, "public_reply"),
            "myd": None
            if satisfaction is None
            else _enum(payload, "satisfaction", codes.SATISFACTION_TO_MYD, Satisfaction),
        }
    )
