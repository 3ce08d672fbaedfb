"""The window simulator's item catalog (事项同步), written from PROTOCOL.md: checks, storage and listing.

Plain functions over the simulator's item store; the simulator calls them under its state's lock. The codes
are the simulator's own copy of the protocol's, so it cannot agree with a mistake in the adapter's tables.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.window.sim_fields import TIME_SHAPE, text_problem

MAX_ITEMS = 100
SXLX = frozenset({"XK", "QR", "JF", "CJ", "JL", "BA", "QT", "GG"})
CLXS = frozenset({"YJ", "FYJ", "DZJ"})
FLAGS = ("0", "1")
IN_USE, STOPPED = "1", "0"
_CODE = re.compile(r"[0-9A-Za-z._-]{1,64}")

# name -> (required when 在用, max length)
_TEXTS: dict[str, tuple[bool, int]] = {
    "sxmc": (True, 200),
    "fsxbm": (False, 64),
    "bldw": (True, 100),
    "bldwbm": (False, 32),
    "sfbz": (False, 200),
    "bldd": (False, 200),
    "wbdz": (False, 500),
    "zxdh": (False, 64),
    "jddh": (False, 64),
}
ITEM_FIELDS = frozenset(
    {*_TEXTS, "sxbm", "sxlx", "cnsx", "fdsx", "clqd", "sfrq", "sfsf", "blck", "zt", "bbh", "gxsj"}
)
MATERIAL_FIELDS = frozenset({"clmc", "clxs", "fs", "sfbx", "sfhx"})


def batch_problem(body: dict[str, Any]) -> str | None:
    """Why a POST /ckxt/api/sx/tb body is refused (ret 1002), or None."""
    for name in body:
        if name not in ("tbpc", "sxlb"):
            return f"参数错误：不支持的字段 {name}"
    if body.get("tbpc") is not None and not isinstance(body["tbpc"], str):
        return "参数错误：tbpc 应为字符串"
    items = body.get("sxlb")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        return f"参数错误：sxlb 应为1-{MAX_ITEMS}个事项"
    seen: set[str] = set()
    for index, item in enumerate(items):
        problem = _item_problem(item, f"sxlb[{index}]")
        if problem is not None:
            return f"参数错误：{problem}"
        if item["sxbm"] in seen:
            return f"参数错误：sxlb[{index}].sxbm 批内重复"
        seen.add(item["sxbm"])
    return None


def apply_batch(store: dict[str, dict[str, Any]], items: list[dict[str, Any]], now: str) -> dict[str, int]:
    """Store checked items by 事项编码; an item older (lower bbh) than the one held is skipped."""
    counts = {"zs": len(items), "xz": 0, "gx": 0, "ty": 0, "tg": 0}
    for item in items:
        held = store.get(item["sxbm"])
        if held is not None and held["bbh"] > item["bbh"]:
            counts["tg"] += 1
            continue
        store[item["sxbm"]] = {**item, "jssj": now}
        counts["ty" if item["zt"] == STOPPED else "xz" if held is None else "gx"] += 1
    return counts


def listed(store: dict[str, dict[str, Any]], bldw: str | None, zt: str) -> list[dict[str, Any]]:
    """Items of one 办理单位 (all when None) in one 事项状态, by 事项编码."""
    return [
        dict(store[code])
        for code in sorted(store)
        if store[code]["zt"] == zt and (not bldw or store[code].get("bldw") == bldw)
    ]


def _object_problem(value: Any, fields: frozenset[str], where: str) -> str | None:
    """Why value is not an object of only these fields, or None."""
    if not isinstance(value, dict):
        return f"{where} 应为对象"
    unknown = set(value) - fields
    if unknown:
        return f"{where}.{sorted(unknown)[0]} 不支持的字段"
    return None


def _item_problem(item: Any, where: str) -> str | None:
    shape = _object_problem(item, ITEM_FIELDS, where)
    if shape is not None:
        return shape
    if not isinstance(item.get("sxbm"), str) or not _CODE.fullmatch(item["sxbm"]):
        return f"{where}.sxbm 必填，应为事项编码"
    if item.get("zt") not in FLAGS:
        return f"{where}.zt 应为 1（在用）或 0（停用）"
    if not _is_int(item.get("bbh"), 1, 2**31 - 1):
        return f"{where}.bbh 应为正整数"
    if not isinstance(item.get("gxsj"), str) or not TIME_SHAPE.fullmatch(item["gxsj"]):
        return f"{where}.gxsj 应为 yyyy-MM-dd HH:mm:ss"
    # A 停用 item needs only its code; whatever else it carries must still be well-formed.
    in_use = item["zt"] == IN_USE
    texts = text_problem(item, _TEXTS, f"{where}.", enforce_required=in_use)
    if texts is not None:
        return texts
    if (in_use or "sxlx" in item) and item.get("sxlx") not in SXLX:
        return f"{where}.sxlx 未知的事项类型"
    for name in ("cnsx", "fdsx"):
        if (in_use or name in item) and not _is_int(item.get(name), 0, 365):
            return f"{where}.{name} 应为0-365的工作日数"
    if in_use and item["cnsx"] > item["fdsx"]:
        return f"{where}.cnsx 承诺时限不得超过法定时限"
    for name in ("sfrq", "sfsf"):
        if item.get(name, "0") not in FLAGS:
            return f"{where}.{name} 应为 1 或 0"
    windows = item.get("blck", [])
    if not isinstance(windows, list) or not all(isinstance(w, str) and len(w) <= 100 for w in windows):
        return f"{where}.blck 应为窗口名称列表"
    materials = item.get("clqd", [])
    if not isinstance(materials, list):
        return f"{where}.clqd 应为列表"
    for index, material in enumerate(materials):
        problem = _material_problem(material, f"{where}.clqd[{index}]")
        if problem is not None:
            return problem
    return None


def _material_problem(material: Any, where: str) -> str | None:
    shape = _object_problem(material, MATERIAL_FIELDS, where)
    if shape is not None:
        return shape
    name = material.get("clmc")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        return f"{where}.clmc 必填，不超过200个字符"
    if material.get("clxs") not in CLXS:
        return f"{where}.clxs 应为 YJ、FYJ 或 DZJ"
    if not _is_int(material.get("fs"), 0, 99):
        return f"{where}.fs 应为0-99的份数"
    if material.get("sfbx") not in FLAGS:
        return f"{where}.sfbx 应为 1 或 0"
    if material.get("sfhx", "0") not in FLAGS:
        return f"{where}.sfhx 应为 1 或 0"
    return None


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
