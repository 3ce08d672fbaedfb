"""The suite's PostgreSQL database: a throwaway database per run, migrated once, truncated before every test.

The server comes from GATEWAY_TEST_PG_URL (default: the local `test` database). The suite creates its own
database `gateway_test_<random>` next to it (so concurrent runs never collide) and drops it at the end.
A test runs on it when it is parametrized so (`on_postgres`, `on_both` in tests/conftest.py) or asks for
`pg` itself. If the server cannot be reached the tests are skipped, unless GATEWAY_REQUIRE_PG=1 or CI is
set: then they fail, so CI can never pass with the PostgreSQL suite silently skipped.
Without the CREATEDB privilege the given database itself is used: the gateway's tables are dropped,
migrated afresh and dropped again at the end (such runs must not share that database).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from gateway.persistence import migrate
from gateway.persistence.db import make_engine
from gateway.persistence.models import Base

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_S = 5


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def _pg_required() -> bool:
    return _truthy(os.environ.get("GATEWAY_REQUIRE_PG")) or _truthy(os.environ.get("CI"))


def _unavailable(message: str) -> NoReturn:
    if _pg_required():
        pytest.fail(
            f"{message} (GATEWAY_REQUIRE_PG/CI is set, so the PostgreSQL suite must run)", pytrace=False
        )
    pytest.skip(f"{message}; start PostgreSQL or point GATEWAY_TEST_PG_URL at one to run this suite")


def _admin_engine(url: URL) -> Engine:
    return create_engine(
        url,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


def _our_tables(engine: Engine, *, whole_database: bool) -> list[str]:
    names = set(inspect(engine).get_table_names(schema="public")) - {"alembic_version"}
    if not whole_database:
        names &= set(Base.metadata.tables)  # a shared database: touch nothing but the gateway's tables
    return sorted(names)


def _drop_our_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@dataclass(frozen=True)
class PgDatabase:
    url: str  # SQLAlchemy URL with the password in clear, for create_app
    engine: Engine  # the suite's own engine, for setup and assertions
    throwaway: bool  # False when CREATE DATABASE was refused and the given database is used


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase]:
    base = make_url(os.environ.get("GATEWAY_TEST_PG_URL") or DEFAULT_PG_URL)
    if base.get_backend_name() != "postgresql":
        _unavailable(
            f"GATEWAY_TEST_PG_URL is not a PostgreSQL URL: {base.render_as_string(hide_password=True)}"
        )
    shown = base.render_as_string(hide_password=True)
    admin = _admin_engine(base)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as err:
        admin.dispose()
        detail = str(err.orig if err.orig is not None else err).strip()
        reason = detail.splitlines()[0] if detail else type(err).__name__
        _unavailable(f"cannot connect to PostgreSQL at {shown}: {reason}")

    name = f"gateway_test_{secrets.token_hex(6)}"
    throwaway = True
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
        url = base.set(database=name)
    except ProgrammingError:
        # No CREATEDB privilege: fall back to the given database, cleared of our tables first.
        throwaway = False
        url = base
    engine = make_engine(url.render_as_string(hide_password=False), connect_args={"connect_timeout": 10})
    try:
        if not throwaway:
            _drop_our_tables(engine)
        migrate.upgrade(engine)
        yield PgDatabase(url=url.render_as_string(hide_password=False), engine=engine, throwaway=throwaway)
    finally:
        engine.dispose()
        if throwaway:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            _drop_our_tables(engine)
            engine.dispose()
        admin.dispose()


@pytest.fixture
def pg(pg_database: PgDatabase) -> PgDatabase:
    tables = _our_tables(pg_database.engine, whole_database=pg_database.throwaway)
    if tables:
        listed = ", ".join(f'"{t}"' for t in tables)
        with pg_database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
    return pg_database


@pytest.fixture
def pg_engine(pg: PgDatabase) -> Engine:
    return pg.engine
