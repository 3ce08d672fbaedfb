"""The 12345 platform's code tables and time format, beside the gateway's own vocabulary (see PROTOCOL.md)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from adapters.base.kind_codes import KINDS_12345
from gateway.domain.errors import WireError
from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import Action, Status
from gateway.domain.satisfaction import Satisfaction

SYSTEM = "hotline"

# Beijing time has been UTC+8 without daylight saving since 1991; a fixed offset also avoids the tz
# database's local mean time for old dates.
BEIJING = timezone(timedelta(hours=8), "CST")
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})", re.ASCII)

OK = "0000"

# 诉求类型 sqlx: the 12345 family's codes
SQLX_TO_KIND: dict[str, Kind] = dict(KINDS_12345)
KIND_TO_SQLX: dict[Kind, str] = {kind: code for code, kind in SQLX_TO_KIND.items()}

# 满意度 myd
MYD_TO_SATISFACTION: dict[str, Satisfaction] = {
    "1": Satisfaction.VERY_SATISFIED,
    "2": Satisfaction.SATISFIED,
    "3": Satisfaction.BASICALLY_SATISFIED,
    "4": Satisfaction.DISSATISFIED,
    "5": Satisfaction.VERY_DISSATISFIED,
}
SATISFACTION_TO_MYD: dict[Satisfaction, str] = {level: code for code, level in MYD_TO_SATISFACTION.items()}

# 工单状态 gdzt
STATUS_TO_GDZT: dict[Status, str] = {
    Status.RECEIVED: "10",
    Status.DISPATCHED: "20",
    Status.ACKNOWLEDGED: "30",
    Status.EXTENSION_REQUESTED: "31",
    Status.RETURNED: "40",
    Status.REPLIED: "50",
    Status.CALLED_BACK: "60",
    Status.REOPENED: "70",
    Status.CLOSED: "90",
}

# 来源渠道 lyqd; "01" is the platform's own calls.
LYQD_HOTLINE = "01"
CHANNEL_TO_LYQD: dict[Channel, str] = {
    Channel.WEBSITE: "02",
    Channel.WINDOW: "03",
    Channel.DEPT_HOTLINE: "04",
    Channel.API: "05",
}
LYQD_CODES = frozenset({LYQD_HOTLINE, *CHANNEL_TO_LYQD.values()})

# 流转反馈操作类型 czlx; every action not listed is a plain 状态变更.
CZLX_STATUS_CHANGE = "06"
ACTION_TO_CZLX: dict[Action, str] = {
    Action.ACKNOWLEDGE: "01",
    Action.DISPATCH: "02",
    Action.REPLY: "03",
    Action.RETURN: "04",
    Action.REQUEST_EXTENSION: "05",
}

# Error codes, and the Chinese message the platform (and the gateway, answering it) puts beside them.
E_BAD_JSON = "E1001"
E_MISSING = "E1002"
E_FORMAT = "E1003"
E_CODE = "E1004"
E_NO_KEY = "E1005"
E_AUTH = "E1101"
E_NOT_FOUND = "E2001"
E_EXISTS = "E3001"
E_STATE = "E3002"
E_THROTTLED = "E4001"
E_INTERNAL = "E5001"
E_UNAVAILABLE = "E5003"

RETRYABLE_CODES = frozenset({E_THROTTLED, E_INTERNAL, E_UNAVAILABLE})


def parse_time(value: object, field: str) -> datetime:
    """A platform time (`yyyy-MM-dd HH:mm:ss`, Beijing) as an aware datetime; WireError names the field."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise WireError(field, "must be a time written yyyy-MM-dd HH:mm:ss")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)
    except ValueError:
        raise WireError(field, f"'{value}' is not a valid date and time") from None


def format_time(moment: datetime) -> str:
    """An aware datetime in the platform's format, in Beijing time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time without a UTC offset cannot be converted to Beijing time")
    try:
        local = moment.astimezone(BEIJING)
    except OverflowError:
        raise ValueError("time out of range") from None
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    )


def iso_to_platform(value: str) -> str:
    """A gateway ISO 8601 time (with offset) in the platform's format; ValueError if it has no offset."""
    return format_time(datetime.fromisoformat(value))


def platform_to_iso(value: object, field: str) -> str:
    """A platform time as ISO 8601 with +08:00."""
    return parse_time(value, field).isoformat()
