"""Catalog search on PostgreSQL (pg_trgm): the same scenarios as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gateway.persistence.db import Database, make_engine
from gateway.services.catalog import CatalogService
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
