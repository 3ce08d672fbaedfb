"""The catalog search's queries: which item ids match a text, best tier first, and how many."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, load_only

from gateway.domain.catalog import KEYWORD_MARK, query_kind
from gateway.persistence.catalog_models import ServiceItem, ServiceItemTerm
from gateway.persistence.repositories.base import Repository
from gateway.persistence.repositories.catalog_tiers import (
    FTS,
    LIVE,
    Tier,
    collect,
    escape,
    phrase,
    prefix,
    total,
)

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
    raiseload=True,  # reading anything else of a summary row would be a bug, not a lazy load
)


class CatalogSearch(Repository):
    """Search of the catalog copy (reached as ``uow.catalog``); the service decides the page and cap."""

    def search(
        self,
        text: str,
        *,
        department: str | None,
        item_type: str | None,
        include_retired: bool,
        need: int,
        cap: int,
    ) -> tuple[list[int], int]:
        """The first `need` matching item ids, best match first, and the total, exact up to `cap`.

        No text: by item code. Otherwise tiers, best first (see CatalogService.search), each one query
        in an order its index delivers, limited to what is still needed; an item counts in its best tier.
        """
        where: list[ColumnElement[bool]] = []
        if not include_retired:
            where.append(ServiceItem.retired.is_(False))
        if department:
            where.append(ServiceItem.department_code == department)
        if item_type:
            where.append(ServiceItem.item_type == item_type)
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        if not sqlite:
            # Capped hits in no order must come from an index (a bitmap scan), never a seq scan of the
            # wide rows; this read transaction only.
            self.session.execute(sql_text("SET LOCAL enable_seqscan = off"))
        plan = _Plan(self.session, where, cap, sqlite)
        if text:
            tiers, counts = plan.tiers(text)
            ids, complete = collect(self.session, tiers, need)
            return ids, total(self.session, counts, ids, complete, cap)
        listing = plan.listing(department, item_type)
        ids = listing.ids(self.session, need)
        counted = listing.ordered(cap).order_by(None).subquery()
        return ids, self.session.scalar(select(func.count()).select_from(counted)) or 0

    def summaries(self, ids: Sequence[int]) -> dict[int, ServiceItem]:
        """id -> the item with only what a search result shows loaded (the wide columns stay unread)."""
        shown = self.session.scalars(select(ServiceItem).options(_SUMMARY).where(ServiceItem.id.in_(ids)))
        return {row.id: row for row in shown}


class _Plan:
    """The tiers of one search: its filters, its cap, its backend."""

    def __init__(self, session: Session, where: list[ColumnElement[bool]], cap: int, sqlite: bool) -> None:
        self.session = session
        self.where = where
        self.cap = cap
        self.sqlite = sqlite

    def listing(self, department: str | None, item_type: str | None) -> Tier:
        """No text: by item code, through the index that also holds the filters."""
        index = (
            "ix_service_items_department_code"
            if department
            else "ix_service_items_item_type"
            if item_type
            else "ix_service_items_code_search"
        )

        def tier(n: int) -> Select[Any]:
            query = select(ServiceItem.id).where(*self.where).order_by(ServiceItem.item_code).limit(n)
            return query.with_hint(ServiceItem, f"INDEXED BY {index}", "sqlite")

        return Tier(tier, self.cap)

    def tiers(self, text: str) -> tuple[list[Tier], list[Tier]]:
        """The tiers of a query, best first, and what counts its hits (capped each; the union counts)."""
        kind = query_kind(text)
        lowered = text.lower()
        compact = lowered.replace(" ", "") if kind == "pinyin" else lowered
        tiers: list[Tier] = []
        counts: list[Tier] = []
        if kind == "code":
            codes = list(dict.fromkeys([text.upper(), text]))
            by_code = [ServiceItem.item_code]
            exact = self._indexed(ServiceItem.item_code.in_(codes), "code_search", by_code)
            prefixes = [
                self._indexed(prefix(ServiceItem.item_code, c), "code_search", by_code) for c in codes
            ]
            starts = or_(*(prefix(ServiceItem.item_code, c) for c in codes))
            if self.session.scalar(select(ServiceItem.id).where(starts).limit(1)) is not None:
                # A whole item code or the start of one: the code tiers are the answer. The text indexes
                # would find the same codes again, slowly (every code starts with the same digits).
                return [exact, *prefixes], prefixes
            tiers += [exact, *prefixes]
        # The name prefix tier in (name, id) order starts with the exact name: one query serves both.
        by_name = [ServiceItem.name, ServiceItem.id]
        tiers.append(self._indexed(prefix(ServiceItem.name, text), "name_search", by_name))
        counts.append(tiers[-1])
        if kind == "pinyin":
            tiers.append(self._pinyin(ServiceItem.pinyin_initials, compact, "pinyin_initials"))
            counts.append(tiers[-1])
        long = len(compact) >= 3
        if long:
            name = self._contains("name", compact if kind == "pinyin" else text)
            tiers.append(name)
        elif kind == "text":
            tiers.append(self._terms(lowered, keywords=False))
        if kind == "pinyin":
            tiers.append(self._pinyin(ServiceItem.pinyin_full, compact, "pinyin_full"))
            counts.append(tiers[-1])
        if long:
            title = self._contains("search_title", compact)
            guide = self._contains("guide", compact if kind == "pinyin" else text)
            tiers += [title, guide]
            # Every tier's hit holds the text in its name, title or guide (the title holds the code, the
            # initials and the full pinyin); of those not run yet, the guide first, as it usually holds
            # the name.
            counts = [guide, title, name]
        elif kind == "text":
            tiers.append(self._terms(lowered, keywords=True))
            counts = tiers[-2:]  # name terms, then keyword terms the name lacks: disjoint
        return tiers, counts

    def _indexed(self, condition: ColumnElement[bool], index: str, order: list[Any]) -> Tier:
        def tier(n: int) -> Select[Any]:
            query = select(ServiceItem.id).where(condition, *self.where).order_by(*order).limit(n)
            return query.with_hint(ServiceItem, f"INDEXED BY ix_service_items_{index}", "sqlite")

        return Tier(tier, self.cap)

    def _pinyin(self, column: Any, text: str, index: str) -> Tier:
        return self._indexed(prefix(column, text), index, [column, ServiceItem.id])

    def _contains(self, field: str, text: str) -> Tier:
        """Items whose name, title or guide holds the text (three characters or more)."""
        if self.sqlite:
            fts = FTS[field]
            match = sql_text(f"{fts.name} MATCH :phrase").bindparams(phrase=phrase(text))

            def by_phrase(n: int) -> Select[Any]:
                query = (
                    select(ServiceItem.id)
                    .select_from(fts.join(ServiceItem, ServiceItem.id == fts.c.rowid))
                    .where(match, *self.where)
                    .order_by(fts.c.rowid)
                    .limit(n)
                )
                return query.with_hint(ServiceItem, LIVE, "sqlite")

            return Tier(by_phrase, self.cap)
        pattern = f"%{escape(text)}%"
        # pg_trgm serves LIKE and ILIKE. The title is lower-cased already; ILIKE on the long guide costs
        # twice LIKE per row, and its letters are the item's digits, phones and addresses: LIKE there.
        condition = {
            "name": ServiceItem.name.ilike(pattern, escape="\\"),
            "search_title": ServiceItem.search_title.like(pattern.lower(), escape="\\"),
            "guide": ServiceItem.guide.like(pattern, escape="\\"),
        }[field]

        def trigram(n: int) -> Select[Any]:
            return select(ServiceItem.id).where(condition, *self.where).order_by(ServiceItem.id).limit(n)

        return Tier(trigram, self.cap, select(ServiceItem.id).where(condition, *self.where))

    def _terms(self, text: str, *, keywords: bool) -> Tier:
        """Items whose name (keywords=False) or else keywords (True) hold a one- or two-character text,
        from service_item_terms (services.catalog.text.index_terms)."""
        term = ServiceItemTerm.term
        if len(text) >= 2:
            condition: ColumnElement[bool] = term == (text + KEYWORD_MARK if keywords else text)
        else:
            marked = term.endswith(KEYWORD_MARK, autoescape=True)
            condition = and_(prefix(term, text), marked if keywords else ~marked)

        def tier(n: int) -> Select[Any]:
            query = (
                select(ServiceItemTerm.item_id)
                .join(ServiceItem, ServiceItem.id == ServiceItemTerm.item_id)
                .where(condition, *self.where)
                .order_by(ServiceItemTerm.item_id)
                .limit(n)
            )
            if len(text) < 2:
                query = query.group_by(ServiceItemTerm.item_id)  # a prefix of several terms of one item
            return query.with_hint(ServiceItem, LIVE, "sqlite")

        return Tier(tier, self.cap)
