"""Deterministic, varied Chinese inquiries for the intake benchmark (same seed, same bodies).

The shape follows schemas/inquiry.py InquiryIn (see tests/conftest.py inquiry_payload). The mix is
meant to look like a district 12345 hotline day: every kind, topics that the routing catalogue in
config.yaml sends to a department (法律援助, 欠薪, 噪音, 物业, 食品安全, 入学, …) and some that match no
rule and stay in the manual queue (路灯, 井盖, 表扬), names, mobile numbers, valid ID numbers for about
half the callers, addresses for most.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The vocabulary is data (payload_words.json): names, places, phone prefixes, Fuzhou districts'
# administrative codes (for plausible ID numbers), and the topics with their kinds, titles, facts and asks.
_WORDS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent / "payload_words.json").read_text("utf-8")
)
SURNAMES: str = _WORDS["surnames"]
GIVEN: list[str] = _WORDS["given"]
DISTRICTS: list[str] = _WORDS["districts"]
COMMUNITIES: list[str] = _WORDS["communities"]
PHONE_PREFIXES: list[str] = _WORDS["phone_prefixes"]
REGIONS: list[str] = _WORDS["regions"]
DAYS: list[str] = _WORDS["days"]


@dataclass(frozen=True)
class Topic:
    """What callers say about one subject; category is set where the routing catalogue knows it."""

    kinds: tuple[str, ...]
    titles: tuple[str, ...]
    facts: tuple[str, ...]
    asks: tuple[str, ...]
    category: str | None = None


TOPICS: tuple[Topic, ...] = tuple(
    Topic(
        kinds=tuple(t["kinds"]),
        titles=tuple(t["titles"]),
        facts=tuple(t["facts"]),
        asks=tuple(t["asks"]),
        category=t.get("category"),
    )
    for t in _WORDS["topics"]
)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random) -> str:
    """A well-formed 18-digit resident ID number (GB 11643 check digit)."""
    body = (
        rng.choice(REGIONS)
        + f"{rng.randint(1945, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _fill(text: str, rng: random.Random, district: str, place: str) -> str:
    day = rng.choice(DAYS).replace("{n}", str(rng.randint(1, 12))).replace("{d}", str(rng.randint(1, 28)))
    return text.format(
        place=place,
        district=district,
        hour=rng.randint(10, 12),
        months=rng.randint(2, 8),
        money=rng.randrange(3000, 60000, 100),
        times=rng.randint(2, 6),
        day=day,
        age=rng.randint(80, 99),
        name=name(rng),
    )


def inquiry(rng: random.Random, external_id: str) -> dict[str, Any]:
    """One inquiry body (channel hotline), drawn from rng."""
    topic = rng.choice(TOPICS)
    district = rng.choice(DISTRICTS)
    community = rng.choice(COMMUNITIES)
    place = district + community
    facts = rng.sample(topic.facts, k=min(len(topic.facts), rng.choice((1, 1, 2))))
    content = "".join(_fill(f, rng, district, place) for f in facts) + rng.choice(topic.asks)
    if rng.random() < 0.15:  # some callers talk a lot: operators transcribe it all
        content += "来电人情绪较为激动，表示此前已多次反映，" * rng.randint(2, 8) + "要求尽快给予答复。"
    body: dict[str, Any] = {
        "channel": "hotline",
        "external_id": external_id,
        "kind": rng.choice(topic.kinds),
        "title": _fill(rng.choice(topic.titles), rng, district, place),
        "content": content,
        "district": district,
        "citizen": {"name": name(rng), "phone": phone(rng)},
        "public_consent": rng.random() < 0.6,
    }
    if rng.random() < 0.5:
        body["citizen"]["id_number"] = id_number(rng)
    if rng.random() < 0.8:
        body["address"] = f"{place}{rng.randint(1, 40)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 3208)}"
    if topic.category and rng.random() < 0.5:
        body["category"] = topic.category
    return body


class InquiryStream:
    """An endless, reproducible sequence of inquiries with unique external ids."""

    def __init__(self, seed: int, id_prefix: str) -> None:
        self.rng = random.Random(seed)
        self.prefix = id_prefix
        self.n = 0

    def next(self) -> dict[str, Any]:
        self.n += 1
        return inquiry(self.rng, f"{self.prefix}{self.n:07d}")
