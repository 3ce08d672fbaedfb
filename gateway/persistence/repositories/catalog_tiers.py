"""Match tiers of a catalog search: each one query in an order an index delivers, hits capped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, table
from sqlalchemy.orm import Session

_TOP = "\U0010ffff"  # above every character: the end of a prefix range
# SQLite only, made by migration 0006: one FTS5 trigram table per searched text.
FTS = {
    field: table(f"service_items_fts_{suffix}", column("rowid"))
    for field, suffix in (("name", "name"), ("search_title", "title"), ("guide", "guide"))
}
LIVE = "INDEXED BY ix_service_items_live"  # SQLite: check a candidate id without its wide row


class Tier:
    """One match tier: its ids in an order an index delivers, and its hits capped at `cap`.

    `ordered(n)` is the statement of its first n ids in order. `unordered`, when given (PostgreSQL
    trigram tiers), is the statement of its hits in no order: the trigram index alone (a bitmap scan)
    finds them cheaply, and its first `cap` sorted by id are the tier's order; only a page beyond
    those walks the primary key in order.
    """

    def __init__(
        self, ordered: Callable[[int], Select[Any]], cap: int, unordered: Select[Any] | None = None
    ) -> None:
        self.ordered = ordered
        self.cap = cap
        self.unordered = unordered
        self._hits: list[int] | None = None

    @property
    def known(self) -> bool:
        """Whether its hits were read already (by `hits`, or by `ids` of an unordered tier)."""
        return self._hits is not None

    def hits(self, session: Session) -> list[int]:
        """At most `cap` of its ids (for the total)."""
        if self._hits is None:
            query = self.unordered if self.unordered is not None else self.ordered(self.cap)
            self._hits = list(session.scalars(query.limit(self.cap)))
        return self._hits

    def ids(self, session: Session, n: int) -> list[int]:
        """Its first n ids, in its order."""
        if self.unordered is not None:
            hits = self.hits(session)
            if len(hits) < self.cap or n <= len(hits):
                # All of them, or (a dense tier) the first `cap` the index yields, by id: a freshly
                # loaded table yields them in about id order anyway, and walking the primary key for
                # hits a few hundred rows apart reads thousands of wide rows (~20 ms).
                return sorted(hits)[:n]
        return list(session.scalars(self.ordered(n)))


def collect(session: Session, tiers: list[Tier], need: int) -> tuple[list[int], bool]:
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


def total(session: Session, counts: list[Tier], ids: list[int], complete: bool, cap: int) -> int:
    """How many hits a search has, exact up to `cap`: from the ids when every tier ran out, else the
    union of the counting tiers' capped hits."""
    if complete:
        return min(len(ids), cap)
    found: set[int] = set()
    # Tiers that ran already first: their hits are known, and when they alone reach the cap the others
    # need not run (the capped total is the same in any order).
    for count in sorted(counts, key=lambda tier: not tier.known):
        found.update(count.hits(session))
        if len(found) >= cap:
            break
    return min(max(len(found), len(ids)), cap)


def escape(text: str) -> str:
    """The text as a LIKE pattern's literal part (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix(column: Any, text: str) -> ColumnElement[bool]:
    """The column starts with the text."""
    # A range instead of LIKE 'x%': it uses the plain B-tree index on both SQLite and PostgreSQL.
    return and_(column >= text, column < text + _TOP)


def phrase(text: str) -> str:
    """An FTS5 query: the text as one quoted phrase (with the trigram tokenizer: a substring)."""
    return '"' + text.replace('"', '""') + '"'
