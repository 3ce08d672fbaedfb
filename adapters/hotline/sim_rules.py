"""The 12345 simulator's request checks, written from PROTOCOL.md (the fields, codes and limits it lists)."""

from __future__ import annotations

import re
from typing import Any

from adapters.hotline.sim_state import CZLX, FLAGS, GDZT, LYQD_OTHER, MYD, SQLX, SimError, is_time

_PHONE = re.compile(r"[0-9+\-() ]{3,20}")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]|[A-Za-z0-9]{6,20}")


def _missing(name: str) -> SimError:
    return SimError(400, "E1002", f"缺少必填字段：{name}")


def _bad(name: str) -> SimError:
    return SimError(400, "E1003", f"字段格式错误：{name}")


def _text(
    body: dict[str, Any],
    name: str,
    max_len: int,
    required: bool = False,
    pattern: re.Pattern[str] | None = None,
) -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return
    if not isinstance(value, str) or len(value) > max_len:
        raise _bad(name)
    if pattern is not None and pattern.fullmatch(value) is None:
        raise _bad(name)


def _code(body: dict[str, Any], name: str, allowed: set[str], required: bool = True) -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return
    if value not in allowed:
        raise SimError(400, "E1004", f"代码值无效：{name}")


def _time(body: dict[str, Any], name: str, required: bool = True) -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(name)
        return
    if not is_time(value):
        raise _bad(name)


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    for name in body:
        if name not in allowed:
            raise SimError(400, "E1003", f"不支持的字段：{name}")


CREATE_FIELDS = {
    "wbbh",
    "lyqd",
    "lybh",
    "ldrxm",
    "ldhm",
    "sfzhm",
    "bt",
    "sqnr",
    "sqlx",
    "sqdz",
    "ssjd",
    "sffl",
    "sfgk",
    "slsj",
}
FEEDBACK_FIELDS = {
    "gdbh",
    "wbbh",
    "czlx",
    "gdzt",
    "czsj",
    "cbdw",
    "cbdwmc",
    "blsx",
    "czsm",
    "czyy",
    "yqts",
    "dfnr",
    "myd",
}


def check_create(body: dict[str, Any]) -> None:
    """The rules of POST /api/gd/cjgd."""
    _only(body, CREATE_FIELDS)
    _text(body, "wbbh", 64, required=True)
    _code(body, "lyqd", LYQD_OTHER)
    _text(body, "lybh", 64)
    _text(body, "ldrxm", 64, required=True)
    _text(body, "ldhm", 20, required=True, pattern=_PHONE)
    _text(body, "sfzhm", 20, pattern=_ID_NUMBER)
    _text(body, "bt", 200)
    _text(body, "sqnr", 20000, required=True)
    _code(body, "sqlx", SQLX)
    _text(body, "sqdz", 200)
    _text(body, "ssjd", 64)
    _text(body, "sffl", 64)
    _code(body, "sfgk", FLAGS)
    _time(body, "slsj")


def check_feedback(body: dict[str, Any]) -> None:
    """The rules of POST /api/gd/lzfk."""
    _only(body, FEEDBACK_FIELDS)
    if not body.get("gdbh") and not body.get("wbbh"):
        raise _missing("gdbh")
    _text(body, "gdbh", 64)
    _text(body, "wbbh", 64)
    _code(body, "czlx", CZLX)
    _code(body, "gdzt", GDZT)
    _time(body, "czsj")
    _text(body, "cbdw", 32, required=body.get("czlx") == "02")
    _text(body, "cbdwmc", 64)
    _time(body, "blsx", required=False)
    _text(body, "czsm", 4000)
    _text(body, "czyy", 4000, required=body.get("czlx") in ("04", "05"))
    days = body.get("yqts")
    if days is None and body.get("czlx") == "05":
        raise _missing("yqts")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60):
        raise _bad("yqts")
    _text(body, "dfnr", 20000)
    _code(body, "myd", MYD, required=False)
