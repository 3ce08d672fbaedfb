"""The 12345 simulator's request checks, written from PROTOCOL.md (the fields, codes and limits it lists)."""

from __future__ import annotations

import re
from typing import Any

from adapters.hotline.sim_state import (
    CZLX,
    FLAGS,
    GDZT,
    LYQD_OTHER,
    MYD,
    SQLX,
    WORK_ORDER_FIELDS,
    SimError,
    is_time,
)

_PHONE = re.compile(r"[0-9+\-() ]{3,20}")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]|[A-Za-z0-9]{6,20}")


def _missing(name: str) -> SimError:
    return SimError(400, "E1002", f"缺少必填字段：{name}")


def _bad(name: str) -> SimError:
    return SimError(400, "E1003", f"字段格式错误：{name}")


# `where` prefixes the field named in the error, for fields inside a list (e.g. "lb[3].").


def _text(
    body: dict[str, Any],
    name: str,
    max_len: int,
    required: bool = False,
    pattern: re.Pattern[str] | None = None,
    where: str = "",
) -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(where + name)
        return
    if not isinstance(value, str) or len(value) > max_len:
        raise _bad(where + name)
    if pattern is not None and pattern.fullmatch(value) is None:
        raise _bad(where + name)


def _code(body: dict[str, Any], name: str, allowed: set[str], required: bool = True, where: str = "") -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(where + name)
        return
    if value not in allowed:
        raise SimError(400, "E1004", f"代码值无效：{where}{name}")


def _time(body: dict[str, Any], name: str, required: bool = True, where: str = "") -> None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _missing(where + name)
        return
    if not is_time(value):
        raise _bad(where + name)


def _only(body: dict[str, Any], allowed: set[str], where: str = "") -> None:
    for name in body:
        if name not in allowed:
            raise SimError(400, "E1003", f"不支持的字段：{where}{name}")


# A create call carries the work order's own fields; the platform assigns the number, status, 承办单位,
# 办理时限 and update time.
CREATE_FIELDS = (set(WORK_ORDER_FIELDS) - {"gdbh", "gdzt", "cbdw", "cbdwmc", "blsx", "gxsj"}) | {"fjList"}
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


KNOWLEDGE_FIELDS = {"zsbh", "zslx", "zsbt", "zsfl", "zsnr", "ssbm", "ssbmmc", "gjc", "zszt", "bbh", "gxsj"}
KNOWLEDGE_BATCH_MAX = 200


def check_knowledge_batch(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules of POST /api/zsk/plgx; returns the entries (lb)."""
    _only(body, {"pch", "lb"})
    _text(body, "pch", 64)
    entries = body.get("lb")
    if entries is None:
        raise _missing("lb")
    if not isinstance(entries, list) or not 1 <= len(entries) <= KNOWLEDGE_BATCH_MAX:
        raise SimError(400, "E1003", f"字段格式错误：lb（每批1-{KNOWLEDGE_BATCH_MAX}条）")
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"lb[{index}]."
        if not isinstance(entry, dict):
            raise _bad(f"lb[{index}]")
        _only(entry, KNOWLEDGE_FIELDS, where)
        _text(entry, "zsbh", 64, required=True, where=where)
        if entry["zsbh"] in seen:
            raise SimError(400, "E1003", f"字段格式错误：{where}zsbh（批内重复）")
        seen.add(entry["zsbh"])
        _code(entry, "zslx", {"01", "02", "03"}, where=where)
        _text(entry, "zsbt", 200, required=True, where=where)
        _text(entry, "zsfl", 64, where=where)
        _text(entry, "zsnr", 20000, required=True, where=where)
        _text(entry, "ssbm", 32, where=where)
        _text(entry, "ssbmmc", 100, required=True, where=where)
        _text(entry, "gjc", 500, where=where)
        _code(entry, "zszt", FLAGS, where=where)
        version = entry.get("bbh")
        if version is None:
            raise _missing(f"{where}bbh")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise _bad(f"{where}bbh")
        _time(entry, "gxsj", where=where)
    return entries
