"""Models of the service-item catalog (事项库 copy), its sync runs and the scheduler's job runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.persistence.models import Base, BigId


class ServiceItem(Base):
    """政务服务事项: the gateway's validated copy of one catalog item (current version)."""

    __tablename__ = "service_items"
    # Search (repositories/catalog_search.py) runs one cheap query per match tier, each in an order an
    # index delivers, and never visits the wide rows (~3 KB: materials, steps, guide) of the candidates: the
    # B-tree indexes below carry what the tiers filter on (retired, department, type), so on SQLite they
    # are covering. Migration 0006 makes them.
    __table_args__ = (
        Index("ix_service_items_code_search", "item_code", "retired", "department_code", "item_type"),
        Index("ix_service_items_department_code", "department_code", "item_code", "retired", "item_type"),
        Index("ix_service_items_item_type", "item_type", "item_code", "retired", "department_code"),
        Index("ix_service_items_name_search", "name", "id", "retired", "department_code", "item_type"),
        Index(
            "ix_service_items_pinyin_initials",
            "pinyin_initials",
            "id",
            "retired",
            "department_code",
            "item_type",
        ),
        Index("ix_service_items_pinyin_full", "pinyin_full", "id", "retired", "department_code", "item_type"),
        # What a candidate from a substring index or the terms is checked against, by id, instead of its
        # wide row: SQLite uses it (INDEXED BY); on PostgreSQL an index-only scan can, once vacuumed.
        Index("ix_service_items_live", "id", "retired", "department_code", "item_type", "name"),
        # Substring search, PostgreSQL: trigram GIN indexes (pg_trgm), one per text so the name and title
        # tiers never wade through guide hits. SQLite: the FTS5 trigram table service_items_fts (columns
        # name, search_title, guide) made by migration 0006 instead.
        *(
            Index(
                f"ix_service_items_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            ).ddl_if(dialect="postgresql")
            for column in ("name", "search_title", "guide")
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(24))
    parent_code: Mapped[str | None] = mapped_column(String(64), index=True)
    department_code: Mapped[str | None] = mapped_column(String(32))
    department_name: Mapped[str] = mapped_column(String(100))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    statutory_days: Mapped[int] = mapped_column(Integer)
    promised_days: Mapped[int] = mapped_column(Integer)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    fee: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    windows: Mapped[list[str]] = mapped_column(JSON)
    online_url: Mapped[str | None] = mapped_column(String(500))
    consult_phone: Mapped[str | None] = mapped_column(String(64))
    complaint_phone: Mapped[str | None] = mapped_column(String(64))
    keywords: Mapped[list[str]] = mapped_column(JSON)
    guide: Mapped[str | None] = mapped_column(Text)
    accepts_incomplete: Mapped[bool] = mapped_column(Boolean, default=False)  # 容缺受理
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    retired_at: Mapped[datetime | None]
    source_updated_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    pinyin_full: Mapped[str] = mapped_column(String(400))
    pinyin_initials: Mapped[str] = mapped_column(String(200))
    # Lower-cased code, keywords, full pinyin and initials (catalog.text.search_text): the title tier.
    search_title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ServiceItemTerm(Base):
    """Terms of an item's name and keywords (catalog.text.index_terms): one- and two-character queries,
    which no trigram index serves. The primary key (term, item_id) is the only index: it delivers a
    term's items in id order; writers delete an item's terms by it. A WITHOUT ROWID table on SQLite."""

    __tablename__ = "service_item_terms"
    __table_args__ = {"sqlite_with_rowid": False}

    term: Mapped[str] = mapped_column(String(8), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True)


class ServiceItemVersion(Base):
    """One change of an item: what changed, when, and by which sync run."""

    __tablename__ = "service_item_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(16))  # new / changed / retired / restored
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> [old, new] (lists and texts: new only)
    content_hash: Mapped[str] = mapped_column(String(64))
    sync_run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"), index=True)
    created_at: Mapped[datetime]


class SyncRun(Base):
    """One catalog sync: when, what kind, what it found, and what it rejected."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    full: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))  # running / succeeded / failed
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    updated_since: Mapped[str | None] = mapped_column(String(40))
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    rejects: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{item_code, reasons}], first 1000
    error: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """One run of a scheduled job."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    host: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(16))  # running / succeeded / failed / skipped
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
