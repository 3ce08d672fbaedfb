"""知识库 publication: a ``catalog.items_changed`` payload -> the platform's 批量更新 (plgx) pages. Pure.

Like the rest of the outbound mapping (wire.py), errors are WireError naming the gateway's field
(``items[3].materials[0].form``): a message the gateway wrote wrong, which no retry can fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import catalog_payload
from adapters.hotline import codes
from gateway.domain.errors import WireError

KNOWLEDGE_PATH = "/api/zsk/plgx"
PAGE_SIZE = 200  # the platform takes at most 200 entries per call
ANSWER_MAX = 20000  # zsnr
KEYWORDS_MAX = 500  # gjc
ZSLX_GUIDE = "01"  # 知识类型 办事指南
TRUNCATED = "……（内容较长，完整内容请查阅政府网站办事指南）"

# 知识分类 zsfl, by the gateway's item_type.
ZSFL: dict[str, str] = {
    "licensing": "政务服务/行政许可",
    "confirmation": "政务服务/行政确认",
    "payment": "政务服务/行政给付",
    "adjudication": "政务服务/行政裁决",
    "reward": "政务服务/行政奖励",
    "filing": "政务服务/行政备案",
    "other_power": "政务服务/其他行政权力",
    "public_service": "政务服务/公共服务",
}
FORMS: dict[str, str] = {"original": "原件", "copy": "复印件", "electronic": "电子件"}
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class KnowledgePage(catalog_payload.CatalogPage):
    """One plgx call (number, pages, body); a retry sends the same pages under the same keys."""

    body: dict[str, Any]


def knowledge_pages(payload: Mapping[str, Any]) -> list[KnowledgePage]:
    """``catalog.items_changed`` -> POST /api/zsk/plgx bodies of up to 200 entries (none if all are gone)."""
    # The item code's length is checked by knowledge_entry, in this module's words.
    paged = catalog_payload.entry_pages(payload, PAGE_SIZE, knowledge_entry, code_max_len=None)
    return [
        KnowledgePage(number, pages, {"pch": batch, "lb": entries} if batch else {"lb": entries})
        for number, pages, entries, batch in paged
    ]


def knowledge_entry(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One gateway item as a knowledge entry; a retired item becomes 失效 (zszt "0")."""
    version = item.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise WireError(f"{path}.version", "must be a positive integer")
    updated = _str(item, "source_updated_at", path, required=True)
    assert updated is not None
    try:
        gxsj = codes.iso_to_platform(updated)
    except ValueError as err:
        raise WireError(f"{path}.source_updated_at", f"not an ISO 8601 time with offset ({err})") from None
    entry = {
        "zsbh": _str(item, "item_code", path, required=True, max_len=64),
        "zslx": ZSLX_GUIDE,
        "zsbt": _str(item, "name", path, required=True, max_len=200),
        "zsfl": _table(ZSFL, item, "item_type", path),
        "zsnr": answer_text(item, path),
        "ssbm": _str(item, "department", path, max_len=32),
        "ssbmmc": _str(item, "department_name", path, required=True, max_len=100),
        "gjc": _keywords(item, path),
        "zszt": "0" if catalog_payload.boolean(item, "retired", path) else "1",
        "bbh": version,
        "gxsj": gxsj,
    }
    return {name: value for name, value in entry.items() if value is not None}


def answer_text(item: Mapping[str, Any], path: str) -> str:
    """The plain-text answer an operator reads out: what to bring, how long, where, how much, whom to call.

    Sections come in the order callers ask; 设定依据 and 办事指南 come last, so a text longer than the
    platform's 20000 characters loses its end first.
    """
    name = _str(item, "name", path, required=True)
    sections = [
        f"【事项名称】{name}",
        f"【事项类型】{_table(ZSFL, item, 'item_type', path).split('/')[-1]}",
        f"【实施部门】{_str(item, 'department_name', path, required=True)}",
        f"【办理时限】法定办结时限：{_days(item, 'statutory_days', path)}；"
        f"承诺办结时限：{_days(item, 'promised_days', path)}",
        "【申请材料】" + _materials(item, path),
    ]
    if catalog_payload.boolean(item, "accepts_incomplete", path, default=False):
        sections.append(
            "【容缺受理】可容缺受理：非核心要件暂缺的可先行受理，在承诺期限内补齐；核心要件不可容缺"
        )
    steps = catalog_payload.list_at(item, "steps", path)
    if steps:
        described = (_step(s, f"{path}.steps[{i}]") for i, s in enumerate(steps))
        sections.append("【办理流程】\n" + "\n".join(described))
    for label, field in (("收费标准", "fee"), ("办理地点", "place")):
        value = _str(item, field, path)
        if value:
            sections.append(f"【{label}】{value}")
    windows = [w for w in catalog_payload.list_at(item, "windows", path) if _is_text(w, f"{path}.windows")]
    if windows:
        sections.append("【办理窗口】" + "、".join(windows))
    for label, field in (
        ("网上办理", "online_url"),
        ("咨询电话", "consult_phone"),
        ("投诉电话", "complaint_phone"),
        ("设定依据", "legal_basis"),
        ("办事指南", "guide"),
    ):
        value = _str(item, field, path)
        if value:
            sections.append(f"【{label}】{value.strip()}")
    text = "\n".join(sections)
    if len(text) > ANSWER_MAX:
        text = text[: ANSWER_MAX - len(TRUNCATED)] + TRUNCATED
    return text


def _materials(item: Mapping[str, Any], path: str) -> str:
    materials = catalog_payload.list_at(item, "materials", path)
    if not materials:
        return "无需提交申请材料"
    lines = []
    for index, entry in enumerate(materials):
        where = f"{path}.materials[{index}]"
        if not isinstance(entry, Mapping):
            raise WireError(where, "must be an object")
        copies = entry.get("copies")
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 0:
            raise WireError(f"{where}.copies", "must be a non-negative integer")
        form = _table(FORMS, entry, "form", where)
        required = catalog_payload.boolean(entry, "required", where)
        notes = [f"{form}{copies}份" if copies else form, "必须提交" if required else "非必须"]
        if catalog_payload.boolean(entry, "key", where, default=False):
            notes.append("核心要件")
        lines.append(f"{index + 1}. {_str(entry, 'name', where, required=True)}（{'，'.join(notes)}）")
    return "\n" + "\n".join(lines)


def _step(entry: Any, where: str) -> str:
    if not isinstance(entry, Mapping):
        raise WireError(where, "must be an object")
    order = entry.get("order")
    if isinstance(order, bool) or not isinstance(order, int):
        raise WireError(f"{where}.order", "must be an integer")
    name = _str(entry, "name", where, required=True)
    description = _str(entry, "description", where)
    return f"{order}. {name}" + (f"：{description.strip()}" if description else "")


def _days(item: Mapping[str, Any], field: str, path: str) -> str:
    days = item.get(field)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise WireError(f"{path}.{field}", "must be a non-negative integer")
    return "即办" if days == 0 else f"{days}个工作日"


def _keywords(item: Mapping[str, Any], path: str) -> str | None:
    """Keywords joined by "," (the platform's separator); as many whole keywords as fit in 500 characters."""
    words: list[str] = []
    for keyword in catalog_payload.list_at(item, "keywords", path):
        if _is_text(keyword, f"{path}.keywords"):
            words.extend(w for w in _KEYWORD_SEPARATORS.split(keyword) if w and w not in words)
    kept: list[str] = []
    for word in words:
        if len(",".join([*kept, word])) > KEYWORDS_MAX:
            break
        kept.append(word)
    return ",".join(kept) or None


# ---- reading the gateway payload ------------------------------------------------------------------


def _str(
    data: Mapping[str, Any], field: str, path: str, *, required: bool = False, max_len: int | None = None
) -> str | None:
    value = catalog_payload.text(data, field, path, required=required, max_len=None)
    if value is not None and max_len is not None and len(value) > max_len:
        raise WireError(f"{path}.{field}", f"longer than {max_len} characters")
    return value


def _is_text(value: Any, where: str) -> bool:
    if not isinstance(value, str):
        raise WireError(where, "must be a list of strings")
    return bool(value.strip())


def _table(table: Mapping[str, str], data: Mapping[str, Any], field: str, path: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or value not in table:
        raise WireError(f"{path}.{field}", f"'{value}' has no code in the 12345 protocol")
    return table[value]
