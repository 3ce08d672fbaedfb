"""The simulated 事项库's memory: a compact index of the generated catalog plus what changed since.

The `size` generated items are never stored. Position p in (GXSJ, SXBM) order holds content index
`(a*p + b) mod size` (a permutation, so the update order is unrelated to the code order, as in a real
catalog) stamped at `START + p*step + jitter(p)` with jitter < step, so stamps rise strictly with p and a
position can be found by bisection over its computed key. Only items touched afterwards (changed, added,
retired, broken) are stored: their revision by content index, and their current key in a sorted list.
A page is a merge of the untouched positions and that list.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from math import gcd
from sys import maxsize
from typing import Any

from adapters.base.simulator import SimulatorState
from adapters.catalog_source.sim_catalog import BROKEN_KINDS, Catalog, mix

BEIJING = timezone(timedelta(hours=8), "CST")
DEFAULT_SEED = 20261126
MAX_SIZE = 100_000
IN_USE, STOPPED = "1", "0"
# The generated catalog was last touched within these years; every later change is stamped after them.
START = int(datetime(2022, 1, 1, tzinfo=BEIJING).timestamp())
END = int(datetime(2025, 12, 31, 18, 0, tzinfo=BEIJING).timestamp())

Key = tuple[int, str]  # (GXSJ as epoch seconds, SXBM)


def beijing_now() -> datetime:
    """The real clock, in Beijing time."""
    return datetime.now(BEIJING)


@dataclass(frozen=True)
class Revision:
    """An item touched after generation: its version, stamp, 事项状态 and the way it was broken, if any."""

    version: int
    gxsj: int
    status: str = IN_USE
    broken: str | None = None


@dataclass(frozen=True)
class Entry:
    """One item to list: its content index, stamp and revision (None: as generated)."""

    content: int
    gxsj: int
    revision: Revision | None


@dataclass
class CatalogSourceState(SimulatorState):
    """The catalog of one seed, the changes made to it, and the shared faults."""

    seed: int = DEFAULT_SEED
    size: int = 2000
    clock: Callable[[], datetime] = beijing_now
    catalog: Catalog = field(init=False)
    added: int = field(init=False, default=0)
    revisions: dict[int, Revision] = field(init=False, default_factory=dict)
    _moved: list[tuple[int, str, int]] = field(init=False, default_factory=list)  # (gxsj, code, content)
    _rng: random.Random = field(init=False)
    _last_stamp: int = field(init=False, default=END)
    _step: int = field(init=False, default=1)
    _offset: int = field(init=False, default=0)
    _multiplier: int = field(init=False, default=1)

    def __post_init__(self) -> None:
        if not 0 <= self.size <= MAX_SIZE:
            raise ValueError(f"size must be 0-{MAX_SIZE}")
        self.catalog = Catalog(self.seed, self.size)
        self._rng = random.Random(mix(self.seed, 5))
        n = max(self.size, 1)
        self._step = max(1, (END - START) // n)
        self._offset = mix(self.seed, 6) % n
        multiplier = mix(self.seed, 7) % n or 1
        while gcd(multiplier, n) != 1:
            multiplier += 1
        self._multiplier = multiplier

    # ---- the generated positions -----------------------------------------------------------------

    def _content(self, position: int) -> int:
        return (self._multiplier * position + self._offset) % self.size

    def _stamp_of(self, position: int) -> int:
        return START + position * self._step + mix(self.seed, position, 3) % self._step

    def _key(self, position: int) -> Key:
        return self._stamp_of(position), self.catalog.code(self._content(position))

    # ---- reading -----------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Items in the catalog, retired ones included."""
        return self.size + self.added

    def now(self) -> int:
        """The clock as epoch seconds (a naive clock means Beijing time)."""
        moment = self.clock()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        return int(moment.timestamp())

    def page(self, since: int | None, after: Key | None, limit: int) -> tuple[list[Entry], Key | None]:
        """Up to `limit` items at or after `since` and after `after`, and the last key if more follow."""
        positions = range(self.size)
        with self.lock:
            p, m = 0, 0
            if since is not None:
                p = bisect_left(positions, (since, ""), key=self._key)
                m = bisect_left(self._moved, (since, "", -1))
            if after is not None:
                p = max(p, bisect_right(positions, after, key=self._key))
                m = max(m, bisect_right(self._moved, (after[0], after[1], maxsize)))
            entries: list[Entry] = []
            keys: list[Key] = []
            base: Key | None = None
            while len(entries) <= limit:
                while base is None and p < self.size:
                    if self._content(p) in self.revisions:
                        p += 1  # touched since: listed from the moved list under its new key
                    else:
                        base = self._key(p)
                moved = self._moved[m] if m < len(self._moved) else None
                if base is None and moved is None:
                    break
                if moved is None or (base is not None and base < (moved[0], moved[1])):
                    assert base is not None
                    entries.append(Entry(self._content(p), base[0], None))
                    keys.append(base)
                    base, p = None, p + 1
                else:
                    entries.append(Entry(moved[2], moved[0], self.revisions[moved[2]]))
                    keys.append((moved[0], moved[1]))
                    m += 1
        if len(entries) > limit:
            return entries[:limit], keys[limit - 1]
        return entries, None

    def render(self, entry: Entry) -> dict[str, Any]:
        """The item of an entry as the platform lists it."""
        revision = entry.revision or Revision(0, entry.gxsj)
        return self.catalog.item(
            entry.content,
            version=revision.version,
            gxsj=entry.gxsj,
            status=revision.status,
            broken=revision.broken,
        )

    # ---- control -------------------------------------------------------------------------------------

    def change(self, n: int) -> list[str]:
        """Modify n items in use (name, materials, promised time limit); returns their codes."""
        return self._revise(
            n, lambda r: r is None or r.status == IN_USE, lambda old: (old.version + 1, old.status)
        )

    def add(self, n: int) -> list[str]:
        """Append n new items (new 子项 of the last family first, then new families); returns their codes."""
        if n < 0:
            raise ValueError("n must not be negative")
        with self.lock:
            first = self.total
            self.catalog.cover(first + n)
            self.added += n
            stamp = self._next_stamp()
            for content in range(first, first + n):
                self._touch(content, Revision(0, stamp))
            return [self.catalog.code(c) for c in range(first, first + n)]

    def retire(self, n: int) -> list[str]:
        """Mark n items in use 停用 (SXZT "0"); returns their codes."""
        return self._revise(n, lambda r: r is None or r.status == IN_USE, lambda old: (old.version, STOPPED))

    def break_records(self, kind: str, n: int) -> list[str]:
        """Break n sound items in use the given way (BROKEN_KINDS); returns their codes."""
        if kind not in BROKEN_KINDS:
            raise ValueError(f"kind must be one of {', '.join(BROKEN_KINDS)}")
        return self._revise(
            n,
            lambda r: r is None or (r.status == IN_USE and r.broken is None),
            lambda old: (old.version, old.status),
            broken=kind,
        )

    def _revise(
        self,
        n: int,
        eligible: Callable[[Revision | None], bool],
        then: Callable[[Revision], tuple[int, str]],
        broken: str | None = None,
    ) -> list[str]:
        """Stamp n eligible items now with then(old) = (version, status); broken, or as they were."""
        with self.lock:
            picks = self._pick(n, eligible)
            stamp = self._next_stamp()
            for content in picks:
                old = self.revisions.get(content) or Revision(0, stamp)
                version, status = then(old)
                self._touch(content, Revision(version, stamp, status, broken or old.broken))
            return [self.catalog.code(c) for c in picks]

    def reset(self) -> None:
        """Back to the generated catalog; faults and requests forgotten too."""
        super().reset()
        with self.lock:
            self.revisions.clear()
            self._moved.clear()
            self.added = 0
            self._rng = random.Random(mix(self.seed, 5))
            self._last_stamp = END

    def counts(self) -> dict[str, int]:
        """How many items there are and how many were touched, by kind."""
        with self.lock:
            revisions = list(self.revisions.values())
        counts = {
            "size": self.size,
            "added": self.added,
            "total": self.total,
            "changed": sum(1 for r in revisions if r.version > 0),
            "retired": sum(1 for r in revisions if r.status != IN_USE),
        }
        for kind in BROKEN_KINDS:
            counts[kind] = sum(1 for r in revisions if r.broken == kind)
        return counts

    # ---- plumbing (the lock is held) -----------------------------------------------------------------

    def _next_stamp(self) -> int:
        # GXSJ never goes backwards (PROTOCOL.md), even if a test sets the clock back.
        self._last_stamp = max(self._last_stamp, self.now())
        return self._last_stamp

    def _touch(self, content: int, revision: Revision) -> None:
        code = self.catalog.code(content)
        old = self.revisions.get(content)
        if old is not None:
            del self._moved[bisect_left(self._moved, (old.gxsj, code, content))]
        self.revisions[content] = revision
        insort(self._moved, (revision.gxsj, code, content))

    def _pick(self, n: int, eligible: Callable[[Revision | None], bool]) -> list[int]:
        if n < 0:
            raise ValueError("n must not be negative")
        total = self.total
        available = total - sum(1 for r in self.revisions.values() if not eligible(r))
        if n > available:
            raise ValueError(f"only {available} items can be picked, not {n}")
        if 2 * n > available:
            return self._rng.sample([c for c in range(total) if eligible(self.revisions.get(c))], n)
        picks: dict[int, None] = {}
        while len(picks) < n:
            content = self._rng.randrange(total)
            if content not in picks and eligible(self.revisions.get(content)):
                picks[content] = None
        return list(picks)
