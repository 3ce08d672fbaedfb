"""The supervisors' figures per item or per department: applications, decisions on time, working days
taken, and ratings (好差评)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.domain.calendar import WorkdayCalendar
from gateway.persistence.repositories.applications import ApplicationRepository

BAD_SCORE = 2  # 差评: a score of 2 or less
COUNTS = ("applications", "decided", "on_time", "workdays_total", "granted", "refused")


def figures(
    apps: ApplicationRepository,
    calendar: WorkdayCalendar,
    group: str,
    start: datetime | None,
    end: datetime | None,
) -> list[dict[str, Any]]:
    """One row per item (group "item") or department of the applications accepted in [start, end),
    sorted by code; ratings are those given in [start, end)."""
    by_item = group == "item"
    rows: dict[str, dict[str, Any]] = {}
    for code, name, task, app in apps.tasks_with_applications(by_item=by_item, start=start, end=end):
        row = rows.setdefault(code, dict.fromkeys(COUNTS, 0) | {"name": name})
        row["applications"] += 1
        if task.decided_at is not None:
            row["decided"] += 1
            due = calendar.add_workdays(app.created_at, task.promised_days).at
            row["on_time"] += int(task.decided_at <= due)
            row["workdays_total"] += calendar.workdays_between(app.created_at, task.decided_at)[0]
            granted = task.status in ("granted", "done") and app.refused_by != task.department_code
            row["granted" if granted else "refused"] += 1
    ratings = _ratings(apps, by_item, start, end)
    return [_row(code, row, ratings.get(code, [])) for code, row in sorted(rows.items())]


def _row(code: str, row: dict[str, Any], scores: list[int]) -> dict[str, Any]:
    """The figures of one item or department, with rates and averages."""
    decided = row["decided"]
    return {
        "key": code,
        "name": row["name"],
        "applications": row["applications"],
        "decided": decided,
        "granted": row["granted"],
        "refused": row["refused"],
        "on_time": row["on_time"],
        "on_time_rate": round(row["on_time"] / decided, 4) if decided else None,
        "average_workdays": round(row["workdays_total"] / decided, 2) if decided else None,
        "ratings": len(scores),
        "average_rating": round(sum(scores) / len(scores), 2) if scores else None,
        "bad_ratings": sum(1 for s in scores if s <= BAD_SCORE),
    }


def _ratings(
    apps: ApplicationRepository, by_item: bool, start: datetime | None, end: datetime | None
) -> dict[str, list[int]]:
    """Scores per item (each item of a rated application) or per responsible department."""
    out: dict[str, list[int]] = {}
    for score, key in apps.scores(by_item=by_item, start=start, end=end):
        if key is not None:
            out.setdefault(key, []).append(score)
    return out
