"""Engine, sessions and the unit of work, for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from gateway.persistence.uow import SqlUnitOfWork

# JSON columns as compact UTF-8 text: Chinese content stays one character per character instead of a
# six-byte \uXXXX escape (a third of the size), and it is the form SQLite's own JSON functions render,
# so rows the catalog sync writes through json_each are stored exactly as ORM-written rows.
json_text = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin); pysqlite's own transaction handling is off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front: a deferred BEGIN that later upgrades can fail with
    # SQLITE_BUSY without waiting, which would surface as a 500 under concurrent intake.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the per-dialect settings the gateway relies on."""
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", json_text)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


class Database:
    """Owns the engine; hands out read sessions and write units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        writer = engine.execution_options(sqlite_immediate=True) if self.is_sqlite else engine
        self._read = sessionmaker(bind=engine, expire_on_commit=False)
        self._write = sessionmaker(bind=writer, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; rolled back at the end."""
        with self._read() as session:
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A write transaction: commits when the block ends, rolls back on any exception."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[SqlUnitOfWork]:
        """A unit of work for services: a write transaction with its repositories; commits when the block
        ends, rolls back on any exception."""
        with self.unit_of_work() as session:
            yield SqlUnitOfWork(session)

    @contextmanager
    def reading(self) -> Iterator[SqlUnitOfWork]:
        """A unit of work for queries: the repositories over a session that is rolled back at the end."""
        with self.read() as session:
            yield SqlUnitOfWork(session)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
