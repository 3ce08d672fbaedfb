"""catalog search: title text apart from the guide, tiered-search indexes, terms rebuilt

- service_items.search_title (code, keywords, pinyin; lower-cased) replaces search_text (which also held
  the name and the 办事指南): name, title and guide are searched as separate tiers.
- SQLite: three FTS5 trigram tables (service_items_fts_name, _title, _guide) replace service_items_fts,
  with new triggers; PostgreSQL: three trigram GIN indexes (name, search_title, guide) replace the one
  on search_text.
- B-tree indexes that carry retired, department and type, so that search tiers filter and order
  without visiting the wide rows (covering on SQLite), and ix_service_items_live (by id) to check
  candidates of the substring indexes and terms.
- service_item_terms: rebuilt from the items with index_terms (name bigrams, word ends, keyword-only
  bigrams marked); a WITHOUT ROWID table on SQLite; no separate item_id index.
- ANALYZE at the end, so the planners know the sizes.
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0006", "0005"  # created 2026-11-26

_CHUNK = 2000
# One FTS5 table per text, so that a tier's phrase never walks the (long) doclists of another text's
# trigrams: a column filter in one table would (a guide phrase costs 40 ms in the name column).
_FTS_TABLES = {
    "service_items_fts_name": "name",
    "service_items_fts_title": "search_title",
    "service_items_fts_guide": "guide",
}
_OLD_INDEXES = {
    "ix_service_items_department_code": ["department_code"],
    "ix_service_items_item_type": ["item_type"],
    "ix_service_items_pinyin_initials": ["pinyin_initials"],
    "ix_service_items_pinyin_full": ["pinyin_full"],
}
_NEW_INDEXES = {
    "ix_service_items_code_search": ["item_code", "retired", "department_code", "item_type"],
    "ix_service_items_department_code": ["department_code", "item_code", "retired", "item_type"],
    "ix_service_items_item_type": ["item_type", "item_code", "retired", "department_code"],
    "ix_service_items_name_search": ["name", "id", "retired", "department_code", "item_type"],
    "ix_service_items_pinyin_initials": ["pinyin_initials", "id", "retired", "department_code", "item_type"],
    "ix_service_items_pinyin_full": ["pinyin_full", "id", "retired", "department_code", "item_type"],
    "ix_service_items_live": ["id", "retired", "department_code", "item_type", "name"],
}
_TRGM = ("name", "search_title", "guide")


# ---- frozen: the derivations as they were when this revision was written ---------------------------
# Copied from gateway.domain.catalog (bigrams, word_ends, KEYWORD_MARK) and gateway.services.catalog_text
# (search_text, index_terms) so that this revision does what it did whatever those modules become
# (tests/unit/test_migration_frozen.py checks the copy against them while they still agree).

_WORD = re.compile(r"[\w\u3400-\u9fff]+")
_KEYWORD_MARK = "+"


def bigrams(texts: Iterable[str]) -> set[str]:
    """Two-character terms of each word in the texts, lower-cased."""
    terms: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            terms.update(word[i : i + 2] for i in range(len(word) - 1))
    return terms


def word_ends(texts: Iterable[str]) -> set[str]:
    """The last character of each word in the texts, lower-cased."""
    return {word[-1] for text in texts for word in _WORD.findall(text.lower())}


def search_text(item: dict[str, Any], full: str, initials: str) -> str:
    """An item's title text besides its name, lower-cased: code, keywords, full pinyin and initials."""
    pieces = [item["item_code"], " ".join(item.get("keywords") or []), full, initials]
    return "\n".join(pieces).lower()


def index_terms(item: dict[str, Any]) -> set[str]:
    """An item's terms: name bigrams, name word ends, and keyword-only bigrams marked."""
    names = bigrams([item["name"]])
    keywords = bigrams(item.get("keywords") or []) - names
    return names | word_ends([item["name"]]) | {t + _KEYWORD_MARK for t in keywords}


# ---- the revision ------------------------------------------------------------------------------------


def _items(columns: str) -> Iterator[list[Any]]:
    """The items' rows in chunks of ids (never all 100,000 wide rows at once)."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.text(f"SELECT id, {columns} FROM service_items WHERE id > :last ORDER BY id LIMIT :n"),  # noqa: S608 - constant columns
            {"last": last, "n": _CHUNK},
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        yield list(rows)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):  # SQLite hands JSON back as text through a plain SELECT
        import json

        value = json.loads(value)
    return list(value or [])


def _terms_table(old: bool) -> None:
    op.create_table(
        "service_item_terms",
        sa.Column("term", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["service_items.id"],
            name=op.f("fk_service_item_terms_item_id_service_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "item_id", name=op.f("pk_service_item_terms")),
        **({} if old else {"sqlite_with_rowid": False}),
    )
    if old:
        op.create_index("ix_service_item_terms_item_id", "service_item_terms", ["item_id"])


def _fill_terms(old: bool) -> None:
    insert = sa.text("INSERT INTO service_item_terms (term, item_id) VALUES (:term, :item_id)")
    for rows in _items("name, keywords"):
        params: list[dict[str, Any]] = []
        for item_id, name, keywords in rows:
            item = {"name": name, "keywords": _keywords(keywords)}
            terms = bigrams([name, *item["keywords"]]) if old else index_terms(item)
            params.extend({"term": t, "item_id": item_id} for t in sorted(terms))
        if params:
            op.get_bind().execute(insert, params)


def _sqlite_fts(tables: dict[str, str]) -> None:
    """External-content FTS5 trigram tables, one per searched column, kept in step by three triggers."""
    inserts, deletes = [], []
    for fts, col in tables.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({col}, content='service_items', content_rowid='id', "
            "tokenize='trigram', columnsize=0)"
        )
        # table and column names below are this module's constants
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
        inserts.append(f"INSERT INTO {fts}(rowid, {col}) VALUES (new.id, new.{col});")  # noqa: S608
        deletes.append(f"INSERT INTO {fts}({fts}, rowid, {col}) VALUES ('delete', old.id, old.{col});")  # noqa: S608
    cols = ", ".join(tables.values())
    op.execute(
        f"CREATE TRIGGER service_items_fts_ai AFTER INSERT ON service_items BEGIN {' '.join(inserts)} END"
    )
    op.execute(
        f"CREATE TRIGGER service_items_fts_ad AFTER DELETE ON service_items BEGIN {' '.join(deletes)} END"
    )
    op.execute(
        f"CREATE TRIGGER service_items_fts_au AFTER UPDATE OF {cols} ON service_items BEGIN "
        f"{' '.join(deletes)} {' '.join(inserts)} END"
    )


def _drop_sqlite_fts() -> None:
    for trigger in ("service_items_fts_ai", "service_items_fts_ad", "service_items_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for fts in ("service_items_fts", *_FTS_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def _analyze(dialect: str) -> None:
    op.execute("ANALYZE service_items")
    op.execute("ANALYZE service_item_terms")
    if dialect == "sqlite":
        # Never statistics on FTS5's shadow tables: taken while they are small, they make SQLite plan
        # FTS5's own lookups as scans once they grow (measured: inserts 2.6x slower at 10,000 items).
        has_stats = op.get_bind().exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        if has_stats.first() is not None:
            op.execute("DELETE FROM sqlite_stat1 WHERE tbl LIKE 'service_items_fts%'")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
        # A database migrated by an early 0004 may hold a plain B-tree index of that name on SQLite.
        op.execute("DROP INDEX IF EXISTS ix_service_items_search_text_trgm")
    else:
        op.execute("DROP INDEX IF EXISTS ix_service_items_search_text_trgm")
    for name in _OLD_INDEXES:
        op.drop_index(name, table_name="service_items")

    # The title text, from the stored columns (the pinyin is stored already).
    op.add_column("service_items", sa.Column("search_title", sa.Text(), nullable=False, server_default=""))
    update = sa.text("UPDATE service_items SET search_title = :title WHERE id = :id")
    for rows in _items("item_code, keywords, pinyin_full, pinyin_initials"):
        params = [
            {"id": r[0], "title": search_text({"item_code": r[1], "keywords": _keywords(r[2])}, r[3], r[4])}
            for r in rows
        ]
        op.get_bind().execute(update, params)
    if dialect == "sqlite":
        op.execute("ALTER TABLE service_items DROP COLUMN search_text")  # SQLite >= 3.35; no copy by alembic
    else:
        op.alter_column("service_items", "search_title", server_default=None)  # the writers set it
        op.drop_column("service_items", "search_text")

    # The terms, rebuilt: dropping and filling afresh is cheaper than deleting 1.7 M rows one by one.
    op.drop_table("service_item_terms")
    _terms_table(old=False)
    _fill_terms(old=False)

    for name, columns in _NEW_INDEXES.items():
        op.create_index(name, "service_items", columns)
    if dialect == "sqlite":
        _sqlite_fts(_FTS_TABLES)
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in _TRGM:
            op.create_index(
                f"ix_service_items_{column}_trgm",
                "service_items",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
    _analyze(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
    else:
        for column in _TRGM:
            op.drop_index(f"ix_service_items_{column}_trgm", table_name="service_items")
    for name in _NEW_INDEXES:
        op.drop_index(name, table_name="service_items")

    op.add_column("service_items", sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    update = sa.text("UPDATE service_items SET search_text = :text WHERE id = :id")
    for rows in _items("item_code, name, keywords, pinyin_full, pinyin_initials, guide"):
        params = [
            {
                "id": r[0],
                "text": "\n".join([r[1], r[2], " ".join(_keywords(r[3])), r[4], r[5], r[6] or ""]).lower(),
            }
            for r in rows
        ]
        op.get_bind().execute(update, params)
    if dialect == "sqlite":
        op.execute("ALTER TABLE service_items DROP COLUMN search_title")
    else:
        op.alter_column("service_items", "search_text", server_default=None)
        op.drop_column("service_items", "search_title")

    op.drop_table("service_item_terms")
    _terms_table(old=True)
    _fill_terms(old=True)

    for name, columns in _OLD_INDEXES.items():
        op.create_index(name, "service_items", columns)
    if dialect == "sqlite":
        _sqlite_fts({"service_items_fts": "search_text"})
    else:
        op.create_index(
            "ix_service_items_search_text_trgm",
            "service_items",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    _analyze(dialect)
