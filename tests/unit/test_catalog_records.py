"""The catalog service package: no SQL of its own, and a stored row read back as the record it came from."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from gateway.domain.catalog import CONTENT_FIELDS, content_hash
from gateway.persistence.catalog_models import ServiceItem
from gateway.services.catalog.records import as_record, prepare
from gateway.services.catalog.text import index_terms

PACKAGE = Path(__file__).resolve().parents[2] / "gateway" / "services" / "catalog"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_catalog_services_imports_sqlalchemy() -> None:
    offending = {
        path.name: sorted(n for n in _imported(path) if n.split(".")[0] == "sqlalchemy")
        for path in sorted(PACKAGE.glob("*.py"))
    }
    assert {name: found for name, found in offending.items() if found} == {}


ITEM = {
    "item_code": "350104-SFJ-GZ-00001",
    "name": "继承公证",
    "item_type": "public_service",
    "parent_code": None,
    "department": "仓山区司法局",
    "legal_basis": "《中华人民共和国公证法》",
    "statutory_days": 15,
    "promised_days": 5,
    "materials": [{"name": "身份证", "form": "original", "copies": 1}],
    "steps": [{"name": "受理"}],
    "fee": None,
    "place": "仓山区行政服务中心",
    "windows": ["3号窗口"],
    "online_url": None,
    "consult_phone": "0591-00000000",
    "complaint_phone": None,
    "keywords": ["遗产", "继承"],
    "guide": "办理继承公证需本人到场。",
    "accepts_incomplete": True,
    "retired": False,
    "updated_at": datetime(2026, 11, 26, 8, 30, tzinfo=UTC),
}


def test_a_prepared_item_read_back_from_its_row_is_the_same_content() -> None:
    prepared = prepare(ITEM, {"司法局": "SFJ"})
    row = ServiceItem(**prepared.values)
    assert row.department_code == "SFJ" and row.content_hash == prepared.digest == content_hash(ITEM)
    record = as_record(row)
    assert list(record) == list(CONTENT_FIELDS)
    assert record == {name: ITEM[name] for name in CONTENT_FIELDS}
    assert index_terms(record) == prepared.terms


def test_a_retired_record_is_prepared_without_content() -> None:
    prepared = prepare(ITEM | {"retired": True}, {})
    assert (prepared.digest, prepared.values, prepared.terms) == ("", {}, set())
