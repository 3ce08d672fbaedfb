"""Beijing wall-clock times as several systems write them: `yyyy-MM-dd HH:mm:ss`, no zone suffix.

Protocol-neutral plumbing only: which field a time sits in, and whether it may be absent, stays with
each system's wire module.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from gateway.domain.errors import WireError

# Beijing time has been UTC+8 without daylight saving since 1991; a fixed offset also avoids the tz
# database's local mean time for old dates.
BEIJING = timezone(timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TIME_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def parse_beijing(value: Any, field: str) -> datetime:
    """`yyyy-MM-dd HH:mm:ss` Beijing time -> an aware datetime; WireError names the field."""
    if not isinstance(value, str) or not TIME_SHAPE.fullmatch(value):
        raise WireError(field, "时间格式应为 yyyy-MM-dd HH:mm:ss（北京时间）")
    try:
        # The shape is checked above, so ISO parsing reads exactly TIME_FORMAT (and is ~10x strptime).
        return datetime.fromisoformat(value).replace(tzinfo=BEIJING)
    except ValueError:
        raise WireError(field, "不是有效的日期时间") from None


def format_beijing(iso: Any, field: str) -> str:
    """The gateway's ISO 8601 (naive means Beijing time) -> `yyyy-MM-dd HH:mm:ss` Beijing time.

    Fractions of a second are dropped: rounding down keeps an inclusive lower bound inclusive.
    """
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        raise WireError(field, f"无法转换的时间: {iso!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).strftime(TIME_FORMAT)


def beijing_now_text() -> str:
    """Now, as a system writing Beijing wall-clock time would write it."""
    return datetime.now(BEIJING).strftime(TIME_FORMAT)
