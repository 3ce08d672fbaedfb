"""Inquiry figures for the supervisors (绩效考核): volumes, on-time rate and satisfaction, as SQL aggregates.

Periods are Beijing-time days or months of the intake time (callbacks: of the callback time). On time
means replied (or closed) no later than the deadline; the on-time rate is over the inquiries that had a
deadline and were answered, plus those still being handled past their deadline (they are late already).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select

from gateway.domain.access import STATS, Actor
from gateway.domain.clock import Clock
from gateway.domain.errors import Forbidden, InvalidInput
from gateway.domain.lifecycle import HANDLING, Action
from gateway.domain.satisfaction import Satisfaction
from gateway.persistence.db import Database
from gateway.persistence.models import Inquiry, InquiryEvent

GROUPS = ("department", "channel", "kind")
PERIODS = ("day", "month")
NONE_KEY = "-"  # an inquiry not (yet) dispatched has no department
GOOD = (
    Satisfaction.VERY_SATISFIED.value,
    Satisfaction.SATISFIED.value,
    Satisfaction.BASICALLY_SATISFIED.value,
)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class InquiryStats:
    """Read-only aggregates over inquiries and their callback events."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # ---- building blocks ----------------------------------------------------------------------

    def _period(self, column: Any, period: str) -> ColumnElement[str]:
        if period not in PERIODS:
            raise InvalidInput("period", f"must be one of: {', '.join(PERIODS)}")
        if self.db.is_sqlite:
            # Stored as naive UTC text; shift to Beijing time (no daylight saving) before cutting.
            return func.strftime("%Y-%m-%d" if period == "day" else "%Y-%m", column, "+8 hours")
        return func.to_char(
            func.timezone("Asia/Shanghai", column), "YYYY-MM-DD" if period == "day" else "YYYY-MM"
        )

    @staticmethod
    def _key(group: str) -> ColumnElement[Any]:
        if group not in GROUPS:
            raise InvalidInput("group", f"must be one of: {', '.join(GROUPS)}")
        column = {"department": Inquiry.department_code, "channel": Inquiry.channel, "kind": Inquiry.kind}[
            group
        ]
        return func.coalesce(column, NONE_KEY)

    def _dimensions(
        self, time_column: Any, period: str | None, group: str | None
    ) -> list[ColumnElement[Any]]:
        """What a figure is grouped by: the period and/or the group (constants stay out of GROUP BY)."""
        dims: list[ColumnElement[Any]] = []
        if period:
            dims.append(self._period(time_column, period).label("period"))
        if group:
            dims.append(self._key(group).label("key"))
        return dims

    @staticmethod
    def _window(query: Select[Any], column: Any, start: datetime | None, end: datetime | None) -> Select[Any]:
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
        return query

    # ---- figures ------------------------------------------------------------------------------

    def volumes(
        self, actor: Actor, *, group: str, period: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """Inquiries taken in per period and group: [{period, key, count}], oldest period first."""
        _require(actor)
        bucket, key = self._period(Inquiry.created_at, period).label("period"), self._key(group).label("key")
        query = self._window(select(bucket, key, func.count().label("n")), Inquiry.created_at, start, end)
        query = query.group_by(bucket, key).order_by(bucket, key)
        with self.db.read() as session:
            return [{"period": p, "key": k, "count": n} for p, k, n in session.execute(query)]

    def on_time(
        self,
        actor: Actor,
        *,
        group: str | None,
        period: str | None,
        start: datetime | None,
        end: datetime | None,
    ) -> list[dict[str, Any]]:
        """Per group (and period): answered, answered on time, still open past the deadline, on-time rate."""
        _require(actor)
        now = self.clock()
        finished = func.coalesce(Inquiry.replied_at, Inquiry.closed_at)
        answered = Inquiry.due_at.is_not(None) & finished.is_not(None)
        late_open = Inquiry.status.in_([s.value for s in HANDLING]) & (Inquiry.due_at < now)
        dims = self._dimensions(Inquiry.created_at, period, group)
        query = select(
            *dims,
            func.sum(case((answered, 1), else_=0)),
            func.sum(case((answered & (finished <= Inquiry.due_at), 1), else_=0)),
            func.sum(case((late_open, 1), else_=0)),
        ).where(Inquiry.due_at.is_not(None))
        query = self._window(query, Inquiry.created_at, start, end).group_by(*dims).order_by(*dims)
        with self.db.read() as session:
            rows = [_split(row, period, group) for row in session.execute(query)]
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

    def satisfaction(
        self,
        actor: Actor,
        *,
        group: str | None,
        period: str | None,
        start: datetime | None,
        end: datetime | None,
    ) -> list[dict[str, Any]]:
        """Callbacks (回访) per satisfaction level, group and period: [{period, key, level, count}]."""
        _require(actor)
        level = InquiryEvent.data["satisfaction"].as_string().label("level")
        dims = [*self._dimensions(InquiryEvent.created_at, period, group), level]
        query: Select[Any] = (
            select(*dims, func.count())
            .join(Inquiry, Inquiry.id == InquiryEvent.inquiry_id)
            .where(InquiryEvent.action == Action.CALLBACK.value)
        )
        query = self._window(query, InquiryEvent.created_at, start, end)
        query = query.group_by(*dims).order_by(*dims)
        with self.db.read() as session:
            rows = [_split(row, period, group) for row in session.execute(query)]
        return [{"period": p, "key": k, "level": lv, "count": n} for p, k, (lv, n) in rows if lv is not None]

    def summary(
        self, actor: Actor, *, group: str, start: datetime | None, end: datetime | None
    ) -> list[dict[str, Any]]:
        """One row per group for the monthly review: volume, answered, on time, rate, callbacks, satisfied."""
        _require(actor)
        key = self._key(group).label("key")
        counts = self._window(
            select(
                key,
                func.count(),
                func.sum(case((Inquiry.status == "closed", 1), else_=0)),
                func.sum(case((Inquiry.escalation_count > 0, 1), else_=0)),
            ),
            Inquiry.created_at,
            start,
            end,
        ).group_by(key)
        with self.db.read() as session:
            base = {k: (int(n), int(c or 0), int(e or 0)) for k, n, c, e in session.execute(counts)}
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


def _split(row: Sequence[Any], period: str | None, group: str | None) -> tuple[str, str, tuple[Any, ...]]:
    """(period, key, the rest) of a result row; "all" for a dimension the query was not grouped by."""
    values = list(row)
    bucket = values.pop(0) if period else "all"
    key = values.pop(0) if group else "all"
    return bucket, key, tuple(values)


def _require(actor: Actor) -> None:
    if not actor.can(STATS):
        raise Forbidden(f"role '{actor.role}' may not {STATS}")
