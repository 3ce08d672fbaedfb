"""The 12345 simulator's 知识库 (knowledge base): entries operators answer from, written from PROTOCOL.md."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

# Every field of a stored entry; absent values are kept as "" the way the platform writes them.
ENTRY_FIELDS = ("zsbh", "zslx", "zsbt", "zsfl", "zsnr", "ssbm", "ssbmmc", "gjc", "zszt", "bbh", "gxsj")
VALID, INVALID = "1", "0"


@dataclass
class KnowledgeBase:
    """Knowledge entries by 知识编号 (zsbh), 失效 ones included; thread-safe on its own lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply(self, batch: list[dict[str, Any]], received_at: str) -> dict[str, int]:
        """Store a checked plgx batch; an entry older (lower bbh) than the one held is skipped."""
        counts = {"zs": len(batch), "xz": 0, "gx": 0, "sx": 0, "tg": 0}
        with self.lock:
            for entry in batch:
                held = self.entries.get(entry["zsbh"])
                if held is not None and held["bbh"] > entry["bbh"]:
                    counts["tg"] += 1
                    continue
                stored: dict[str, Any] = dict.fromkeys(ENTRY_FIELDS, "")
                stored.update(entry)
                stored["jssj"] = received_at  # 接收时间
                self.entries[entry["zsbh"]] = stored
                counts["sx" if entry["zszt"] == INVALID else "xz" if held is None else "gx"] += 1
        return counts

    def search(self, word: str | None = None) -> list[dict[str, Any]]:
        """有效 entries whose title, code or one of whose keywords contains the word, by zsbh."""
        needle = (word or "").strip().lower()
        with self.lock:
            found = [
                copy.deepcopy(e)
                for e in self.entries.values()
                if e["zszt"] == VALID
                and (not needle or any(needle in text.lower() for text in _searchable(e)))
            ]
        return sorted(found, key=lambda e: str(e["zsbh"]))

    def entry(self, zsbh: str) -> dict[str, Any] | None:
        """One entry, 有效 or 失效."""
        with self.lock:
            entry = self.entries.get(zsbh)
            return copy.deepcopy(entry) if entry is not None else None

    def all(self) -> list[dict[str, Any]]:
        """Every entry, by zsbh."""
        with self.lock:
            return [copy.deepcopy(self.entries[k]) for k in sorted(self.entries)]

    def clear(self) -> None:
        """Forget every entry."""
        with self.lock:
            self.entries.clear()


def _searchable(entry: dict[str, Any]) -> list[str]:
    return [str(entry["zsbh"]), str(entry["zsbt"]), *str(entry["gjc"]).split(",")]
