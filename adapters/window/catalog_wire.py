"""事项同步: a ``catalog.items_changed`` payload -> the window system's item batches (sx/tb). Pure mapping.

Errors name the gateway payload's field (``items[3].materials[0].form``): a payload the adapter cannot map
is the gateway's bug, which no retry can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import catalog_payload as read
from adapters.window.wire import format_time
from gateway.domain.errors import WireError

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
class ItemPage(read.CatalogPage):
    """One sx/tb call (number, pages, body); a retry sends the same pages under the same keys."""

    body: dict[str, Any]


def item_pages(payload: Mapping[str, Any]) -> list[ItemPage]:
    """``catalog.items_changed`` -> POST /ckxt/api/sx/tb bodies of up to 100 items (none if all are gone)."""
    return [
        ItemPage(number, pages, {"tbpc": batch, "sxlb": entries} if batch else {"sxlb": entries})
        for number, pages, entries, batch in read.entry_pages(payload, PAGE_SIZE, item_entry)
    ]


def item_entry(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One gateway item as the window's 事项; a retired item is sent 停用 (zt "0")."""
    fee = read.text(item, "fee", path, max_len=200)
    charged = None if fee is None else "0" if fee.strip() in FREE_OF_CHARGE else "1"
    materials = read.list_at(item, "materials", path)
    entry = {
        "sxbm": read.text(item, "item_code", path, required=True, max_len=64),
        "sxmc": read.text(item, "name", path, required=True, max_len=200),
        "sxlx": read.table_code(SXLX, item, "item_type", path),
        "fsxbm": read.text(item, "parent_code", path, max_len=64),
        "bldw": read.text(item, "department_name", path, required=True, max_len=100),
        "bldwbm": read.text(item, "department", path, max_len=32),
        "cnsx": read.integer(item, "promised_days", path),
        "fdsx": read.integer(item, "statutory_days", path),
        "clqd": [_material(m, f"{path}.materials[{i}]") for i, m in enumerate(materials)],
        "sfrq": _flag(item, "accepts_incomplete", path, default=False),
        "sfsf": charged,
        "sfbz": fee if charged == "1" else None,
        "bldd": read.text(item, "place", path, max_len=200),
        "blck": _strings(item, "windows", path, max_len=100),
        "wbdz": read.text(item, "online_url", path, max_len=500),
        "zxdh": read.text(item, "consult_phone", path, max_len=64),
        "jddh": read.text(item, "complaint_phone", path, max_len=64),
        "zt": "0" if read.boolean(item, "retired", path) else "1",
        "bbh": read.integer(item, "version", path, low=1, high=2**31 - 1),
        "gxsj": _time(item, "source_updated_at", path),
    }
    return {name: value for name, value in entry.items() if value is not None}


def _material(entry: Any, path: str) -> dict[str, Any]:
    name, form, copies, required, key = read.material(entry, path, CLXS)
    return {"clmc": name, "clxs": form, "fs": copies, "sfbx": _YES_NO[required], "sfhx": _YES_NO[key]}


# ---- reading the gateway payload ------------------------------------------------------------------


def _strings(data: Mapping[str, Any], name: str, path: str, *, max_len: int) -> list[str] | None:
    return read.strings(data, name, path, max_len=max_len) or None


_YES_NO = {True: "1", False: "0"}


def _flag(data: Mapping[str, Any], name: str, path: str, default: bool | None = None) -> str:
    return _YES_NO[read.boolean(data, name, path, default)]


def _time(data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise WireError(f"{path}.{name}", "must be an ISO 8601 date and time")
    formatted = format_time(value, f"{path}.{name}")
    assert formatted is not None
    return formatted
