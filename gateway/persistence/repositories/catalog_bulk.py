"""The catalog sync's bulk statements: a page's rows in one statement on both backends.

SQLite: one INSERT/UPDATE over json_each(?) per page; PostgreSQL: executemany, and the terms through
unnest() of two arrays. What is stored is exactly what an ordinary SQLAlchemy insert or update stores
(tests/unit/test_bulk_insert.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm, ServiceItemVersion

# SQLite's -> and ->> (3.38+) read a page's rows out of one JSON parameter; an older SQLite gets the
# rows one by one (correct, slower).
_JSON_ARROWS = sqlite3.sqlite_version_info >= (3, 38, 0)
# Core tables for the bulk statements (executemany, no ORM bookkeeping per row).
ITEMS: Table = ServiceItem.__table__  # type: ignore[assignment]
_TERMS: Table = ServiceItemTerm.__table__  # type: ignore[assignment]
VERSIONS: Table = ServiceItemVersion.__table__  # type: ignore[assignment]


def json_text(value: Any) -> str:
    """A page's rows as the engine's JSON serializer writes them (compact UTF-8, db.json_text)."""
    # Imported here: db imports the unit of work, which imports this module through CatalogRepository.
    from gateway.persistence.db import json_text as serialize

    return serialize(value)


def insert_terms(session: Session, rows: list[tuple[str, int]], *, existing_ok: bool = False) -> None:
    """(term, item_id) rows, ~21 per item, 2 M for a catalog: in one statement per page on both
    backends; with existing_ok, a row already stored is skipped instead of failing the page."""
    if not rows:
        return
    rows.sort()  # in primary-key order: each index page is visited once per page of items, not per row
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One statement with two arrays: an executemany would run 1.8 M single-row INSERTs on the server.
        terms, ids = zip(*rows, strict=True)
        connection.exec_driver_sql(
            f"INSERT INTO {_TERMS.name} (term, item_id) SELECT * FROM unnest(%s::text[], %s::bigint[])"  # noqa: S608
            + (" ON CONFLICT DO NOTHING" if existing_ok else ""),
            (list(terms), list(ids)),
        )
        return
    # Plain strings and integers: nothing to convert, the tuples go to json_each as they are.
    _sqlite_insert(connection, _TERMS, ["term", "item_id"], rows, or_ignore=existing_ok)


def bulk_insert(
    session: Session, table: Table, rows: list[dict[str, Any]], *, or_ignore: bool = False
) -> None:
    """Rows (all with the same keys) into a table; on SQLite as ONE statement over json_each.

    sqlite3's executemany steps once per row and takes the GIL back between rows, so a writer thread
    inserting rows (with their FTS5 triggers) and a thread validating the next page take turns instead
    of overlapping. One INSERT ... SELECT FROM json_each(?) runs the whole page, triggers included, in
    a single step with the GIL released. Values are converted by the columns' own SQLAlchemy types
    first (DATETIME text, booleans), so what is stored is exactly what an ORM insert stores; JSON
    columns travel as JSON and are stored as SQLite renders them, which is the engine's serializer's
    compact form (db.json_text). Elsewhere (PostgreSQL): an ordinary executemany. or_ignore (SQLite
    only) skips rows whose key is already stored.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    _sqlite_insert(
        connection, table, names, _storage_values(dialect, table, names, rows), or_ignore=or_ignore
    )


def _storage_values(
    dialect: Any, table: Table, names: list[str], rows: list[dict[str, Any]]
) -> list[list[Any]]:
    """The rows' values as SQLite stores them, in `names` order: converted by the columns' own types
    (DATETIME text, booleans); JSON columns stay JSON values (SQLite renders them as db.json_text)."""
    pick = itemgetter(*names)
    values: list[Any] = [list(pick(row)) for row in rows] if len(names) > 1 else [[pick(r)] for r in rows]
    for index, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            continue  # stays a JSON value inside the page's JSON
        to_db = column_type.dialect_impl(dialect).bind_processor(dialect)
        if to_db is None:
            continue
        converted: dict[Any, Any] = {}  # the page's timestamps repeat: convert each value once
        for row in values:
            value = row[index]
            try:
                row[index] = converted[value]
            except KeyError:
                row[index] = converted[value] = to_db(value)
            except TypeError:  # unhashable
                row[index] = to_db(value)
    return values


def bulk_update(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows (all with the same keys, "id" among them) written over the stored rows of those ids.

    On SQLite as ONE `UPDATE ... FROM json_each(?)`: FTS5 pays a flush for every statement that
    touches it, so an UPDATE per row (what executemany and the ORM's flush run) cost ~1.5 ms per
    changed item in the three trigram tables' triggers; one statement for the page, ~0.2 ms.
    Elsewhere: an executemany UPDATE by id.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns = [name for name in names if name != "id"]
    if dialect.name != "sqlite":
        statement = (
            update(table)
            .where(table.c.id == bindparam("v_id"))
            .values({name: bindparam(f"v_{name}") for name in columns})
        )
        connection.execute(statement, [{f"v_{k}": v for k, v in row.items()} for row in rows])
        return
    values = _storage_values(dialect, table, names, rows)
    quote = dialect.identifier_preparer.quote
    is_json = _json_columns(table, names)
    key = names.index("id")
    payload = json_text(values)
    if not _one_statement(payload):
        sets = ", ".join(f"{quote(n)} = ?" for n in columns)
        connection.exec_driver_sql(
            f"UPDATE {quote(table.name)} SET {sets} WHERE id = ?",  # noqa: S608
            [row[:key] + row[key + 1 :] + row[key : key + 1] for row in _plain(values, is_json)],
        )
        return
    sets = ", ".join(
        f"{quote(n)} = j.value {'->' if j else '->>'} {i}"
        for i, (n, j) in enumerate(zip(names, is_json, strict=True))
        if i != key
    )
    connection.exec_driver_sql(
        f"UPDATE {quote(table.name)} SET {sets} FROM json_each(?) AS j "  # noqa: S608
        f"WHERE {quote(table.name)}.id = j.value ->> {key}",
        (payload,),
    )


def _sqlite_insert(
    connection: Connection,
    table: Table,
    names: list[str],
    values: Sequence[Sequence[Any]],
    *,
    or_ignore: bool = False,
) -> None:
    """Rows of values already in storage form, in one INSERT ... SELECT FROM json_each(?).

    A JSON column's value is read with `->` (its JSON text, compact), every other with `->>` (the SQL
    value: text, integer, real or NULL; JSON true/false become 1/0, as SQLAlchemy stores booleans).
    """
    quote = connection.dialect.identifier_preparer.quote
    is_json = _json_columns(table, names)
    head = f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {quote(table.name)} "  # noqa: S608
    head += f"({', '.join(quote(name) for name in names)}) "
    payload = json_text(values)
    if not _one_statement(payload):
        connection.exec_driver_sql(head + f"VALUES ({', '.join('?' * len(names))})", _plain(values, is_json))
        return
    extract = ", ".join(f"value {'->' if j else '->>'} {i}" for i, j in enumerate(is_json))
    connection.exec_driver_sql(head + f"SELECT {extract} FROM json_each(?)", (payload,))  # noqa: S608


def _json_columns(table: Table, names: list[str]) -> list[bool]:
    return [isinstance(table.c[name].type, JSON) for name in names]


def _one_statement(payload: str) -> bool:
    """Whether a page's JSON can be read by ->/->> in one statement: SQLite 3.38+, and no NUL (->>
    would end a text there; validated content has none). Otherwise the rows go one by one."""
    return _JSON_ARROWS and "\\u0000" not in payload


def _plain(values: Sequence[Sequence[Any]], is_json: list[bool]) -> list[tuple[Any, ...]]:
    """Rows of storage values as sqlite3 parameters: JSON columns as their text."""
    return [tuple(json_text(v) if j else v for v, j in zip(row, is_json, strict=True)) for row in values]
