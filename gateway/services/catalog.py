"""The catalog for its readers: search, one item with its materials and steps, versions, runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, func, or_, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, load_only

from gateway.domain.catalog import ITEM_TYPES, KEYWORD_MARK, query_kind
from gateway.domain.errors import NotFound
from gateway.persistence.catalog_models import (
    JobRun,
    ServiceItem,
    ServiceItemTerm,
    ServiceItemVersion,
    SyncRun,
)
from gateway.persistence.db import Database
from gateway.services.snapshots import Page

MAX_OFFSET = 10_000  # nobody pages that deep in a search; deeper pages cost scans
# Totals are exact up to this, then reported as this ("200 or more": refine the query). Counting is
# what a search of a common word spends its time on (every hit checked against filters); 200 keeps
# p95 within 20 ms on PostgreSQL at 100,000 items, where 1,000 cost 35 ms (bench/catalog.py).
MAX_COUNTED = 200
_TOP = "\U0010ffff"  # above every character: the end of a prefix range
# SQLite only, made by migration 0006: one FTS5 trigram table per searched text.
_FTS = {
    field: table(f"service_items_fts_{suffix}", column("rowid"))
    for field, suffix in (("name", "name"), ("search_title", "title"), ("guide", "guide"))
}
_LIVE = "INDEXED BY ix_service_items_live"  # SQLite: check a candidate id without its wide row
_SUMMARY = load_only(
    ServiceItem.item_code,
    ServiceItem.name,
    ServiceItem.item_type,
    ServiceItem.department_code,
    ServiceItem.department_name,
    ServiceItem.promised_days,
    ServiceItem.statutory_days,
    ServiceItem.retired,
    ServiceItem.parent_code,
    raiseload=True,  # summary() reading anything else would be a bug here, not a lazy load
)


class Tier:
    """One match tier: its ids in an order an index delivers, and its hits capped at MAX_COUNTED.

    `ordered(n)` is the statement of its first n ids in order. `unordered`, when given (PostgreSQL
    trigram tiers), is the statement of its hits in no order: the trigram index alone (a bitmap scan)
    finds them cheaply, and its first MAX_COUNTED sorted by id are the tier's order; only a page
    beyond those walks the primary key in order.
    """

    def __init__(self, ordered: Callable[[int], Select[Any]], unordered: Select[Any] | None = None) -> None:
        self.ordered = ordered
        self.unordered = unordered
        self._hits: list[int] | None = None

    @property
    def known(self) -> bool:
        """Whether its hits were read already (by `hits`, or by `ids` of an unordered tier)."""
        return self._hits is not None

    def hits(self, session: Session) -> list[int]:
        """At most MAX_COUNTED of its ids (for the total)."""
        if self._hits is None:
            query = self.unordered if self.unordered is not None else self.ordered(MAX_COUNTED)
            self._hits = list(session.scalars(query.limit(MAX_COUNTED)))
        return self._hits

    def ids(self, session: Session, n: int) -> list[int]:
        """Its first n ids, in its order."""
        if self.unordered is not None:
            hits = self.hits(session)
            if len(hits) < MAX_COUNTED or n <= len(hits):
                # All of them, or (a dense tier) the first MAX_COUNTED the index yields, by id: a
                # freshly loaded table yields them in about id order anyway, and walking the primary
                # key for hits a few hundred rows apart reads thousands of wide rows (~20 ms).
                return sorted(hits)[:n]
        return list(session.scalars(self.ordered(n)))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column: Any, text: str) -> ColumnElement[bool]:
    # A range instead of LIKE 'x%': it uses the plain B-tree index on both SQLite and PostgreSQL.
    return and_(column >= text, column < text + _TOP)


def _phrase(text: str) -> str:
    """An FTS5 query: the text as one quoted phrase (with the trigram tokenizer: a substring)."""
    return '"' + text.replace('"', '""') + '"'


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
        """Items matching a text, pinyin or code; best match first.

        Tiers, best first: exact code, code prefix, exact name, name prefix, pinyin-initials prefix,
        name contains, full-pinyin prefix, title contains (code, keywords, pinyin), 办事指南 contains.
        Each tier is one query in an order its index delivers (prefix tiers: by the matched column, then
        id; the others: by id, i.e. the order the items came into the catalog), limited to what the page
        still needs; tiers run until the page is full, and an item counts in its best tier only. One-
        and two-character text matches names and keywords (the item's terms), not the guide.
        The total is exact up to MAX_COUNTED, then MAX_COUNTED.
        """
        offset = max(0, min(offset, MAX_OFFSET))
        limit = max(0, limit)
        need = offset + limit
        where: list[ColumnElement[bool]] = []
        if not include_retired:
            where.append(ServiceItem.retired.is_(False))
        if department:
            where.append(ServiceItem.department_code == department)
        if item_type:
            where.append(ServiceItem.item_type == item_type)
        text = (q or "").strip()
        with self.db.read() as session:
            if not self.db.is_sqlite:
                # Capped hits in no order must come from an index (a bitmap scan), never a seq scan
                # of the wide rows; this read transaction only.
                session.execute(sql_text("SET LOCAL enable_seqscan = off"))
            if text:
                tiers, counts = self._plan(session, text, where)
                ids, complete = _collect(session, tiers, need)
                if complete:
                    total = min(len(ids), MAX_COUNTED)
                else:
                    found: set[int] = set()
                    # Tiers that ran already first: their hits are known, and when they alone reach
                    # the cap the others need not run (the capped total is the same in any order).
                    for count in sorted(counts, key=lambda tier: not tier.known):
                        found.update(count.hits(session))
                        if len(found) >= MAX_COUNTED:
                            break
                    total = min(max(len(found), len(ids)), MAX_COUNTED)
            else:
                listing = self._listing(where, department, item_type)
                ids = listing.ids(session, need)
                counted = listing.ordered(MAX_COUNTED).order_by(None).subquery()
                total = session.scalar(select(func.count()).select_from(counted)) or 0
            page = ids[offset:need]
            # Only what a result shows: the wide columns (materials, steps, guide JSON/text) stay unread.
            shown = session.scalars(select(ServiceItem).options(_SUMMARY).where(ServiceItem.id.in_(page)))
            rows = {r.id: r for r in shown}
            return Page(items=[summary(rows[i]) for i in page if i in rows], total=total)

    def _listing(
        self, where: list[ColumnElement[bool]], department: str | None, item_type: str | None
    ) -> Tier:
        """No text: by item code, through the index that also holds the filters."""
        index = (
            "ix_service_items_department_code"
            if department
            else "ix_service_items_item_type"
            if item_type
            else "ix_service_items_code_search"
        )

        def tier(n: int) -> Select[Any]:
            query = select(ServiceItem.id).where(*where).order_by(ServiceItem.item_code).limit(n)
            return query.with_hint(ServiceItem, f"INDEXED BY {index}", "sqlite")

        return Tier(tier)

    def _plan(
        self, session: Session, text: str, where: list[ColumnElement[bool]]
    ) -> tuple[list[Tier], list[Tier]]:
        """The tiers of a query, best first, and what counts its hits (capped each; the union counts)."""
        kind = query_kind(text)
        lowered = text.lower()
        compact = lowered.replace(" ", "") if kind == "pinyin" else lowered
        tiers: list[Tier] = []
        counts: list[Tier] = []
        if kind == "code":
            codes = list(dict.fromkeys([text.upper(), text]))
            by_code = [ServiceItem.item_code]
            exact = self._indexed(ServiceItem.item_code.in_(codes), where, "code_search", by_code)
            prefixes = [
                self._indexed(_prefix(ServiceItem.item_code, c), where, "code_search", by_code) for c in codes
            ]
            starts = or_(*(_prefix(ServiceItem.item_code, c) for c in codes))
            if session.scalar(select(ServiceItem.id).where(starts).limit(1)) is not None:
                # A whole item code or the start of one: the code tiers are the answer. The text indexes
                # would find the same codes again, slowly (every code starts with the same digits).
                return [exact, *prefixes], prefixes
            tiers += [exact, *prefixes]
        # The name prefix tier in (name, id) order starts with the exact name: one query serves both.
        by_name = [ServiceItem.name, ServiceItem.id]
        tiers.append(self._indexed(_prefix(ServiceItem.name, text), where, "name_search", by_name))
        counts.append(tiers[-1])
        if kind == "pinyin":
            tiers.append(self._pinyin(ServiceItem.pinyin_initials, compact, where, "pinyin_initials"))
            counts.append(tiers[-1])
        long = len(compact) >= 3
        if long:
            name = self._contains("name", compact if kind == "pinyin" else text, where)
            tiers.append(name)
        elif kind == "text":
            tiers.append(self._terms(lowered, where, keywords=False))
        if kind == "pinyin":
            tiers.append(self._pinyin(ServiceItem.pinyin_full, compact, where, "pinyin_full"))
            counts.append(tiers[-1])
        if long:
            title = self._contains("search_title", compact, where)
            guide = self._contains("guide", compact if kind == "pinyin" else text, where)
            tiers += [title, guide]
            # Every tier's hit holds the text in its name, title or guide (the title holds the code, the
            # initials and the full pinyin); of those not run yet, the guide first, as it usually holds
            # the name.
            counts = [guide, title, name]
        elif kind == "text":
            tiers.append(self._terms(lowered, where, keywords=True))
            counts = tiers[-2:]  # name terms, then keyword terms the name lacks: disjoint
        return tiers, counts

    def _indexed(
        self, condition: ColumnElement[bool], where: list[ColumnElement[bool]], index: str, order: list[Any]
    ) -> Tier:
        def tier(n: int) -> Select[Any]:
            query = select(ServiceItem.id).where(condition, *where).order_by(*order).limit(n)
            return query.with_hint(ServiceItem, f"INDEXED BY ix_service_items_{index}", "sqlite")

        return Tier(tier)

    def _pinyin(self, column: Any, text: str, where: list[ColumnElement[bool]], index: str) -> Tier:
        return self._indexed(_prefix(column, text), where, index, [column, ServiceItem.id])

    def _contains(self, field: str, text: str, where: list[ColumnElement[bool]]) -> Tier:
        """Items whose name, title or guide holds the text (three characters or more)."""
        if self.db.is_sqlite:
            fts = _FTS[field]
            match = sql_text(f"{fts.name} MATCH :phrase").bindparams(phrase=_phrase(text))

            def phrase(n: int) -> Select[Any]:
                query = (
                    select(ServiceItem.id)
                    .select_from(fts.join(ServiceItem, ServiceItem.id == fts.c.rowid))
                    .where(match, *where)
                    .order_by(fts.c.rowid)
                    .limit(n)
                )
                return query.with_hint(ServiceItem, _LIVE, "sqlite")

            return Tier(phrase)
        pattern = f"%{_escape(text)}%"
        # pg_trgm serves LIKE and ILIKE. The title is lower-cased already; ILIKE on the long guide costs
        # twice LIKE per row, and its letters are the item's digits, phones and addresses: LIKE there.
        condition = {
            "name": ServiceItem.name.ilike(pattern, escape="\\"),
            "search_title": ServiceItem.search_title.like(pattern.lower(), escape="\\"),
            "guide": ServiceItem.guide.like(pattern, escape="\\"),
        }[field]

        def trigram(n: int) -> Select[Any]:
            return select(ServiceItem.id).where(condition, *where).order_by(ServiceItem.id).limit(n)

        return Tier(trigram, select(ServiceItem.id).where(condition, *where))

    def _terms(self, text: str, where: list[ColumnElement[bool]], *, keywords: bool) -> Tier:
        """Items whose name (keywords=False) or else keywords (True) hold a one- or two-character text,
        from service_item_terms (catalog_text.index_terms)."""
        term = ServiceItemTerm.term
        if len(text) >= 2:
            condition: ColumnElement[bool] = term == (text + KEYWORD_MARK if keywords else text)
        else:
            marked = term.endswith(KEYWORD_MARK, autoescape=True)
            condition = and_(_prefix(term, text), marked if keywords else ~marked)

        def tier(n: int) -> Select[Any]:
            query = (
                select(ServiceItemTerm.item_id)
                .join(ServiceItem, ServiceItem.id == ServiceItemTerm.item_id)
                .where(condition, *where)
                .order_by(ServiceItemTerm.item_id)
                .limit(n)
            )
            if len(text) < 2:
                query = query.group_by(ServiceItemTerm.item_id)  # a prefix of several terms of one item
            return query.with_hint(ServiceItem, _LIVE, "sqlite")

        return Tier(tier)

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


def _collect(session: Session, tiers: list[Tier], need: int) -> tuple[list[int], bool]:
    """The first `need` ids, tier after tier, each id in its best tier; and whether every tier ran out
    (then the ids are all the hits)."""
    seen: dict[int, None] = {}
    for tier in tiers:
        if len(seen) >= need:
            return list(seen)[:need], False
        # Ids of earlier tiers may come again: asking for `need` rows leaves room for every one of them.
        for item_id in tier.ids(session, need):
            seen.setdefault(item_id, None)
            if len(seen) >= need:
                break
    return list(seen)[:need], len(seen) < need


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
