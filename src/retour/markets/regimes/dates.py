"""Calendar arithmetic for legal periods: local days, end of day, months, weekends.

A legal period is counted in whole days of the buyer's calendar, so every computation first turns
an instant into the buyer's local date, counts days or months on dates, and only at the end turns
the last day back into an instant: the last microsecond of that day in the buyer's time zone.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retour.markets.exceptions import InvalidRegimeFacts

SATURDAY = 5


@lru_cache(maxsize=256)
def zone(key: str) -> ZoneInfo:
    """The IANA time zone `key`, or InvalidRegimeFacts if the system does not know it."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise InvalidRegimeFacts(extra={"time_zone": str(key)}) from error


def require_aware(value: datetime | None, name: str) -> None:
    """Refuse a naive datetime: a legal deadline cannot be computed from an unknown offset."""
    if value is None:
        return
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRegimeFacts(extra={"field": name, "value": repr(value)})


def local_date(instant: datetime, time_zone: ZoneInfo) -> date:
    """The calendar day on which `instant` falls for someone living in `time_zone`."""
    return instant.astimezone(time_zone).date()


def end_of_day(day: date, time_zone: ZoneInfo) -> datetime:
    """The last instant of `day` in `time_zone` (23:59:59.999999 local).

    fold=1 picks the later of two readings when the clock is turned back across midnight, so a
    deadline never ends before the buyer's day really does.
    """
    return datetime.combine(day, time.max, tzinfo=time_zone).replace(fold=1)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later, or the last day of that month if it is shorter.

    This is the month rule of Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c): 31 January plus
    one month is 28 (or 29) February, 29 February 2028 plus twelve months is 28 February 2029.
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def roll_past_weekend(day: date) -> date:
    """Move a period's last day off Saturday or Sunday to the following Monday.

    Regulation 1182/71, Art. 3(4), which the Consumer Rights Directive applies to its periods
    (recital 41). Public holidays also count there, but they differ per country and region and
    are not encoded; see docs/markets.md.
    """
    if day.weekday() >= SATURDAY:
        return day + timedelta(days=7 - day.weekday())
    return day
