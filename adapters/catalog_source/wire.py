"""The catalog platform's items -> the gateway's item shape (see PROTOCOL.md). Pure mapping, no I/O.

Only a record that is not an object at all is refused (WireError). Every field-level problem is left for
the gateway's validation: a missing field becomes None, a value that does not fit is passed on raw, so
the validation can name the field and what was wrong with it. Nothing is ever invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.base.times import format_beijing, parse_beijing
from gateway.domain.errors import WireError

# The platform keeps Beijing time without a zone suffix (UTC+8 all year): see adapters.base.times.
_INTEGER = re.compile(r"[+-]?\d+")
_WINDOW_SEPARATORS = re.compile(r"[;；]")
_KEYWORD_SEPARATORS = re.compile(r"[,，、]")

OK = "200"
RETRYABLE_CODES = frozenset({"429", "500", "503"})

ITEM_TYPES: dict[str, str] = {
    "01": "licensing",  # 行政许可
    "02": "confirmation",  # 行政确认
    "03": "payment",  # 行政给付
    "04": "adjudication",  # 行政裁决
    "05": "reward",  # 行政奖励
    "06": "filing",  # 行政备案
    "07": "other_power",  # 其他行政权力
    "08": "public_service",  # 公共服务
}
MATERIAL_FORMS: dict[str, str] = {"1": "original", "2": "copy", "3": "electronic"}
FLAGS: dict[str, bool] = {"1": True, "0": False}
# 事项状态 -> retired: "1" 在用, "0" 停用, "2" 已取消.
RETIRED: dict[str, bool] = {"1": False, "0": True, "2": True}
NO_FEE = "不收费"


# ---- times --------------------------------------------------------------------------------------


parse_time = parse_beijing  # `yyyy-MM-dd HH:mm:ss` Beijing time -> an aware datetime


def format_time(iso: str, field: str = "gxsj_start") -> str:
    """The gateway's ISO 8601 (naive means Beijing time) -> `yyyy-MM-dd HH:mm:ss` Beijing time.

    Fractions of a second are dropped: rounding down keeps an inclusive lower bound inclusive.
    """
    return format_beijing(iso, field)


# ---- field readers: None when not given, the raw value when it does not fit ----------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The readers below run ~30 times per record, 100,000 records a sync: a str (the platform's usual
# answer) takes the first branch, everything else the general one.


def _text(value: Any) -> Any:
    if type(value) is str:
        return value.strip() or None
    if _blank(value):
        return None
    return value.strip() if isinstance(value, str) else value


def _integer(value: Any) -> Any:
    if type(value) is str:
        digits = value.strip()
        if not digits:
            return None
        return int(digits) if _INTEGER.fullmatch(digits) else value
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return value


def _code(table: Mapping[str, Any], value: Any) -> Any:
    """A code through its table; an unknown code stays raw so the gateway rejects it by name."""
    if type(value) is str:
        key = value.strip()
        return table.get(key, key) if key else None
    if _blank(value):
        return None
    key = value.strip() if isinstance(value, str) else value
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)  # a platform that forgot to quote its digits still means the same code
    return table.get(key, key) if isinstance(key, str) else key


def _split(value: Any, separators: re.Pattern[str]) -> Any:
    if _blank(value):
        return None
    if isinstance(value, str):
        return [part.strip() for part in separators.split(value) if part.strip()]
    return value  # a list is already what we want; anything else is for the validation to name


def _listed(value: Any) -> Any:
    """A list of objects as given (the caller maps a list; anything else goes on raw), None if absent."""
    return None if _blank(value) else value


def _material(entry: Any) -> Any:
    if not isinstance(entry, Mapping):
        return entry
    return {
        "name": _text(entry.get("CLMC")),
        "form": _code(MATERIAL_FORMS, entry.get("CLXS")),
        "copies": _integer(entry.get("FS")),
        "required": _code(FLAGS, entry.get("SFBX")),
        "key": _code(FLAGS, entry.get("SFHX")),
    }


def _step(entry: Any) -> Any:
    if not isinstance(entry, Mapping):
        return entry
    return {
        "order": _integer(entry.get("XH")),
        "name": _text(entry.get("HJMC")),
        "description": _text(entry.get("HJSM")),
    }


def _fee(charged: Any, standard: Any) -> Any:
    """`SFSF`/`SFBZ` -> one fee text: "不收费", the standard, or None when the platform did not say."""
    if _code(FLAGS, charged) is False:
        return NO_FEE
    return _text(standard)


def _updated_at(value: Any) -> Any:
    if _blank(value):
        return None
    try:
        return parse_time(value, "GXSJ").isoformat()
    except WireError:
        return value


# ---- platform -> gateway ------------------------------------------------------------------------


def item_from_source(item: Any) -> dict[str, Any]:
    """One `items` entry -> the gateway's item shape; WireError only when the record is not an object."""
    if not isinstance(item, Mapping):
        raise WireError("items[]", "事项记录应为JSON对象")
    materials = _listed(item.get("CLXX"))
    steps = _listed(item.get("BLLC"))
    return {
        "item_code": _text(item.get("SXBM")),
        "name": _text(item.get("SXMC")),
        "item_type": _code(ITEM_TYPES, item.get("SXLX")),
        "parent_code": _text(item.get("ZXBM")),
        "department": _text(item.get("SSBMMC")),
        "source_department_code": _text(item.get("SSBM")),
        "legal_basis": _text(item.get("SDYJ")),
        "statutory_days": _integer(item.get("FDBJSX")),
        "promised_days": _integer(item.get("CNBJSX")),
        "materials": [_material(m) for m in materials] if isinstance(materials, list) else materials,
        "fee": _fee(item.get("SFSF"), item.get("SFBZ")),
        "steps": [_step(s) for s in steps] if isinstance(steps, list) else steps,
        "place": _text(item.get("BLDD")),
        "windows": _split(item.get("BLCK"), _WINDOW_SEPARATORS),
        "online_url": _text(item.get("WSBLDZ")),
        "consult_phone": _text(item.get("ZXDH")),
        "complaint_phone": _text(item.get("JDTSDH")),
        "keywords": _split(item.get("GJZ"), _KEYWORD_SEPARATORS),
        "guide": _text(item.get("BSZN")),
        "accepts_incomplete": _code(FLAGS, item.get("SFRQSL")),
        "retired": _code(RETIRED, item.get("SXZT")),
        "updated_at": _updated_at(item.get("GXSJ")),
    }


# ---- answers ------------------------------------------------------------------------------------


def read_answer(parsed: Any) -> tuple[str, str] | None:
    """(`resultCode`, `resultMsg`) of an answer, or None when it is not in the platform's shape."""
    if not isinstance(parsed, Mapping):
        return None
    code = parsed.get("resultCode")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str):
        return None
    return code, str(parsed.get("resultMsg", ""))
