"""Working-day calendar for statutory handling deadlines (办理时限) in mainland China."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# chinesecalendar ships no py.typed marker; mypy 1.x flags that, newer mypy does not.
import chinese_calendar  # type: ignore[import-untyped, unused-ignore]

__all__ = ["SHANGHAI", "CalendarOverrides", "Deadline", "WorkdayCalendar", "beijing_iso"]

SHANGHAI: ZoneInfo = ZoneInfo("Asia/Shanghai")


def beijing_iso(value: datetime | None) -> str | None:
    """An aware time as ISO 8601 in Beijing time (+08:00), as every outbound message writes times."""
    return value.astimezone(SHANGHAI).isoformat() if value else None


# Deadlines run to the end of the last working day; one second before midnight keeps the
# value on the right calendar day in every representation (midnight would read as the next day).
_END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)
_MONDAY_TO_FRIDAY = 5

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and whether it rests on an assumed (Mon-Fri) calendar."""

    at: datetime
    estimated: bool


@dataclass(frozen=True)
class CalendarOverrides:
    """Holidays and adjusted workdays published by the State Council, beyond or correcting chinesecalendar."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        """Normalise the sets and reject contradictory or ambiguous entries."""
        # Config loaders tend to hand over lists or sets; freeze them so the instance stays hashable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "years", frozenset(self.years))
        for day in self.holidays | self.workdays:
            # A datetime never equals a date, so it would silently match nothing.
            if isinstance(day, datetime) or not isinstance(day, date):
                raise TypeError(f"calendar overrides must be dates, got {day!r}")
        clash = self.holidays & self.workdays
        if clash:
            listed = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"days declared both holiday and workday: {listed}")


def _shanghai_date(moment: datetime, name: str) -> date:
    """Return the Asia/Shanghai calendar date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive time could be local or UTC; guessing would shift deadlines by a day.
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    try:
        return moment.astimezone(SHANGHAI).date()
    except OverflowError as exc:
        raise ValueError(f"{name} {moment.isoformat()} is outside the supported date range") from exc


def _end_of_day_utc(day: date) -> datetime:
    """Return 23:59:59 Shanghai time on day, expressed in UTC."""
    return datetime.combine(day, _END_OF_DAY, tzinfo=SHANGHAI).astimezone(UTC)


# The package's data never changes at runtime and overrides are applied before these lookups, so
# the caches are shared by all instances. Both stay bounded: at most one entry per year 1..9999 and
# one per day of the package's ~23 years. chinese_calendar.is_workday rescans its whole table on
# every call, which is why caching matters for long deadlines.
@functools.cache
def _package_covers(year: int) -> bool:
    """Return True if chinesecalendar has data for year."""
    try:
        # The package exposes its range only through this error; probing once per year is cheap.
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    except ValueError:
        return False  # year outside 1..9999: nothing can cover it
    return True


@functools.cache
def _package_is_workday(day: date) -> bool:
    """Return chinesecalendar's verdict for a day in a year it covers."""
    return bool(chinese_calendar.is_workday(day))


class WorkdayCalendar:
    """Decides working days from overrides, then chinesecalendar, then a Mon-Fri fallback."""

    def __init__(
        self,
        overrides: CalendarOverrides = CalendarOverrides(),  # noqa: B008 - frozen, so sharing it is safe
        logger: logging.Logger | None = None,
    ) -> None:
        """Create a calendar; warnings about uncovered years go to logger."""
        self._overrides = overrides
        self._logger = logger if logger is not None else _log
        self._warned_years: set[int] = set()
        # Instances are shared between request threads; the lock keeps "one warning per year" exact.
        self._warn_lock = threading.Lock()

    def covers(self, year: int) -> bool:
        """Return True if chinesecalendar or the overrides describe every day of year."""
        return year in self._overrides.years or _package_covers(year)

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """Return (is_workday, estimated) for a Shanghai calendar date."""
        if isinstance(day, datetime):
            # The date of a datetime depends on its zone; callers must pick the Shanghai date first.
            raise TypeError("is_workday takes a date, not a datetime")
        if day in self._overrides.holidays:
            return False, False
        if day in self._overrides.workdays:
            return True, False
        year = day.year
        if _package_covers(year):
            return _package_is_workday(day), False
        weekday = day.weekday() < _MONDAY_TO_FRIDAY
        if year in self._overrides.years:
            # The overrides list every exception for this year, so plain weekdays are authoritative.
            return weekday, False
        self._warn_uncovered(year)
        return weekday, True

    def add_workdays(self, start: datetime, workdays: int) -> Deadline:
        """Return the end of the workdays-th working day after start's Shanghai date."""
        if workdays < 0:
            raise ValueError(f"workdays must be >= 0, got {workdays}")
        day = _shanghai_date(start, "start")
        estimated = False
        remaining = workdays
        try:
            # The start day never counts (法定期间从次日起算), whatever its time or kind.
            while remaining > 0:
                day += _ONE_DAY
                working, guessed = self.is_workday(day)
                estimated = estimated or guessed
                if working:
                    remaining -= 1
            at = _end_of_day_utc(day)
        except OverflowError as exc:
            raise ValueError(f"{workdays} workdays after {start.isoformat()} is out of range") from exc
        return Deadline(at=at, estimated=estimated)

    def workdays_between(self, start: datetime, end: datetime) -> tuple[int, bool]:
        """Return (working days d with start date < d <= end date in Shanghai, estimated)."""
        first = _shanghai_date(start, "start")
        last = _shanghai_date(end, "end")
        if end <= start:
            return 0, False
        count = 0
        estimated = False
        day = first
        while day < last:
            day += _ONE_DAY
            working, guessed = self.is_workday(day)
            estimated = estimated or guessed
            if working:
                count += 1
        return count, estimated

    def waited_longer_than(self, now: datetime, workdays: int) -> datetime:
        """The moment before which anything started has waited more than `workdays` working days by now.

        It is the start (00:00 Beijing) of the latest day D with workdays_between(D, now) == workdays + 1
        counted from D itself, so that `started < result` holds exactly when more than `workdays` working
        days lie after the start day up to today. Used as a SQL bound (e.g. results not collected in time).
        """
        if workdays < 0:
            raise ValueError(f"workdays must be >= 0, got {workdays}")
        day = _shanghai_date(now, "now")
        counted = 0
        while True:
            if self.is_workday(day)[0]:
                counted += 1
                if counted == workdays + 1:
                    break
            day -= _ONE_DAY
        return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI).astimezone(UTC)

    def _warn_uncovered(self, year: int) -> None:
        """Log once per year that deadlines in year assume a Mon-Fri week."""
        with self._warn_lock:
            if year in self._warned_years:
                return
            self._warned_years.add(year)
        self._logger.warning(
            "No holiday calendar for %d (not in chinesecalendar, no overrides): counting Monday-Friday "
            "as working days, deadlines touching %d are estimated; add the State Council's notice to "
            "the calendar overrides",
            year,
            year,
        )
