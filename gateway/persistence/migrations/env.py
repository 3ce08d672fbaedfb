"""Alembic environment: runs against a connection handed in, or the URL from the environment."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

import gateway.persistence  # noqa: F401 - registers every model module
from gateway.persistence.db import make_engine
from gateway.persistence.models import Base

config = context.config
target_metadata = Base.metadata


# Search structures made by hand (migrations 0003 and 0006) or on one dialect only: SQLite's FTS5 table
# (and its shadow tables) and covering index by id, PostgreSQL's trigram indexes; autogenerate must
# neither drop nor re-create them.
_SPECIAL_INDEXES = frozenset(
    {
        "ix_service_items_live",
        "ix_service_items_name_trgm",
        "ix_service_items_search_title_trgm",
        "ix_service_items_guide_trgm",
    }
)


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    if type_ == "table" and name is not None and name.startswith("service_items_fts"):
        return False
    return not (type_ == "index" and name in _SPECIAL_INDEXES)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(
        "GATEWAY_DATABASE_URL", "sqlite:///var/gateway.db"
    )
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `flask --app wsgi db upgrade`")
run_migrations_online()
