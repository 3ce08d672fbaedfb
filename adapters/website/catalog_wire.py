"""办事指南 publication: a ``catalog.items_changed`` payload -> the website's guide batches. Pure: no I/O.

Errors name the gateway payload's field (``items[3].materials[0].form``): a payload the adapter cannot map
is the gateway's bug, which no retry can fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import catalog_payload as read
from adapters.website.wire import WebsiteCall, website_time
from gateway.domain.catalog import ITEM_TYPES, MATERIAL_FORMS

GUIDES_PATH = "/interact/api/guides/batch"
MAX_GUIDES = 500  # the website takes at most this many guides per call

# The website's 事项类型 and 材料形式 names are the catalogue's own Chinese labels (PROTOCOL.md lists the
# same ones), so the adapter maps the gateway's codes through the domain's tables: ITEM_TYPES, MATERIAL_FORMS.


@dataclass(frozen=True)
class GuideBatch(read.CatalogPage):
    """One call of a message's publication (number, pages, call); the same pages on retry."""

    call: WebsiteCall


def guide_batches(payload: Mapping[str, Any]) -> list[GuideBatch]:
    """``catalog.items_changed`` -> POST /interact/api/guides/batch calls (none when every item is gone)."""
    batches: list[GuideBatch] = []
    for number, pages, guides, batch_no in read.entry_pages(payload, MAX_GUIDES, guide):
        body: dict[str, Any] = {"guides": guides}
        if batch_no is not None:
            body["batchNo"] = batch_no
        batches.append(GuideBatch(number, pages, WebsiteCall("publish_guides", GUIDES_PATH, body)))
    return batches


def guide(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """One gateway item as the website's 办事指南 entry; a retired item is sent withdrawn (publishState N)."""
    retired = read.boolean(item, "retired", path)
    body: dict[str, Any] = {
        "itemCode": read.text(item, "item_code", path, required=True, max_len=64),
        "itemName": read.text(item, "name", path, required=True, max_len=200),
        "itemTypeName": read.table_code(ITEM_TYPES, item, "item_type", path),
        "deptName": read.text(item, "department_name", path, required=True, max_len=100),
        "promiseDays": read.integer(item, "promised_days", path),
        "legalDays": read.integer(item, "statutory_days", path),
        "parentCode": read.text(item, "parent_code", path, max_len=64),
        "legalBasis": read.text(item, "legal_basis", path, max_len=20000),
        "materialList": [
            _material(m, f"{path}.materials[{i}]")
            for i, m in enumerate(read.list_at(item, "materials", path))
        ],
        "processList": [
            _step(s, f"{path}.steps[{i}]") for i, s in enumerate(read.list_at(item, "steps", path))
        ],
        "chargeInfo": read.text(item, "fee", path, max_len=200),
        "handleAddress": read.text(item, "place", path, max_len=200),
        "windowNames": read.strings(item, "windows", path, max_len=100),
        "onlineUrl": read.text(item, "online_url", path, max_len=500),
        "consultTel": read.text(item, "consult_phone", path, max_len=64),
        "superviseTel": read.text(item, "complaint_phone", path, max_len=64),
        "keyWords": read.strings(item, "keywords", path, max_len=50),
        "guideContent": read.text(item, "guide", path, max_len=20000),
        "deficiencyAccept": "Y" if read.boolean(item, "accepts_incomplete", path, default=False) else "N",
        "versionNo": read.integer(item, "version", path, low=1, high=2**31 - 1),
        "updateTime": website_time(item.get("source_updated_at"), f"{path}.source_updated_at"),
        "publishState": "N" if retired else "Y",
    }
    return {name: value for name, value in body.items() if value is not None}


def _material(entry: Any, path: str) -> dict[str, Any]:
    name, form, copies, required, key = read.material(entry, path, MATERIAL_FORMS)
    return {
        "materialName": name,
        "materialForm": form,
        "copyNum": copies,
        "mustFlag": "Y" if required else "N",
        "coreFlag": "Y" if key else "N",
    }


def _step(entry: Any, path: str) -> dict[str, Any]:
    step = read.object_at(entry, path)
    body = {
        "stepNo": read.integer(step, "order", path, low=1, high=99),
        "stepName": read.text(step, "name", path, required=True, max_len=100),
        "stepDesc": read.text(step, "description", path, max_len=2000),
    }
    return {name: value for name, value in body.items() if value is not None}
