"""Pinyin, search columns and terms of an item (pypinyin, cached by segment: names repeat their parts)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

from gateway.domain.catalog import KEYWORD_MARK, bigrams, word_ends

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
    """The item's "title" text besides its name, lower-cased: code, keywords, full pinyin and initials.

    Substring search looks in three texts of an item, each its own tier: the name, this, and the
    办事指南 (guide). The guide is kept apart because its boilerplate matches most of the catalog.
    """
    pieces = [item["item_code"], " ".join(item.get("keywords") or []), full, initials]
    return "\n".join(pieces).lower()


def index_columns(item: dict[str, Any]) -> dict[str, Any]:
    """The derived columns of a service_items row that search reads (pinyin, title text).

    Every writer of service_items (the sync, test seeds) sets them through this one function, so the
    search side can change what it derives without touching the writers.
    """
    full, initials = pinyin(item["name"])
    return {
        "pinyin_full": full,
        "pinyin_initials": initials,
        "search_title": search_text(item, full, initials),
    }


def index_terms(item: dict[str, Any]) -> set[str]:
    """The service_item_terms of an item, for one- and two-character queries (no trigram serves those).

    The two-character terms of its name; the last character of each word of its name (so a
    one-character query finds every name holding that character, as a prefix of some term); and the
    two-character terms of its keywords that its name lacks, marked with KEYWORD_MARK (a later tier).
    """
    names = bigrams([item["name"]])
    keywords = bigrams(item.get("keywords") or []) - names
    return names | word_ends([item["name"]]) | {t + KEYWORD_MARK for t in keywords}
