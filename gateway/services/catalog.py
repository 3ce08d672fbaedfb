"""The catalog for its readers: search, one item with its materials and steps, versions, runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, column, func, or_, select, table
from sqlalchemy import text as sql_text

from gateway.domain.catalog import ITEM_TYPES, query_kind
from gateway.domain.errors import NotFound
from gateway.persistence.catalog_models import (
    JobRun,
    ServiceItem,
    ServiceItemTerm,
    ServiceItemVersion,
    SyncRun,
)
from gateway.persistence.db import Database
from gateway.services.views import Page

MAX_OFFSET = 10_000  # nobody pages that deep in a search; deeper pages cost scans
MAX_COUNTED = 1_000  # totals are exact up to this, then reported as this
_FTS = table("service_items_fts", column("rowid"))  # SQLite only; made by migration 0003


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column: Any, text: str) -> ColumnElement[bool]:
    # A range instead of LIKE 'x%': it uses the plain B-tree index on both SQLite and PostgreSQL.
    return and_(column >= text, column < text + "\uffff")


class CatalogService:
    """Reads of the catalog copy."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- search ---------------------------------------------------------------------------------

    def search(
        self,
        q: str | None,
        *,
        department: str | None = None,
        item_type: str | None = None,
        include_retired: bool = False,
        offset: int = 0,
        limit: int = 20,
    ) -> Page:
        """Items matching a text, pinyin or code; best match first."""
        query = select(ServiceItem)
        if not include_retired:
            query = query.where(ServiceItem.retired.is_(False))
        if department:
            query = query.where(ServiceItem.department_code == department)
        if item_type:
            query = query.where(ServiceItem.item_type == item_type)
        order: list[Any] = [ServiceItem.item_code]
        if q and q.strip():
            text = q.strip().lower()
            query = query.where(self._matches(text))
            order = [self._rank(text), func.length(ServiceItem.name), ServiceItem.item_code]
        with self.db.read() as session:
            # Counting stops at MAX_COUNTED: "more than a thousand hits" is all a caller needs to know,
            # and counting every hit of a common word costs more than finding the first page.
            counted = query.with_only_columns(ServiceItem.id)
            total = (
                session.scalar(select(func.count()).select_from(counted.limit(MAX_COUNTED).subquery())) or 0
            )
            rows = session.scalars(query.order_by(*order).offset(min(offset, MAX_OFFSET)).limit(limit)).all()
            return Page(items=[summary(r) for r in rows], total=total)

    def _matches(self, text: str) -> ColumnElement[bool]:
        kind = query_kind(text)
        if kind == "code":
            conditions = [_prefix(ServiceItem.item_code, text.upper()), _prefix(ServiceItem.item_code, text)]
            if len(text) >= 3:
                conditions.append(self._substring(text))
            return or_(*conditions)
        if kind == "pinyin":
            compact = text.replace(" ", "")
            conditions = [
                _prefix(ServiceItem.pinyin_initials, compact),
                _prefix(ServiceItem.pinyin_full, compact),
            ]
            if len(compact) >= 3:
                conditions.append(self._substring(compact))
            return or_(*conditions)
        if len(text) >= 3:
            return self._substring(text)
        # One or two characters: the trigram index cannot help; the item's two-character terms can.
        terms = select(ServiceItemTerm.item_id)
        terms = (
            terms.where(ServiceItemTerm.term == text)
            if len(text) == 2
            else terms.where(_prefix(ServiceItemTerm.term, text))
        )
        return ServiceItem.id.in_(terms)

    def _substring(self, text: str) -> ColumnElement[bool]:
        if self.db.is_sqlite:
            # FTS5 with the trigram tokenizer: the query is one quoted phrase, so it means a substring.
            phrase = '"' + text.replace('"', '""') + '"'
            fts = select(_FTS.c.rowid).where(
                sql_text("service_items_fts MATCH :phrase").bindparams(phrase=phrase)
            )
            return ServiceItem.id.in_(fts)
        return ServiceItem.search_text.like(f"%{_escape(text)}%", escape="\\")

    @staticmethod
    def _rank(text: str) -> Any:
        pattern = f"%{_escape(text)}%"
        return case(
            (ServiceItem.item_code == text.upper(), 0),
            (ServiceItem.name == text, 1),
            (ServiceItem.name.like(f"{_escape(text)}%", escape="\\"), 2),
            (ServiceItem.pinyin_initials.like(f"{_escape(text)}%", escape="\\"), 3),
            (ServiceItem.name.like(pattern, escape="\\"), 4),
            (ServiceItem.pinyin_full.like(f"{_escape(text)}%", escape="\\"), 5),
            else_=6,
        )

    # ---- one item -------------------------------------------------------------------------------

    def get(self, item_code: str) -> dict[str, Any]:
        """One item with materials, steps and its 子项."""
        with self.db.read() as session:
            item = session.scalar(select(ServiceItem).where(ServiceItem.item_code == item_code))
            if item is None:
                raise NotFound(f"item {item_code} not found")
            children = session.scalars(
                select(ServiceItem)
                .where(ServiceItem.parent_code == item_code)
                .order_by(ServiceItem.item_code)
            ).all()
            return detail(item, [summary(c) for c in children])

    def versions(self, item_code: str) -> list[dict[str, Any]]:
        """An item's version history, newest first."""
        with self.db.read() as session:
            rows = session.scalars(
                select(ServiceItemVersion)
                .where(ServiceItemVersion.item_code == item_code)
                .order_by(ServiceItemVersion.version.desc())
            ).all()
            if (
                not rows
                and session.scalar(select(ServiceItem.id).where(ServiceItem.item_code == item_code)) is None
            ):
                raise NotFound(f"item {item_code} not found")
            return [
                {
                    "version": v.version,
                    "change": v.change,
                    "changes": v.changes,
                    "sync_run_id": v.sync_run_id,
                    "created_at": v.created_at,
                }
                for v in rows
            ]

    def hydrate(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Turn a queued {item_codes} message into the items' current content, just before it is sent."""
        codes: Sequence[str] = payload.get("item_codes") or []
        with self.db.read() as session:
            rows = session.scalars(select(ServiceItem).where(ServiceItem.item_code.in_(codes))).all()
            items = [detail(r, []) for r in sorted(rows, key=lambda r: r.item_code)]
        for item in items:
            item["source_updated_at"] = item["source_updated_at"].isoformat()
            item.pop("children", None)
        return {**payload, "items": items}

    # ---- runs -----------------------------------------------------------------------------------

    def sync_runs(self, offset: int, limit: int) -> Page:
        """Catalog sync runs, newest first."""
        return self._page(select(SyncRun).order_by(SyncRun.id.desc()), offset, limit, _run)

    def sync_run(self, run_id: int) -> dict[str, Any]:
        """One sync run with its rejects."""
        with self.db.read() as session:
            run = session.get(SyncRun, run_id)
            if run is None:
                raise NotFound(f"sync run {run_id} not found")
            return _run(run)

    def job_runs(self, job: str | None, offset: int, limit: int) -> Page:
        """Scheduler job runs, newest first."""
        query: Select[Any] = select(JobRun).order_by(JobRun.id.desc())
        if job:
            query = query.where(JobRun.job == job)
        return self._page(query, offset, limit, _job)

    def _page(self, query: Select[Any], offset: int, limit: int, convert: Any) -> Page:
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.offset(min(offset, 2**31 - 1)).limit(limit)).all()
            return Page(items=[convert(r) for r in rows], total=total)


def summary(item: ServiceItem) -> dict[str, Any]:
    """The fields a search result shows."""
    return {
        "item_code": item.item_code,
        "name": item.name,
        "item_type": item.item_type,
        "item_type_label": ITEM_TYPES.get(item.item_type, item.item_type),
        "department": item.department_code,
        "department_name": item.department_name,
        "promised_days": item.promised_days,
        "statutory_days": item.statutory_days,
        "retired": item.retired,
        "parent_code": item.parent_code,
    }


def detail(item: ServiceItem, children: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything about an item, as 办事指南 shows it."""
    return {
        **summary(item),
        "legal_basis": item.legal_basis,
        "materials": list(item.materials),
        "steps": list(item.steps),
        "fee": item.fee,
        "place": item.place,
        "windows": list(item.windows),
        "online_url": item.online_url,
        "consult_phone": item.consult_phone,
        "complaint_phone": item.complaint_phone,
        "keywords": list(item.keywords),
        "guide": item.guide,
        "accepts_incomplete": item.accepts_incomplete,
        "version": item.version,
        "source_updated_at": item.source_updated_at,
        "children": children,
    }


def _run(run: SyncRun) -> dict[str, Any]:
    return {
        c: getattr(run, c)
        for c in (
            "id",
            "source",
            "full",
            "status",
            "started_at",
            "finished_at",
            "updated_since",
            "seen",
            "new",
            "changed",
            "unchanged",
            "retired",
            "rejected",
            "rejects",
            "error",
        )
    }


def _job(run: JobRun) -> dict[str, Any]:
    return {
        c: getattr(run, c) for c in ("id", "job", "host", "started_at", "finished_at", "outcome", "detail")
    }
