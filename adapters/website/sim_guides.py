"""The website simulator's 办事指南 publication, written from PROTOCOL.md section (c): checks and storage.

The names and codes below are the simulator's own copy of the protocol's, on purpose: sharing the
adapter's tables would let the simulator agree with the client's mistakes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from adapters.website.sim_state import BEIJING, TIME_FORMAT, WebsiteState

Answer = tuple[int, dict[str, Any]]

MAX_GUIDES = 500
ITEM_TYPE_NAMES = frozenset(
    {"行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "行政备案", "其他行政权力", "公共服务"}
)
MATERIAL_FORMS = frozenset({"原件", "复印件", "电子件"})
_CODE = re.compile(r"[0-9A-Za-z._-]{1,64}")
_FLAGS = ("Y", "N")

# name -> (required when published, max length); every other field is checked by kind below.
_TEXTS: dict[str, tuple[bool, int]] = {
    "itemName": (True, 200),
    "deptName": (True, 100),
    "parentCode": (False, 64),
    "legalBasis": (False, 20000),
    "chargeInfo": (False, 200),
    "handleAddress": (False, 200),
    "onlineUrl": (False, 500),
    "consultTel": (False, 64),
    "superviseTel": (False, 64),
    "guideContent": (False, 20000),
}
GUIDE_FIELDS = frozenset(
    {
        *_TEXTS,
        "itemCode",
        "itemTypeName",
        "promiseDays",
        "legalDays",
        "materialList",
        "processList",
        "windowNames",
        "keyWords",
        "deficiencyAccept",
        "versionNo",
        "updateTime",
        "publishState",
    }
)
MATERIAL_FIELDS = frozenset({"materialName", "materialForm", "copyNum", "mustFlag", "coreFlag"})
STEP_FIELDS = frozenset({"stepNo", "stepName", "stepDesc"})


class Refusal(Exception):
    """A PARAM_INVALID answer naming the field."""


def publish_guides(state: WebsiteState, body: dict[str, Any]) -> Answer:
    """POST /interact/api/guides/batch; runs under the state's lock (SimulatorState.record holds it)."""
    try:
        guides = _checked(body)
    except Refusal as err:
        return 400, {"success": False, "errorCode": "PARAM_INVALID", "errorMsg": str(err)}
    counts = {"total": len(guides), "published": 0, "withdrawn": 0, "skipped": 0}
    received = datetime.now(BEIJING).strftime(TIME_FORMAT)
    for guide in guides:
        held = state.guides.get(guide["itemCode"])
        if held is not None and held["versionNo"] > guide["versionNo"]:
            counts["skipped"] += 1  # an older version arriving late changes nothing
            continue
        state.guides[guide["itemCode"]] = {**guide, "receiveTime": received}
        counts["published" if guide["publishState"] == "Y" else "withdrawn"] += 1
    return 200, {"success": True, "data": counts}


def _checked(body: dict[str, Any]) -> list[dict[str, Any]]:
    unknown = set(body) - {"batchNo", "guides"}
    if unknown:
        raise Refusal(f"未知字段：{sorted(unknown)[0]}")
    if body.get("batchNo") is not None and not isinstance(body["batchNo"], str):
        raise Refusal("batchNo应为字符串")
    guides = body.get("guides")
    if not isinstance(guides, list) or not 1 <= len(guides) <= MAX_GUIDES:
        raise Refusal(f"guides应为1-{MAX_GUIDES}条办事指南")
    seen: set[str] = set()
    for index, guide in enumerate(guides):
        where = f"guides[{index}]"
        _check_guide(guide, where)
        if guide["itemCode"] in seen:
            raise Refusal(f"{where}.itemCode重复")
        seen.add(guide["itemCode"])
    return guides


def _check_guide(guide: Any, where: str) -> None:
    if not isinstance(guide, dict):
        raise Refusal(f"{where}应为对象")
    _known(guide, GUIDE_FIELDS, where)
    if not isinstance(guide.get("itemCode"), str) or not _CODE.fullmatch(guide["itemCode"]):
        raise Refusal(f"{where}.itemCode不合法")
    if guide.get("publishState") not in _FLAGS:
        raise Refusal(f"{where}.publishState应为Y或N")
    _integer(guide, "versionNo", where, 1, 2**31 - 1, required=True)
    if not is_time(guide.get("updateTime")):
        raise Refusal(f"{where}.updateTime格式应为yyyy-MM-dd HH:mm:ss")
    # A withdrawal (N) needs only the code; whatever else it carries must still be well-formed.
    published = guide["publishState"] == "Y"
    for name, (required, max_len) in _TEXTS.items():
        _text(guide, name, where, max_len, required=required and published)
    if (published or "itemTypeName" in guide) and guide.get("itemTypeName") not in ITEM_TYPE_NAMES:
        raise Refusal(f"{where}.itemTypeName不合法")
    for name in ("promiseDays", "legalDays"):
        _integer(guide, name, where, 0, 365, required=published)
    _flag(guide, "deficiencyAccept", where)
    for name, max_len in (("windowNames", 100), ("keyWords", 50)):
        values = guide.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and len(v) <= max_len for v in values):
            raise Refusal(f"{where}.{name}应为字符串列表，每项不超过{max_len}字")
    for index, material in enumerate(_entries(guide, "materialList", where)):
        at = f"{where}.materialList[{index}]"
        _known(material, MATERIAL_FIELDS, at)
        _text(material, "materialName", at, 200, required=True)
        if material.get("materialForm") not in MATERIAL_FORMS:
            raise Refusal(f"{at}.materialForm应为原件、复印件或电子件")
        _integer(material, "copyNum", at, 0, 99, required=True)
        if material.get("mustFlag") not in _FLAGS:
            raise Refusal(f"{at}.mustFlag应为Y或N")
        _flag(material, "coreFlag", at)
    for index, step in enumerate(_entries(guide, "processList", where)):
        at = f"{where}.processList[{index}]"
        _known(step, STEP_FIELDS, at)
        _integer(step, "stepNo", at, 1, 99, required=True)
        _text(step, "stepName", at, 100, required=True)
        _text(step, "stepDesc", at, 2000, required=False)


def _entries(guide: dict[str, Any], name: str, where: str) -> list[dict[str, Any]]:
    entries = guide.get(name, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Refusal(f"{where}.{name}应为对象列表")
    return entries


def _known(data: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise Refusal(f"未知字段：{where}.{sorted(unknown)[0]}")


def _text(data: dict[str, Any], name: str, where: str, max_len: int, *, required: bool) -> None:
    value = data.get(name)
    if value is None:
        if required:
            raise Refusal(f"{where}.{name}不能为空")
        return
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise Refusal(f"{where}.{name}应为1-{max_len}字")


def _integer(data: dict[str, Any], name: str, where: str, low: int, high: int, *, required: bool) -> None:
    value = data.get(name)
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refusal(f"{where}.{name}应为{low}-{high}的整数")


def _flag(data: dict[str, Any], name: str, where: str) -> None:
    if data.get(name, "N") not in _FLAGS:
        raise Refusal(f"{where}.{name}应为Y或N")


def is_time(value: Any) -> bool:
    """Whether value is a yyyy-MM-dd HH:mm:ss time, as every time on the website is written."""
    try:
        datetime.strptime(value, TIME_FORMAT)
    except (TypeError, ValueError):
        return False
    return True
