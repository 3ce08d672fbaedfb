"""Catalog search on PostgreSQL (pg_trgm): the same scenarios as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from gateway.persistence.db import Database, make_engine
from gateway.services.catalog import MAX_COUNTED, CatalogService
from tests.integration import catalog_search_cases as cases

pytestmark = pytest.mark.postgres


@pytest.fixture
def db(pg):
    database = Database(make_engine(pg.url))
    yield database
    database.dispose()


@pytest.fixture
def catalog(db):
    cases.seed(db)
    return CatalogService(db)


def test_trigrams_of_chinese(db):
    with db.read() as session:
        assert len(session.scalar(text("SELECT show_trgm('医疗机构执业登记')"))) >= 6


def test_ranking_by_tier(catalog):
    cases.check_ranking(catalog)


def test_pinyin(catalog):
    cases.check_pinyin(catalog)


def test_one_and_two_character_chinese(catalog):
    cases.check_short_chinese(catalog)


def test_filters_and_retired(db, catalog):
    cases.check_filters_and_retired(db, catalog)


def test_paging_and_capped_total(db, catalog):
    cases.check_paging(db, catalog)


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
