"""办事指南 publication: a ``catalog.items_changed`` payload -> the website's guide batches. Pure: no I/O.

Errors name the gateway payload's field (``items[3].materials[0].form``): a payload the adapter cannot map
is the gateway's bug, which no retry can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base.port import WireError
from adapters.website.wire import WebsiteCall, website_time

GUIDES_PATH = "/interact/api/guides/batch"
MAX_GUIDES = 500  # the website takes at most this many guides per call

# The website's 事项类型 names, keyed by the gateway's item_type.
ITEM_TYPE_NAMES: dict[str, str] = {
    "licensing": "行政许可",
    "confirmation": "行政确认",
    "payment": "行政给付",
    "adjudication": "行政裁决",
    "reward": "行政奖励",
    "filing": "行政备案",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
MATERIAL_FORMS: dict[str, str] = {"original": "原件", "copy": "复印件", "electronic": "电子件"}


@dataclass(frozen=True)
class GuideBatch:
    """One call of a message's publication; pages are cut from item_codes, so they are the same on retry."""

    number: int  # 1-based
    pages: int
    call: WebsiteCall

    def key(self, message_key: str) -> str:
        """The call's Idempotency-Key: the message's own, or ``{key}-{n}`` when the message takes pages."""
        return message_key if self.pages == 1 else f"{message_key}-{self.number}"


def guide_batches(payload: Mapping[str, Any]) -> list[GuideBatch]:
    """``catalog.items_changed`` -> POST /interact/api/guides/batch calls (none when every item is gone)."""
    codes = _item_codes(payload)
    items = _items_by_code(payload, codes)
    batch_no = _batch_no(payload)
    pages = max(1, -(-len(codes) // MAX_GUIDES))
    batches: list[GuideBatch] = []
    for number in range(1, pages + 1):
        chunk = codes[(number - 1) * MAX_GUIDES : number * MAX_GUIDES]
        # A code listed but absent from items was deleted meanwhile: nothing to publish or withdraw.
        guides = [guide(items[code][1], f"items[{items[code][0]}]") for code in chunk if code in items]
        if not guides:
            continue
        body: dict[str, Any] = {"guides": guides}
        if batch_no is not None:
            body["batchNo"] = batch_no
        batches.append(GuideBatch(number, pages, WebsiteCall("publish_guides", GUIDES_PATH, body)))
    return batches


def guide(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One gateway item as the website's 办事指南 entry; a retired item is sent withdrawn (publishState N)."""
    retired = _bool(item, "retired", path)
    body: dict[str, Any] = {
        "itemCode": _str(item, "item_code", path, required=True, max_len=64),
        "itemName": _str(item, "name", path, required=True, max_len=200),
        "itemTypeName": _table(ITEM_TYPE_NAMES, item, "item_type", path),
        "deptName": _str(item, "department_name", path, required=True, max_len=100),
        "promiseDays": _int(item, "promised_days", path),
        "legalDays": _int(item, "statutory_days", path),
        "parentCode": _str(item, "parent_code", path, max_len=64),
        "legalBasis": _str(item, "legal_basis", path, max_len=20000),
        "materialList": [
            _material(m, f"{path}.materials[{i}]") for i, m in enumerate(_list(item, "materials", path))
        ],
        "processList": [_step(s, f"{path}.steps[{i}]") for i, s in enumerate(_list(item, "steps", path))],
        "chargeInfo": _str(item, "fee", path, max_len=200),
        "handleAddress": _str(item, "place", path, max_len=200),
        "windowNames": _strings(item, "windows", path, max_len=100),
        "onlineUrl": _str(item, "online_url", path, max_len=500),
        "consultTel": _str(item, "consult_phone", path, max_len=64),
        "superviseTel": _str(item, "complaint_phone", path, max_len=64),
        "keyWords": _strings(item, "keywords", path, max_len=50),
        "guideContent": _str(item, "guide", path, max_len=20000),
        "deficiencyAccept": "Y" if _bool(item, "accepts_incomplete", path, default=False) else "N",
        "versionNo": _int(item, "version", path, low=1, high=2**31 - 1),
        "updateTime": website_time(item.get("source_updated_at"), f"{path}.source_updated_at"),
        "publishState": "N" if retired else "Y",
    }
    return {name: value for name, value in body.items() if value is not None}


def _material(entry: Any, path: str) -> dict[str, Any]:
    material = _object(entry, path)
    return {
        "materialName": _str(material, "name", path, required=True, max_len=200),
        "materialForm": _table(MATERIAL_FORMS, material, "form", path),
        "copyNum": _int(material, "copies", path, high=99),
        "mustFlag": "Y" if _bool(material, "required", path) else "N",
        "coreFlag": "Y" if _bool(material, "key", path, default=False) else "N",
    }


def _step(entry: Any, path: str) -> dict[str, Any]:
    step = _object(entry, path)
    body = {
        "stepNo": _int(step, "order", path, low=1, high=99),
        "stepName": _str(step, "name", path, required=True, max_len=100),
        "stepDesc": _str(step, "description", path, max_len=2000),
    }
    return {name: value for name, value in body.items() if value is not None}


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


def _batch_no(payload: Mapping[str, Any]) -> str | None:
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


def _strings(data: Mapping[str, Any], name: str, path: str, *, max_len: int) -> list[str]:
    values = _list(data, name, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or len(value) > max_len:
            raise WireError(f"{path}.{name}[{index}]", f"must be a string of at most {max_len} characters")
    return [v for v in values if v.strip()]


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


def _table(table: Mapping[str, str], data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or value not in table:
        raise WireError(f"{path}.{name}", f"must be one of {', '.join(table)}")
    return table[value]
