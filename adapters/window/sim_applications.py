"""The window simulator's 办件状态通知, written from PROTOCOL.md: checks and the notices kept per 受理编号.

Plain functions over the simulator's store; the simulator calls them under its state's lock. The codes are
the simulator's own copy of the protocol's, so it cannot agree with a mistake in the adapter's tables.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from adapters.window.sim_fields import TIME_SHAPE, text_problem

BJZT = frozenset({"10", "20", "21", "30", "31", "40", "90"})
CZLX = frozenset({"SL", "SC", "BZGZ", "BZ", "ZY", "BY", "CJ", "LQ", "JD"})
APPLICANT = "SQR"
RECEIPT = re.compile(r"SL\d{16}")

# name -> (required, max length)
_TEXTS: dict[str, tuple[bool, int]] = {
    "slbh": (True, 18),
    "bjmc": (True, 200),
    "bjzt": (True, 2),
    "czlx": (True, 4),
    "czsj": (True, 19),
    "yy": (False, 500),
    "bbm": (False, 32),
    "ckmc": (False, 100),
    "yjdh": (False, 64),
    "tzdx": (False, 3),
    "tznr": (False, 300),
}
FIELDS = frozenset({*_TEXTS, "bzcl"})


def notice_problem(body: dict[str, Any]) -> str | None:
    """Why a POST /ckxt/api/bj/zt body is refused (ret 1002), or None."""
    for name in body:
        if name not in FIELDS:
            return f"参数错误：不支持的字段 {name}"
    texts = text_problem(body, _TEXTS, "参数错误：")
    if texts is not None:
        return texts
    if not RECEIPT.fullmatch(body["slbh"]):
        return "参数错误：slbh 应为受理编号（SL+8位日期+8位序号）"
    if body["bjzt"] not in BJZT:
        return "参数错误：bjzt 未知的办件状态"
    if body["czlx"] not in CZLX:
        return "参数错误：czlx 未知的办件操作类型"
    if not TIME_SHAPE.fullmatch(body["czsj"]):
        return "参数错误：czsj 应为 yyyy-MM-dd HH:mm:ss"
    materials = body.get("bzcl", [])
    if not isinstance(materials, list) or not all(
        isinstance(m, str) and m.strip() and len(m) <= 200 for m in materials
    ):
        return "参数错误：bzcl 应为材料名称列表"
    if body.get("tzdx") not in (None, APPLICANT):
        return "参数错误：tzdx 应为 SQR"
    if (body.get("tzdx") is None) != (body.get("tznr") is None):
        return "参数错误：tzdx 与 tznr 须同时给出"
    return None


def take_notice(store: dict[str, list[dict[str, Any]]], body: dict[str, Any], now: str) -> dict[str, Any]:
    """Keep a checked notice under its 受理编号 (the first opens the 办件); tell the applicant when asked."""
    told = body.get("tzdx") == APPLICANT
    store.setdefault(body["slbh"], []).append({**copy.deepcopy(body), "jssj": now})
    return {"slbh": body["slbh"], "bjzt": body["bjzt"], "tz": 1 if told else 0}


def notices(store: dict[str, list[dict[str, Any]]], slbh: str | None) -> list[dict[str, Any]]:
    """The notices of one 办件 in the order received, or every 办件's (by 受理编号, then order)."""
    keys = [slbh] if slbh is not None else sorted(store)
    return [copy.deepcopy(n) for key in keys for n in store.get(key, [])]
