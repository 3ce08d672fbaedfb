"""Catalog items written straight into the test database, for the window-flow and console tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from gateway.domain.catalog import content_hash
from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm
from gateway.services.catalog.text import index_columns, index_terms

LEGAL_AID = "350104-SFJ-GG-00001-000"  # 法律援助申请: accepts 容缺; 经济困难状况说明 may be owed
FOOD = "350104-SJJ-XK-00001-000"  # 食品经营许可: no 容缺
JOBS = "350104-RSJ-QR-00001-000"
INSTANT = "350104-MZJ-GG-00001-000"  # promised in 0 days


def material(name: str, key: bool, required: bool = True) -> dict[str, Any]:
    return {"name": name, "form": "original", "copies": 1, "required": required, "key": key}


# What an item holds unless it says otherwise.
BLANK: dict[str, Any] = {
    "item_type": "public_service",
    "keywords": [],
    "steps": [],
    "windows": ["综合窗口"],
    "parent_code": None,
    "legal_basis": None,
    "fee": "不收费",
    "place": None,
    "online_url": None,
    "consult_phone": None,
    "complaint_phone": None,
    "guide": None,
}

ITEMS: list[dict[str, Any]] = [
    {
        "item_code": LEGAL_AID,
        "name": "法律援助申请",
        "department": "仓山区司法局",
        "department_code": "SFJ",
        "promised_days": 7,
        "statutory_days": 7,
        "accepts_incomplete": True,
        "materials": [
            material("居民身份证", True),
            material("法律援助申请表", True),
            material("经济困难状况说明", False),
        ],
    },
    {
        "item_code": FOOD,
        "name": "食品经营许可(新办)",
        "department": "仓山区市场监督管理局",
        "department_code": "SJJ",
        "promised_days": 10,
        "statutory_days": 20,
        "accepts_incomplete": False,
        "materials": [material("营业执照", True), material("食品经营许可申请书", True)],
    },
    {
        "item_code": JOBS,
        "name": "就业登记",
        "department": "仓山区人力资源和社会保障局",
        "department_code": "RSJ",
        "promised_days": 5,
        "statutory_days": 10,
        "accepts_incomplete": False,
        "materials": [material("居民身份证", True)],
    },
    {
        "item_code": INSTANT,
        "name": "婚姻登记记录证明",
        "department": "仓山区民政局",
        "department_code": "MZJ",
        "promised_days": 0,
        "statutory_days": 0,
        "accepts_incomplete": False,
        "materials": [material("居民身份证", True)],
    },
]


def write_items(services: Any, items: Iterable[dict[str, Any]]) -> None:
    """Write each item (BLANK filled in) with its search columns and terms, as a sync would."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with services.db.unit_of_work() as session:
        for spec in items:
            record = {**BLANK, **spec}
            item = ServiceItem(
                item_code=record["item_code"],
                name=record["name"],
                item_type=record["item_type"],
                parent_code=record["parent_code"],
                department_code=record["department_code"],
                department_name=record["department"],
                legal_basis=record["legal_basis"],
                statutory_days=record["statutory_days"],
                promised_days=record["promised_days"],
                materials=record["materials"],
                steps=record["steps"],
                fee=record["fee"],
                place=record["place"],
                windows=record["windows"],
                online_url=record["online_url"],
                consult_phone=record["consult_phone"],
                complaint_phone=record["complaint_phone"],
                keywords=record["keywords"],
                guide=record["guide"],
                accepts_incomplete=record["accepts_incomplete"],
                retired=False,
                retired_at=None,
                source_updated_at=now,
                content_hash=content_hash(record),
                version=1,
                created_at=now,
                updated_at=now,
                **index_columns(record),
            )
            session.add(item)
            session.flush()  # its id, for its terms
            session.add_all(ServiceItemTerm(term=t, item_id=item.id) for t in index_terms(record))


def seed(services: Any) -> None:
    """The four items the window-flow tests take."""
    write_items(services, ITEMS)
