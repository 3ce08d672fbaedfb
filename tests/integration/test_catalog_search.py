"""Catalog search: tiers and their order, pinyin, codes, short Chinese, filters, retired, paging, on SQLite
and PostgreSQL (pg_trgm); and migration 0006's backfill of the derived columns and terms."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import event, select, text

from gateway.persistence import migrate
from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm
from gateway.persistence.db import Database, make_engine
from gateway.services.catalog import MAX_COUNTED, CatalogService
from gateway.services.catalog.text import index_columns, index_terms
from tests.conftest import on_both, on_postgres
from tests.integration import catalog_search_cases as cases


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


@pytest.fixture
def catalog(db: Database) -> CatalogService:
    cases.seed(db)
    return CatalogService(db)


@on_both
def test_ranking_by_tier(catalog):
    cases.check_ranking(catalog)


@on_both
def test_pinyin(catalog):
    cases.check_pinyin(catalog)


@on_both
def test_one_and_two_character_chinese(catalog):
    cases.check_short_chinese(catalog)


@on_both
def test_filters_and_retired(db, catalog):
    cases.check_filters_and_retired(db, catalog)


@on_both
def test_paging_and_capped_total(db, catalog):
    cases.check_paging(db, catalog)


@on_postgres
def test_trigrams_of_chinese(db):
    with db.read() as session:
        assert len(session.scalar(text("SELECT show_trgm('医疗机构执业登记')"))) >= 6


@on_postgres
def test_a_total_the_name_tier_caps_reads_neither_title_nor_guide(db, catalog):
    cases.seed(db, cases.many())
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = catalog.search("施工许可", limit=20)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.total == MAX_COUNTED and len(page.items) == 20
    assert any("service_items.name ILIKE" in s for s in statements)
    assert not any("service_items.guide LIKE" in s or "search_title LIKE" in s for s in statements)


def test_search_does_not_read_wide_rows_for_candidates(db, catalog):
    # the FTS candidates are checked against the covering index by id, never the table
    with db.read() as session:
        plan = session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT service_items.id FROM service_items_fts_guide JOIN service_items "
                "INDEXED BY ix_service_items_live ON service_items.id = service_items_fts_guide.rowid "
                "WHERE service_items_fts_guide MATCH '\"咨询电话\"' AND service_items.retired = 0 LIMIT 5"
            )
        ).all()
    assert any("COVERING INDEX ix_service_items_live" in row[-1] for row in plan)


def test_migration_0006_backfills_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0005")
    record = {
        "item_code": "350104-SFJ-QT-00002-000",
        "name": "继承公证（帮办代办）",
        "keywords": ["继承", "Notary"],
    }
    with engine.begin() as conn:
        stamp = "2026-11-26 00:00:00.000000"
        row = {
            "id": 7,
            "item_code": record["item_code"],
            "name": record["name"],
            "item_type": "public_service",
            "department_code": "SFJ",
            "department_name": "司法局",
            "statutory_days": 1,
            "promised_days": 1,
            "materials": "[]",
            "steps": "[]",
            "windows": "[]",
            "keywords": json.dumps(record["keywords"]),
            "guide": "办事指南：咨询电话 0591",
            "accepts_incomplete": 0,
            "retired": 0,
            "source_updated_at": stamp,
            "content_hash": "x",
            "version": 1,
            "pinyin_full": "jichenggongzhengbangbandaiban",
            "pinyin_initials": "jcgzbbdb",
            "search_text": "old",
            "created_at": stamp,
            "updated_at": stamp,
        }
        columns = ", ".join(row)
        values = ", ".join(f":{c}" for c in row)
        conn.execute(text(f"INSERT INTO service_items ({columns}) VALUES ({values})"), row)  # noqa: S608
        conn.execute(text("INSERT INTO service_item_terms (term, item_id) VALUES ('继承', 7)"))
    migrate.upgrade(engine)
    db = Database(engine)
    with db.read() as session:
        title = session.scalar(select(ServiceItem.search_title))
        terms = set(session.scalars(select(ServiceItemTerm.term).where(ServiceItemTerm.item_id == 7)))
    assert title == index_columns(record)["search_title"]
    assert terms == index_terms(record)
    catalog = CatalogService(db)
    for q in ("继承公证", "继承", "证", "jcgz", "notary", "咨询电话", record["item_code"]):
        assert cases.codes(catalog, q) == [record["item_code"]], q
    cfg = migrate.alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0005")
    with engine.connect() as conn:
        assert "继承公证" in conn.execute(text("SELECT search_text FROM service_items")).scalar_one()
        hits = conn.execute(
            text("SELECT rowid FROM service_items_fts WHERE service_items_fts MATCH '\"咨询电话\"'")
        )
        assert hits.scalars().all() == [7]
    migrate.upgrade(engine)
    with engine.connect() as conn:
        # statistics of FTS5's shadow tables, taken while small, would make its inserts plan scans later
        shadow = conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl LIKE 'service_items_fts%'"))
        assert shadow.scalar_one() == 0
        items = conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'service_items'"))
        assert items.scalar_one() > 0
    engine.dispose()
