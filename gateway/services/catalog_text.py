"""Pinyin and the search text of an item (pypinyin, cached by segment: item names repeat their parts)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

from gateway.domain.catalog import bigrams

_SEGMENTS = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def _segment(segment: str) -> tuple[str, str]:
    if segment.isascii():
        return segment.lower(), segment.lower()
    full = "".join(lazy_pinyin(segment, errors="ignore"))
    initials = "".join(lazy_pinyin(segment, style=Style.FIRST_LETTER, errors="ignore"))
    return full, initials


def pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, e.g. 继承公证 -> ('jichenggongzheng', 'jcgz')."""
    parts = [_segment(s) for s in _SEGMENTS.findall(name)]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def search_text(item: dict[str, Any], full: str, initials: str) -> str:
    """Everything substring search looks in, lower-cased."""
    pieces = [
        item["item_code"],
        item["name"],
        " ".join(item.get("keywords") or []),
        full,
        initials,
        item.get("guide") or "",
    ]
    return "\n".join(pieces).lower()


def index_columns(item: dict[str, Any]) -> dict[str, Any]:
    """The derived columns of a service_items row that search reads (pinyin, search text).

    Every writer of service_items (the sync, test seeds) sets them through this one function, so the
    search side can change what it derives without touching the writers.
    """
    full, initials = pinyin(item["name"])
    return {
        "pinyin_full": full,
        "pinyin_initials": initials,
        "search_text": search_text(item, full, initials),
    }


def index_terms(item: dict[str, Any]) -> set[str]:
    """The service_item_terms of an item: two-character terms of its name and keywords."""
    return bigrams([item["name"], *(item.get("keywords") or [])])
