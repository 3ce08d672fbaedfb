"""事项同步: a ``catalog.items_changed`` payload -> the window system's item batches (sx/tb). Pure mapping.

Errors name the gateway payload's field (``items[3].materials[0].form``): a payload the adapter cannot map
is the gateway's bug, which no retry can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base.port import WireError
from adapters.window.wire import format_time

SYNC_PATH = "/ckxt/api/sx/tb"
PAGE_SIZE = 100  # the window system takes at most 100 items per call

# 事项类型 sxlx, by the gateway's item_type.
SXLX: dict[str, str] = {
    "licensing": "XK",
    "confirmation": "QR",
    "payment": "JF",
    "adjudication": "CJ",
    "reward": "JL",
    "filing": "BA",
    "other_power": "QT",
    "public_service": "GG",
}
# 材料形式 clxs, by the gateway's material form.
CLXS: dict[str, str] = {"original": "YJ", "copy": "FYJ", "electronic": "DZJ"}
FREE_OF_CHARGE = frozenset({"不收费", "免费", "无"})  # fee texts that mean 是否收费 "0"


@dataclass(frozen=True)
class ItemPage:
    """One sx/tb call; pages are cut from item_codes, so a retry sends the same pages under the same keys."""

    number: int  # 1-based
    pages: int
    body: dict[str, Any]

    def key(self, message_key: str) -> str:
        """The call's Idempotency-Key: the message's own, or ``{key}-{n}`` when the message takes pages."""
        return message_key if self.pages == 1 else f"{message_key}-{self.number}"


def item_pages(payload: Mapping[str, Any]) -> list[ItemPage]:
    """``catalog.items_changed`` -> POST /ckxt/api/sx/tb bodies of up to 100 items (none if all are gone)."""
    codes = _item_codes(payload)
    items = _items_by_code(payload, codes)
    batch = _batch(payload)
    pages = max(1, -(-len(codes) // PAGE_SIZE))
    result: list[ItemPage] = []
    for number in range(1, pages + 1):
        chunk = codes[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        # A code listed but absent from items was deleted meanwhile: skipped.
        entries = [item_entry(items[c][1], f"items[{items[c][0]}]") for c in chunk if c in items]
        if entries:
            body: dict[str, Any] = {"tbpc": batch, "sxlb": entries} if batch else {"sxlb": entries}
            result.append(ItemPage(number, pages, body))
    return result


def item_entry(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One gateway item as the window's 事项; a retired item is sent 停用 (zt "0")."""
    fee = _str(item, "fee", path, max_len=200)
    charged = None if fee is None else "0" if fee.strip() in FREE_OF_CHARGE else "1"
    materials = _list(item, "materials", path)
    entry = {
        "sxbm": _str(item, "item_code", path, required=True, max_len=64),
        "sxmc": _str(item, "name", path, required=True, max_len=200),
        "sxlx": _table(SXLX, item, "item_type", path),
        "fsxbm": _str(item, "parent_code", path, max_len=64),
        "bldw": _str(item, "department_name", path, required=True, max_len=100),
        "bldwbm": _str(item, "department", path, max_len=32),
        "cnsx": _int(item, "promised_days", path),
        "fdsx": _int(item, "statutory_days", path),
        "clqd": [_material(m, f"{path}.materials[{i}]") for i, m in enumerate(materials)],
        "sfrq": _flag(item, "accepts_incomplete", path, default=False),
        "sfsf": charged,
        "sfbz": fee if charged == "1" else None,
        "bldd": _str(item, "place", path, max_len=200),
        "blck": _strings(item, "windows", path, max_len=100),
        "wbdz": _str(item, "online_url", path, max_len=500),
        "zxdh": _str(item, "consult_phone", path, max_len=64),
        "jddh": _str(item, "complaint_phone", path, max_len=64),
        "zt": "0" if _bool(item, "retired", path) else "1",
        "bbh": _int(item, "version", path, low=1, high=2**31 - 1),
        "gxsj": _time(item, "source_updated_at", path),
    }
    return {name: value for name, value in entry.items() if value is not None}


def _material(entry: Any, path: str) -> dict[str, Any]:
    material = _object(entry, path)
    return {
        "clmc": _str(material, "name", path, required=True, max_len=200),
        "clxs": _table(CLXS, material, "form", path),
        "fs": _int(material, "copies", path, high=99),
        "sfbx": _flag(material, "required", path),
        "sfhx": _flag(material, "key", path, default=False),
    }


# ---- reading the gateway payload ------------------------------------------------------------------


def _item_codes(payload: Mapping[str, Any]) -> list[str]:
    codes = payload.get("item_codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        raise WireError("item_codes", "must be a list of item codes")
    return list(dict.fromkeys(codes))


def _items_by_code(payload: Mapping[str, Any], codes: list[str]) -> dict[str, tuple[int, Mapping[str, Any]]]:
    items = payload.get("items")
    if not isinstance(items, list):
        raise WireError("items", "is required (the message was not filled in before sending)")
    listed = set(codes)
    found: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, entry in enumerate(items):
        item = _object(entry, f"items[{index}]")
        code = _str(item, "item_code", f"items[{index}]", required=True, max_len=64)
        assert code is not None
        if code not in listed:
            raise WireError(f"items[{index}].item_code", "is not listed in item_codes")
        if code in found:
            raise WireError(f"items[{index}].item_code", "appears twice")
        found[code] = (index, item)
    return found


def _batch(payload: Mapping[str, Any]) -> str | None:
    run = payload.get("sync_run_id")
    if run is None:
        return None
    if isinstance(run, bool) or not isinstance(run, int):
        raise WireError("sync_run_id", "must be an integer")
    return str(run)


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WireError(path, "must be an object")
    return value


def _str(
    data: Mapping[str, Any], name: str, path: str, *, max_len: int, required: bool = False
) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WireError(f"{path}.{name}", "is required")
        return None
    if not isinstance(value, str):
        raise WireError(f"{path}.{name}", "must be a string")
    if len(value) > max_len:
        raise WireError(f"{path}.{name}", f"must be at most {max_len} characters")
    return value


def _strings(data: Mapping[str, Any], name: str, path: str, *, max_len: int) -> list[str] | None:
    values = _list(data, name, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or len(value) > max_len:
            raise WireError(f"{path}.{name}[{index}]", f"must be a string of at most {max_len} characters")
    return [v for v in values if v.strip()] or None


def _list(data: Mapping[str, Any], name: str, path: str) -> list[Any]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise WireError(f"{path}.{name}", "must be a list")
    return value


def _int(data: Mapping[str, Any], name: str, path: str, *, low: int = 0, high: int = 365) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WireError(f"{path}.{name}", f"must be an integer from {low} to {high}")
    return value


def _bool(data: Mapping[str, Any], name: str, path: str, default: bool | None = None) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise WireError(f"{path}.{name}", "must be true or false")
    return value


def _flag(data: Mapping[str, Any], name: str, path: str, default: bool | None = None) -> str:
    return "1" if _bool(data, name, path, default) else "0"


def _table(table: Mapping[str, str], data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or value not in table:
        raise WireError(f"{path}.{name}", f"must be one of {', '.join(table)}")
    return table[value]


def _time(data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise WireError(f"{path}.{name}", "must be an ISO 8601 date and time")
    formatted = format_time(value, f"{path}.{name}")
    assert formatted is not None
    return formatted
