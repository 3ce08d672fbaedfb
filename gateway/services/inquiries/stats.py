"""Inquiry figures for the supervisors (绩效考核): volumes, on-time rate and satisfaction.

Periods are Beijing-time days or months of the intake time (callbacks: of the callback time). On time
means replied (or closed) no later than the deadline; the on-time rate is over the inquiries that had a
deadline and were answered, plus those still being handled past their deadline (they are late already).
The aggregates are SQL in the repository (``uow.inquiries.figures``); this module checks and shapes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, Unpack

from gateway.domain.access import STATS, Actor
from gateway.domain.clock import Clock
from gateway.domain.errors import Forbidden, InvalidInput
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.repositories.inquiry_figures import NONE_KEY
from gateway.services.ports import Transactions

__all__ = ["GOOD", "GROUPS", "NONE_KEY", "PERIODS", "Cut", "InquiryStats"]

GROUPS = ("department", "channel", "kind")
PERIODS = ("day", "month")
GOOD = (
    Satisfaction.VERY_SATISFIED.value,
    Satisfaction.SATISFIED.value,
    Satisfaction.BASICALLY_SATISFIED.value,
)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _check(period: str | None, group: str | None) -> None:
    """The period, then the group, as the figures may be cut by (the order the errors were always in)."""
    if period is not None and period not in PERIODS:
        raise InvalidInput("period", f"must be one of: {', '.join(PERIODS)}")
    if group is not None and group not in GROUPS:
        raise InvalidInput("group", f"must be one of: {', '.join(GROUPS)}")


class Cut(TypedDict):
    """How on-time and satisfaction figures are cut: by group and period (either may be None), in a window."""

    group: str | None
    period: str | None
    start: datetime | None
    end: datetime | None


def _open(actor: Actor, cut: Cut) -> None:
    """The actor may see figures, cut a way they may be cut (an empty group or period means none)."""
    _require(actor)
    _check(cut["period"] or None, cut["group"] or None)


class InquiryStats:
    """Read-only aggregates over inquiries and their callback events."""

    def __init__(self, db: Transactions, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def volumes(
        self, actor: Actor, *, group: str, period: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """Inquiries taken in per period and group: [{period, key, count}], oldest period first."""
        _require(actor)
        _check(period, group)
        with self.db.reading() as uow:
            rows = uow.inquiries.figures.volumes(group=group, period=period, start=start, end=end)
        return [{"period": p, "key": k, "count": n} for p, k, (n,) in rows]

    def on_time(self, actor: Actor, **cut: Unpack[Cut]) -> list[dict[str, Any]]:
        """Per group (and period): answered, answered on time, still open past the deadline, on-time rate."""
        _open(actor, cut)
        now = self.clock()
        with self.db.reading() as uow:
            rows = uow.inquiries.figures.on_time(**cut, now=now)
        return [
            {
                "period": p,
                "key": k,
                "answered": int(a or 0),
                "on_time": int(o or 0),
                "late_open": int(lo or 0),
                "rate": _rate(int(o or 0), int(a or 0) + int(lo or 0)),
            }
            for p, k, (a, o, lo) in rows
        ]

    def satisfaction(self, actor: Actor, **cut: Unpack[Cut]) -> list[dict[str, Any]]:
        """Callbacks (回访) per satisfaction level, group and period: [{period, key, level, count}]."""
        _open(actor, cut)
        with self.db.reading() as uow:
            rows = uow.inquiries.figures.satisfaction(**cut)
        return [{"period": p, "key": k, "level": lv, "count": n} for p, k, (lv, n) in rows if lv is not None]

    def summary(
        self, actor: Actor, *, group: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """One row per group for the monthly review: volume, answered, on time, rate, callbacks, satisfied."""
        _require(actor)
        _check(None, group)
        with self.db.reading() as uow:
            base = uow.inquiries.figures.totals(group=group, start=start, end=end)
        timely = {r["key"]: r for r in self.on_time(actor, group=group, period=None, start=start, end=end)}
        ratings: dict[str, dict[str, int]] = {}
        for r in self.satisfaction(actor, group=group, period=None, start=start, end=end):
            ratings.setdefault(r["key"], {})[r["level"]] = r["count"]
        rows = []
        for k in sorted(set(base) | set(timely) | set(ratings)):
            received, closed, escalated = base.get(k, (0, 0, 0))
            t = timely.get(k, {"answered": 0, "on_time": 0, "late_open": 0, "rate": None})
            levels = ratings.get(k, {})
            callbacks = sum(levels.values())
            good = sum(levels.get(lv, 0) for lv in GOOD)
            rows.append(
                {
                    "key": k,
                    "received": received,
                    "closed": closed,
                    "escalated": escalated,
                    "answered": t["answered"],
                    "on_time": t["on_time"],
                    "late_open": t["late_open"],
                    "on_time_rate": t["rate"],
                    "callbacks": callbacks,
                    "satisfied": good,
                    "satisfaction_rate": _rate(good, callbacks),
                    "levels": levels,
                }
            )
        return rows


def _require(actor: Actor) -> None:
    if not actor.can(STATS):
        raise Forbidden(f"role '{actor.role}' may not {STATS}")
