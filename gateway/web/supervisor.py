"""督办看板: volumes, on-time rate and satisfaction over time, per department, channel and kind; the monthly
statistics for the performance review (绩效考核) as Excel."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from gateway.domain.access import STATS
from gateway.domain.calendar import SHANGHAI
from gateway.domain.outbox import OutboxStatus
from gateway.services.inquiries import GOOD, NONE_KEY, InquiryFilter
from gateway.web import charts, labels
from gateway.web.common import actor, arg, console, day_arg, day_end, day_start, services
from gateway.web.excel import Sheet, export_response
from gateway.web.security import requires

bp = Blueprint("sup", __name__, url_prefix="/supervisor")

PERIODS = {"day": "按日", "month": "按月"}


def key_names(group: str) -> dict[str, str]:
    """Codes of a grouping -> their Chinese names."""
    if group == "department":
        return {**{d.code: d.name for d in services().settings.departments}, NONE_KEY: "未派单"}
    return dict(labels.CHANNELS if group == "channel" else labels.KINDS)


def _periods(start: date, end: date, period: str) -> list[str]:
    if period == "day":
        return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)][:400]
    months: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 60:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _range(period: str) -> tuple[date, date]:
    today = services().clock().astimezone(SHANGHAI).date()
    end = day_arg("to") or today
    default = (
        end - timedelta(days=29)
        if period == "day"
        else date(end.year - (end.month <= 11), (end.month - 12) % 12 + 1, 1)
    )
    start = day_arg("from") or default
    return (start, end) if start <= end else (end, start)


@bp.route("", methods=["GET"])
@requires(STATS)
def dashboard() -> str:
    """The charts, drawn on the server as SVG, and what needs attention now."""
    who, stats = actor(), console().stats
    period = arg("period", PERIODS) or "day"
    group = arg("group", labels.GROUPS) or "department"
    start, end = _range(period)
    since, until = day_start(start), day_end(end)
    categories = _periods(start, end, period)
    names = key_names(group)

    series: dict[str, list[int]] = {}
    for row in stats.volumes(who, group=group, period=period, start=since, end=until):
        if row["period"] in categories:
            series.setdefault(row["key"], [0] * len(categories))[categories.index(row["period"])] += row[
                "count"
            ]
    timely = {
        r["period"]: r["rate"] for r in stats.on_time(who, group=None, period=period, start=since, end=until)
    }
    levels: dict[str, dict[str, int]] = {}
    for r in stats.satisfaction(who, group=None, period=period, start=since, end=until):
        levels.setdefault(r["period"], {})[r["level"]] = r["count"]
    satisfied = {
        p: sum(v.get(lv, 0) for lv in GOOD) / sum(v.values()) for p, v in levels.items() if sum(v.values())
    }
    by_department = stats.on_time(who, group="department", period=None, start=since, end=until)
    distribution: dict[str, int] = {}
    for r in stats.satisfaction(who, group=None, period=None, start=since, end=until):
        distribution[r["level"]] = distribution.get(r["level"], 0) + r["count"]
    departments = key_names("department")
    app_stats = services().evaluations.stats(who, group="department", start=since, end=until)

    figures = {
        "volume": charts.stacked_columns(categories, series, names),
        "rates": charts.lines(
            categories,
            {
                "on_time": [timely.get(c) for c in categories],
                "satisfied": [satisfied.get(c) for c in categories],
            },
            {"on_time": "按时办结率", "satisfied": "满意率"},
        ),
        "departments": charts.bars(
            [
                (
                    departments.get(r["key"], r["key"]),
                    r["rate"],
                    f"{labels.percent(r['rate'])}（{r['on_time']}/{r['answered'] + r['late_open']}）",
                )
                for r in by_department
                if r["key"] != NONE_KEY
            ]
        ),
        "satisfaction": charts.columns(
            [(label, distribution.get(value, 0)) for value, label in labels.SATISFACTION.items()],
            ("#3a9a5b", "#6fb36f", "#b5a33a", "#e08a2c", "#c2413b"),
        ),
        "applications": charts.bars(
            [(r["name"], r["on_time_rate"], labels.percent(r["on_time_rate"])) for r in app_stats]
        ),
    }
    # The filter form shows back what was asked for: the period, the grouping and the range.
    asked: dict[str, Any] = {"period": period, "group": group, "start": start, "end": end}
    return render_template(
        "console/supervisor/dashboard.html",
        figures=figures,
        periods=PERIODS,
        app_stats=app_stats,
        attention=_attention(),
        totals={"volume": sum(sum(v) for v in series.values()), "callbacks": sum(distribution.values())},
        **asked,
    )


def _attention() -> dict[str, int]:
    who, inquiries = actor(), services().inquiries

    def count(filters: InquiryFilter) -> int:
        return inquiries.find(filters, who, offset=0, limit=1).total

    dead_letters = services().outbox.find(status=OutboxStatus.DEAD, target=None, offset=0, limit=1)
    return {
        "overdue": count(InquiryFilter(overdue=True)),
        "due_soon": count(InquiryFilter(due_soon=True)),
        "dead_letters": dead_letters.total,
    }


@bp.route("/monthly.xlsx", methods=["GET"])
@requires(STATS)
def monthly() -> Response:
    """月度统计 (绩效考核): inquiries by department, channel and kind; applications by department; audited."""
    who, stats = actor(), console().stats
    today = services().clock().astimezone(SHANGHAI).date()
    raw = request.args.get("month") or ""
    year, month = (
        (int(raw[:4]), int(raw[5:7]))
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", raw)
        else (today.year, today.month)
    )
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    since, until = day_start(first), day_start(following)
    headers = [
        "{}",
        "受理量",
        "已答复",
        "按时答复",
        "超期未办结",
        "按时办结率",
        "已办结",
        "督办件",
        "回访数",
        "满意(含基本满意)",
        "满意率",
        *labels.SATISFACTION.values(),
    ]
    sheets = []
    for group, title in (
        ("department", "诉求-按承办单位"),
        ("channel", "诉求-按渠道"),
        ("kind", "诉求-按类型"),
    ):
        names = key_names(group)
        rows: list[list[Any]] = [
            [
                names.get(r["key"], r["key"]),
                r["received"],
                r["answered"],
                r["on_time"],
                r["late_open"],
                labels.percent(r["on_time_rate"]),
                r["closed"],
                r["escalated"],
                r["callbacks"],
                r["satisfied"],
                labels.percent(r["satisfaction_rate"]),
                *[r["levels"].get(v, 0) for v in labels.SATISFACTION],
            ]
            for r in stats.summary(who, group=group, start=since, end=until)
        ]
        sheets.append(Sheet(title, [headers[0].format(labels.GROUPS[group]), *headers[1:]], rows))
    app_rows = [
        [
            r["name"],
            r["applications"],
            r["decided"],
            r["granted"],
            r["refused"],
            r["on_time"],
            labels.percent(r["on_time_rate"]),
            r["average_workdays"],
            r["ratings"],
            r["average_rating"],
            r["bad_ratings"],
        ]
        for r in services().evaluations.stats(who, group="department", start=since, end=until)
    ]
    sheets.append(
        Sheet(
            "办件-按部门",
            [
                "部门",
                "办件量",
                "已决定",
                "准予",
                "不予",
                "按时办结",
                "按时办结率",
                "平均用时(工作日)",
                "评价数",
                "平均评分",
                "差评数",
            ],
            app_rows,
        )
    )
    return export_response(
        "monthly_statistics", {"month": f"{year:04d}-{month:02d}"}, f"月度统计-{year:04d}{month:02d}", sheets
    )
