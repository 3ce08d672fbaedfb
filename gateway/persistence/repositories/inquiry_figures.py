"""The SQL of the inquiry figures for supervisors (绩效考核): volumes, on-time counts and callbacks.

Periods are Beijing-time days or months ("day"/"month") of the intake time (callbacks: of the callback
time); groups are "department", "channel" or "kind" (the caller checks both). A result row is
(period, key, values...), with "all" for a dimension the figure was not cut by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from gateway.domain.lifecycle import HANDLING, Action
from gateway.persistence.models import Inquiry, InquiryEvent

NONE_KEY = "-"  # an inquiry not (yet) dispatched has no department
Row = tuple[str, str, tuple[Any, ...]]


class Figures:
    """Read-only aggregates over inquiries and their callback events, in one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def volumes(self, *, group: str, period: str, start: datetime | None, end: datetime | None) -> list[Row]:
        """(period, key, (count,)) of inquiries taken in, oldest period first."""
        bucket, key = self._period(Inquiry.created_at, period).label("period"), _key(group).label("key")
        query = _window(select(bucket, key, func.count().label("n")), Inquiry.created_at, start, end)
        query = query.group_by(bucket, key).order_by(bucket, key)
        return [(p, k, (n,)) for p, k, n in self.session.execute(query)]

    def on_time(
        self,
        *,
        group: str | None,
        period: str | None,
        start: datetime | None,
        end: datetime | None,
        now: datetime,
    ) -> list[Row]:
        """(period, key, (answered, on time, open past the deadline)) of inquiries with a deadline."""
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
        query = _window(query, Inquiry.created_at, start, end).group_by(*dims).order_by(*dims)
        return [_split(row, period, group) for row in self.session.execute(query)]

    def satisfaction(
        self, *, group: str | None, period: str | None, start: datetime | None, end: datetime | None
    ) -> list[Row]:
        """(period, key, (level, count)) of callbacks (回访)."""
        level = InquiryEvent.data["satisfaction"].as_string().label("level")
        dims = [*self._dimensions(InquiryEvent.created_at, period, group), level]
        query: Select[Any] = (
            select(*dims, func.count())
            .join(Inquiry, Inquiry.id == InquiryEvent.inquiry_id)
            .where(InquiryEvent.action == Action.CALLBACK.value)
        )
        query = _window(query, InquiryEvent.created_at, start, end)
        query = query.group_by(*dims).order_by(*dims)
        return [_split(row, period, group) for row in self.session.execute(query)]

    def totals(
        self, *, group: str, start: datetime | None, end: datetime | None
    ) -> dict[str, tuple[int, int, int]]:
        """Per group: (taken in, closed, escalated at least once)."""
        key = _key(group).label("key")
        counts = _window(
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
        return {k: (int(n), int(c or 0), int(e or 0)) for k, n, c, e in self.session.execute(counts)}

    def _period(self, column: Any, period: str) -> ColumnElement[str]:
        if self.session.get_bind().dialect.name == "sqlite":
            # Stored as naive UTC text; shift to Beijing time (no daylight saving) before cutting.
            return func.strftime("%Y-%m-%d" if period == "day" else "%Y-%m", column, "+8 hours")
        return func.to_char(
            func.timezone("Asia/Shanghai", column), "YYYY-MM-DD" if period == "day" else "YYYY-MM"
        )

    def _dimensions(
        self, time_column: Any, period: str | None, group: str | None
    ) -> list[ColumnElement[Any]]:
        """What a figure is grouped by: the period and/or the group (constants stay out of GROUP BY)."""
        dims: list[ColumnElement[Any]] = []
        if period:
            dims.append(self._period(time_column, period).label("period"))
        if group:
            dims.append(_key(group).label("key"))
        return dims


def _key(group: str) -> ColumnElement[Any]:
    column = {"department": Inquiry.department_code, "channel": Inquiry.channel, "kind": Inquiry.kind}[group]
    return func.coalesce(column, NONE_KEY)


def _window(query: Select[Any], column: Any, start: datetime | None, end: datetime | None) -> Select[Any]:
    # 并单: a child counts once, as its master (children are left out of every figure; unmerged, it counts).
    query = query.where(Inquiry.master_id.is_(None))
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query


def _split(row: Sequence[Any], period: str | None, group: str | None) -> Row:
    """(period, key, the rest) of a result row; "all" for a dimension the query was not grouped by."""
    values = list(row)
    bucket = values.pop(0) if period else "all"
    key = values.pop(0) if group else "all"
    return bucket, key, tuple(values)
