"""Rules of the service-item catalog: content hashing, diffs, search terms and query kinds."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

ITEM_TYPES = {
    "licensing": "行政许可",
    "confirmation": "行政确认",
    "payment": "行政给付",
    "adjudication": "行政裁决",
    "reward": "行政奖励",
    "filing": "行政备案",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
MATERIAL_FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子件"}

# Fields that are the item's content; a change in any of them is a new version.
CONTENT_FIELDS = (
    "name",
    "item_type",
    "parent_code",
    "department",
    "legal_basis",
    "statutory_days",
    "promised_days",
    "materials",
    "steps",
    "fee",
    "place",
    "windows",
    "online_url",
    "consult_phone",
    "complaint_phone",
    "keywords",
    "guide",
    "accepts_incomplete",
)
_SCALARS = frozenset(
    {
        "name",
        "item_type",
        "parent_code",
        "department",
        "statutory_days",
        "promised_days",
        "fee",
        "place",
        "online_url",
        "consult_phone",
        "complaint_phone",
        "accepts_incomplete",
    }
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CODE = re.compile(r"^[0-9A-Za-z]*[0-9][0-9A-Za-z._-]*$")
_WORD = re.compile(r"[\w\u3400-\u9fff]+")
# Suffix of a keyword term the item's name does not hold (service_item_terms): not a word character, so
# it never ends a real term, and a one-character prefix range still covers both kinds.
KEYWORD_MARK = "+"


def content_hash(record: Mapping[str, Any]) -> str:
    """A stable hash of an item's content (the source's update time is not content)."""
    content = {name: record.get(name) for name in CONTENT_FIELDS}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed: scalar fields as [old, new]; long texts and lists as {"new": value}."""
    changes: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        if old.get(name) != new.get(name):
            changes[name] = [old.get(name), new.get(name)] if name in _SCALARS else {"new": new.get(name)}
    return changes


def bigrams(texts: Iterable[str]) -> set[str]:
    """Two-character terms of each word in the texts, lower-cased (for short Chinese queries)."""
    terms: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            terms.update(word[i : i + 2] for i in range(len(word) - 1))
    return terms


def word_ends(texts: Iterable[str]) -> set[str]:
    """The last character of each word in the texts, lower-cased: with bigrams, every character of a
    word starts some term, so a one-character query is a prefix range over the terms."""
    return {word[-1] for text in texts for word in _WORD.findall(text.lower())}


def query_kind(query: str) -> str:
    """How a search text is meant: 'code', 'pinyin', or 'text' (Chinese or mixed).

    'code': letters, digits and . _ - with at least one digit (350104-SFJ-XK-00012, or a phone
    number); 'pinyin': letters and spaces only; everything else, e.g. any Chinese, 'text'.
    """
    if _CJK.search(query):
        return "text"
    if _CODE.match(query):
        return "code"
    if query.isascii() and query.replace(" ", "").isalpha():
        return "pinyin"
    return "text"


def normalize_department(name: str) -> str:
    """'福州市仓山区司法局' and '区司法局' both become '司法局', so source names meet configured ones."""
    for prefix in ("福州市", "仓山区", "区"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name
