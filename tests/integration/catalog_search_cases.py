"""Search scenarios shared by the SQLite and PostgreSQL search tests: a hand-made catalog, seeded the way
the sync writes it (index_columns on the row, index_terms into service_item_terms)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update

from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm
from gateway.persistence.db import Database
from gateway.services.catalog import MAX_COUNTED, CatalogService
from gateway.services.catalog.text import index_columns, index_terms

NOW = datetime(2026, 11, 26, tzinfo=UTC)
BOILERPLATE = "申请人可到仓山区政务服务中心提交申请。咨询电话：0591-83000316。"

# (code, name, department, type, keywords, guide extra)
ITEMS = [
    ("350104-SFJ-QT-00001-000", "公证", "SFJ", "public_service", ["公证"], ""),
    ("350104-SFJ-QT-00002-000", "继承公证", "SFJ", "public_service", ["继承", "公证"], ""),
    ("350104-SFJ-QT-00003-000", "公证员执业审核", "SFJ", "licensing", ["公证"], ""),
    ("350104-SFJ-QT-00004-000", "遗嘱继承公证（帮办代办）", "SFJ", "public_service", ["继承", "遗嘱"], ""),
    ("350104-MZJ-QR-00005-000", "婚姻登记", "MZJ", "confirmation", ["婚姻", "民政"], ""),
    ("350104-MZJ-QR-00006-000", "收养登记", "MZJ", "confirmation", ["收养", "民政"], "公证材料可免于提交。"),
    ("350104-WJJ-XK-00007-000", "医疗机构执业登记", "WJJ", "licensing", ["医疗", "卫健"], ""),
    ("350104-WJJ-XK-00008-000", "医师执业注册", "WJJ", "licensing", ["医师", "卫健"], ""),
    ("350104-MZJ-GF-00009-000", "高龄补贴发放", "MZJ", "payment", ["养老", "民政"], ""),
    ("350104-SFJ-QT-00010-000", "法律援助", "SFJ", "public_service", ["援助", "法援"], ""),
    ("350104-SFJ-QT-00010-001", "法律援助（刑事）", "SFJ", "public_service", ["援助"], ""),
]


def seed(db: Database, items: list[tuple[str, str, str, str, list[str], str]] = ITEMS) -> dict[str, int]:
    """Insert the items as the sync does; returns code -> id."""
    ids: dict[str, int] = {}
    with db.unit_of_work() as session:
        for code, name, dept, kind, keywords, extra in items:
            record: dict[str, Any] = {
                "item_code": code,
                "name": name,
                "keywords": keywords,
                "guide": f"{name}由仓山区{dept}负责实施。{extra}{BOILERPLATE}",
                "department": dept,
                "item_type": kind,
            }
            item_id = session.execute(
                insert(ServiceItem)
                .values(
                    item_code=code,
                    name=name,
                    item_type=kind,
                    parent_code=None,
                    department_code=dept,
                    department_name=f"仓山区{dept}",
                    legal_basis=None,
                    statutory_days=20,
                    promised_days=10,
                    materials=[],
                    steps=[],
                    windows=[],
                    keywords=keywords,
                    guide=record["guide"],
                    accepts_incomplete=False,
                    retired=False,
                    source_updated_at=NOW,
                    content_hash="x" * 64,
                    version=1,
                    created_at=NOW,
                    updated_at=NOW,
                    **index_columns(record),
                )
                .returning(ServiceItem.id)
            ).scalar_one()
            ids[code] = item_id
            terms = index_terms(record)
            if terms:
                session.execute(insert(ServiceItemTerm), [{"term": t, "item_id": item_id} for t in terms])
    return ids


def codes(catalog: CatalogService, q: str | None, **kw: Any) -> list[str]:
    return [i["item_code"] for i in catalog.search(q, **kw).items]


def code(n: int, sub: int = 0) -> str:
    return next(c for c, *_ in ITEMS if c.endswith(f"{n:05d}-{sub:03d}"))


def check_ranking(catalog: CatalogService) -> None:
    # exact name, then name prefix (by name), then name contains (by id); two characters: not the guide
    assert codes(catalog, "公证") == [code(1), code(3), code(2), code(4)]
    assert catalog.search("公证").total == 4
    # three and more: name, title (keywords, pinyin, code), then guide hits
    assert codes(catalog, "公证材料") == [code(6)]
    assert codes(catalog, "公证员") == [code(3)]
    # exact code first; a whole code skips the text indexes
    assert codes(catalog, code(10)) == [code(10)]
    assert codes(catalog, code(10).lower()) == [code(10)]
    assert codes(catalog, "350104-SFJ-QT-00010") == [code(10), code(10, 1)]  # code prefix, by code
    # three characters and more: name contains before keyword/title and guide hits
    assert codes(catalog, "继承公") == [code(2), code(4)]
    assert codes(catalog, "执业") == [code(3), code(7), code(8)]  # name contains: by id
    assert codes(catalog, "仓山区MZJ") == [code(5), code(6), code(9)]  # the guide only
    assert codes(catalog, "0591-83000316")[:3] == [code(1), code(2), code(3)]  # phone in the guide
    assert catalog.search("0591-83000316").total == len(ITEMS)


def check_pinyin(catalog: CatalogService) -> None:
    # initials prefix (by initials) before full-pinyin prefix
    assert codes(catalog, "gz")[:2] == [code(1), code(3)]  # gz, gzyzysh
    assert codes(catalog, "jcgz") == [code(2), code(4)]  # initials prefix, then inside the title
    assert codes(catalog, "JCGZ") == [code(2), code(4)]
    assert codes(catalog, "hunyin") == [code(5)]  # full pinyin prefix
    assert codes(catalog, "hun yin deng") == [code(5)]
    assert code(4) in codes(catalog, "jicheng")  # full pinyin inside the title (not a prefix)
    assert codes(catalog, "yldj") == []


def check_short_chinese(catalog: CatalogService) -> None:
    # one character: anywhere in a name (also at a word's end), then keywords only
    assert set(codes(catalog, "证")) == {code(1), code(2), code(3), code(4)}
    assert codes(catalog, "证")[0] == code(1)  # the name prefix tier first
    assert codes(catalog, "记")[:3] == [code(5), code(6), code(7)]
    assert codes(catalog, "养") == [code(6), code(9)]  # 收养 in the name, 养老 a keyword only
    assert codes(catalog, "民政") == [code(5), code(6), code(9)]  # keywords only
    assert codes(catalog, "不存在") == [] and catalog.search("不存在").total == 0


def check_filters_and_retired(db: Database, catalog: CatalogService) -> None:
    assert codes(catalog, "公证", department="SFJ") == [code(1), code(3), code(2), code(4)]
    assert codes(catalog, "公证", department="MZJ") == []  # two characters: names and keywords only
    assert codes(catalog, "公证材料", department="MZJ") == [code(6)]
    assert codes(catalog, "公证材料", department="SFJ") == []
    assert codes(catalog, "公证", item_type="licensing") == [code(3)]
    assert codes(catalog, None, department="WJJ") == [code(7), code(8)]
    assert codes(catalog, None, item_type="payment") == [code(9)]
    with db.unit_of_work() as session:
        session.execute(update(ServiceItem).where(ServiceItem.item_code == code(1)).values(retired=True))
    assert code(1) not in codes(catalog, "公证")
    assert code(1) not in codes(catalog, "gz")
    assert code(1) not in codes(catalog, None, department="SFJ")
    assert codes(catalog, code(1)) == []
    assert catalog.search("公证").total == 3
    assert codes(catalog, code(1), include_retired=True) == [code(1)]
    assert codes(catalog, "公证", include_retired=True)[0] == code(1)
    assert catalog.search("0591-83000316").total == len(ITEMS) - 1


def many() -> list[tuple[str, str, str, str, list[str], str]]:
    """More items named 施工许可 than a total counts."""
    return [
        (f"350104-ZJJ-XK-{n:05d}-000", f"建筑工程施工许可（第{n}批）", "ZJJ", "licensing", ["建筑"], "")
        for n in range(100, 100 + MAX_COUNTED + 30)
    ]


def check_paging(db: Database, catalog: CatalogService) -> None:
    seed(db, many())
    first = catalog.search("施工许可", limit=20)
    assert first.total == MAX_COUNTED  # capped
    second = catalog.search("施工许可", offset=20, limit=20)
    assert len(first.items) == len(second.items) == 20
    assert not {i["item_code"] for i in first.items} & {i["item_code"] for i in second.items}
    whole = codes(catalog, "施工许可", limit=40)
    assert whole == [i["item_code"] for i in first.items + second.items]
    assert catalog.search("建筑", limit=5).total == MAX_COUNTED  # two characters: the terms, capped
    assert catalog.search("jzgcsgxk", limit=5).total == MAX_COUNTED
    assert catalog.search(None, department="ZJJ").total == MAX_COUNTED
    small = catalog.search("继承", limit=1)
    assert small.total == 2 and len(small.items) == 1
    assert catalog.search("继承", offset=1, limit=1).items[0]["item_code"] == code(4)
    assert catalog.search("继承", offset=5, limit=1).items == []
