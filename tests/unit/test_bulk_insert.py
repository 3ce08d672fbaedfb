"""The catalog sync's SQLite bulk insert and update (one statement over json_each) store exactly what an
ordinary SQLAlchemy insert or update stores: the same text, the same storage classes, for any value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from gateway.persistence.db import Database, json_text, make_engine
from gateway.persistence.repositories import catalog_bulk as catalog_sync
from gateway.persistence.repositories.catalog_bulk import bulk_insert as _bulk_insert
from gateway.persistence.repositories.catalog_bulk import bulk_update as _bulk_update
from gateway.persistence.repositories.catalog_bulk import insert_terms as _insert_terms
from gateway.persistence.types import UTCDateTime

metadata = MetaData()
SAMPLE = Table(
    "sample",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32)),
    Column("body", Text, nullable=True),
    Column("count", Integer, nullable=True),
    Column("flag", Boolean),
    Column("at", UTCDateTime, nullable=True),
    Column("doc", JSON),
)
COLUMNS = "code, typeof(body), body, typeof(count), count, typeof(flag), flag, at, typeof(doc), doc"

# Text that JSON must escape or that encoders treat differently: quotes, backslashes, control
# characters, U+2028, astral characters, Chinese.
tricky = st.text(
    alphabet=st.sampled_from(
        ['"', "\\", "\n", "\t", "\x00", "\x1f", "\u2028", "/", "😀", "公", "证", "a", " "]
    ),
    max_size=12,
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**62), max_value=2**62)
    | st.floats(allow_nan=False, allow_infinity=False)
    | tricky
    | st.text(max_size=8)
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(tricky | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
instants = st.none() | st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(timezone(timedelta(hours=8))),
)

sample_rows = st.lists(
    st.fixed_dictionaries(
        {
            "body": st.none() | tricky,
            "count": st.none() | st.integers(min_value=-(2**62), max_value=2**62),
            "flag": st.booleans(),
            "at": instants,
            "doc": documents,
        }
    ),
    min_size=1,
    max_size=5,
)


@pytest.fixture(scope="module")
def db():
    database = Database(make_engine("sqlite://"))  # one in-memory database (a single pooled connection)
    metadata.create_all(database.engine)
    yield database
    database.dispose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sample_rows)
def test_bulk_rows_are_stored_as_an_ordinary_insert_stores_them(db, rows):
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM sample"))
        _bulk_insert(session, SAMPLE, [{"code": f"bulk{i}", **row} for i, row in enumerate(rows)])
        session.execute(insert(SAMPLE), [{"code": f"orm{i}", **row} for i, row in enumerate(rows)])
    with db.read() as session:
        raw = session.execute(text(f"SELECT {COLUMNS} FROM sample ORDER BY id")).all()  # noqa: S608
    bulk = [r[1:] for r in raw if r[0].startswith("bulk")]
    orm = [r[1:] for r in raw if r[0].startswith("orm")]
    assert len(bulk) == len(rows)
    assert bulk == orm
    for row, written in zip(rows, bulk, strict=True):
        if written[-2] == "text":  # (a JSON column has NUMERIC affinity: SQLite stores "0" as 0)
            assert written[-1] == json_text(row["doc"])  # compact UTF-8 JSON, as the engine serializes


def test_terms_are_inserted_in_key_order_and_existing_ones_are_skipped_when_asked(db, monkeypatch):
    terms = Table(
        "terms",
        MetaData(),
        Column("term", String(8), primary_key=True),
        Column("item_id", Integer, primary_key=True),
    )
    terms.create(db.engine, checkfirst=True)
    monkeypatch.setattr(catalog_sync, "_TERMS", terms)
    with db.unit_of_work() as session:
        _insert_terms(session, [("公证", 2), ('"\\', 1), ("公证", 1)])
    with pytest.raises(IntegrityError, match="UNIQUE"), db.unit_of_work() as session:
        _insert_terms(session, [("公证", 1)])
    with db.unit_of_work() as session:
        _insert_terms(session, [("公证", 1), ("律师", 3)], existing_ok=True)
    with db.read() as session:
        got = session.execute(text("SELECT term, typeof(item_id), item_id FROM terms ORDER BY rowid")).all()
    assert got == [
        ('"\\', "integer", 1),
        ("公证", "integer", 1),
        ("公证", "integer", 2),
        ("律师", "integer", 3),
    ]


def test_one_timestamp_shared_by_many_rows_is_stored_in_each(db):
    now = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM sample"))
        _bulk_insert(
            session, SAMPLE, [{"code": f"c{i}", "flag": i % 2 == 0, "at": now, "doc": [i]} for i in range(4)]
        )
    with db.read() as session:
        got = session.execute(text("SELECT code, flag, at, doc FROM sample ORDER BY id")).all()
    assert got == [(f"c{i}", int(i % 2 == 0), "2026-11-26 08:30:00.000000", f"[{i}]") for i in range(4)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sample_rows)
def test_bulk_updates_store_what_an_ordinary_update_stores(db, rows):
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM sample"))
        stale = {"body": "旧", "count": 1, "flag": True, "at": None, "doc": {"old": True}}
        session.execute(
            insert(SAMPLE), [{"id": i, "code": f"c{i}", **stale} for i in range(1, 2 * len(rows) + 1)]
        )
        half = len(rows)
        _bulk_update(session, SAMPLE, [{"id": i + 1, **row} for i, row in enumerate(rows)])
        session.execute(
            update(SAMPLE).where(SAMPLE.c.id == bindparam("row_id")),
            [{"row_id": half + i + 1, **row} for i, row in enumerate(rows)],
        )
    with db.read() as session:
        raw = session.execute(text(f"SELECT id, {COLUMNS} FROM sample ORDER BY id")).all()  # noqa: S608
    bulk, plain = [r[2:] for r in raw[:half]], [r[2:] for r in raw[half:]]
    assert bulk == plain
    assert [r[1] for r in raw] == [f"c{i}" for i in range(1, 2 * half + 1)]  # codes (not updated) kept


def test_an_sqlite_without_json_arrows_gets_the_rows_one_by_one_stored_alike(db, monkeypatch):
    monkeypatch.setattr(catalog_sync, "_JSON_ARROWS", False)
    now = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    row = {"body": '"公证"\\n', "count": 7, "flag": True, "at": now, "doc": {"材料": ["身份证", None, 1.5]}}
    with db.unit_of_work() as session:
        session.execute(text("DELETE FROM sample"))
        _bulk_insert(session, SAMPLE, [{"id": 1, "code": "bulk", **row}])
        session.execute(insert(SAMPLE), [{"id": 2, "code": "orm", **row}])
        _bulk_update(session, SAMPLE, [{"id": 1, "body": "改", "doc": [True]}])
        session.execute(update(SAMPLE).where(SAMPLE.c.id == 2).values(body="改", doc=[True]))
    with db.read() as session:
        bulk, orm = session.execute(text(f"SELECT {COLUMNS} FROM sample ORDER BY id")).all()  # noqa: S608
    assert bulk[1:] == orm[1:] and bulk[2] == "改" and bulk[-1] == "[true]"
