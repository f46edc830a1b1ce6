"""Weekly support hours in a market's own time zone: is support open now, and when next.

Pure values and functions (no database), so the rules are testable with plain instants. A window
is a weekday with a local opening and closing time; a closing time of 00:00 means midnight at
the end of that day. Support across midnight is two windows (Mon 22:00–00:00, Tue 00:00–02:00).
Public holidays are not modelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retour.markets.exceptions import InvalidRegimeFacts, InvalidSupportHours
from retour.markets.regimes.dates import require_aware

MIDNIGHT = time(0)
DAYS_IN_WEEK = 7


@dataclass(frozen=True, slots=True, order=True)
class SupportWindow:
    weekday: int  # 0 = Monday … 6 = Sunday, as datetime.weekday()
    opens_at: time
    closes_at: time  # exclusive; 00:00 = the end of the day

    @property
    def closes_at_midnight(self) -> bool:
        return self.closes_at == MIDNIGHT

    def contains(self, local_time: time) -> bool:
        if local_time < self.opens_at:
            return False
        return self.closes_at_midnight or local_time < self.closes_at


def validate_windows(windows: Iterable[SupportWindow]) -> tuple[SupportWindow, ...]:
    """Return the windows sorted, or raise InvalidSupportHours naming the first bad one."""
    ordered = tuple(sorted(windows))
    previous: SupportWindow | None = None
    for window in ordered:
        problem = None
        if not 0 <= window.weekday < DAYS_IN_WEEK:
            problem = "weekday"
        elif window.opens_at.tzinfo is not None or window.closes_at.tzinfo is not None:
            problem = "time_zone"
        elif not window.closes_at_midnight and window.closes_at <= window.opens_at:
            problem = "closes_before_opening"
        elif (
            previous is not None
            and previous.weekday == window.weekday
            and (previous.closes_at_midnight or previous.closes_at > window.opens_at)
        ):
            problem = "overlap"
        if problem:
            raise InvalidSupportHours(
                extra={
                    "problem": problem,
                    "weekday": window.weekday,
                    "opens_at": window.opens_at.isoformat(),
                    "closes_at": window.closes_at.isoformat(),
                }
            )
        previous = window
    return ordered


def _instant(day: date, local_time: time, time_zone: ZoneInfo) -> datetime:
    """The instant of a local wall-clock time, normalised through UTC.

    A time that does not exist (the hour skipped when clocks go forward) comes out as the same
    distance past the jump: an opening at 02:30 on that night opens at 03:30 local.
    """
    naive = datetime.combine(day, local_time)
    return naive.replace(tzinfo=time_zone).astimezone(UTC).astimezone(time_zone)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    time_zone: ZoneInfo
    windows: tuple[SupportWindow, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "windows", validate_windows(self.windows))

    def _bounds(self, day: date, window: SupportWindow) -> tuple[datetime, datetime]:
        opens = _instant(day, window.opens_at, self.time_zone)
        if window.closes_at_midnight:
            closes = _instant(day + timedelta(days=1), MIDNIGHT, self.time_zone)
        else:
            closes = _instant(day, window.closes_at, self.time_zone)
        return opens, closes

    def _upcoming(self, at: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Every window from the day before `at` for eight days, in time order."""
        first_day = at.astimezone(self.time_zone).date() - timedelta(days=1)
        for offset in range(DAYS_IN_WEEK + 2):
            day = first_day + timedelta(days=offset)
            for window in self.windows:
                if window.weekday == day.weekday():
                    yield self._bounds(day, window)

    def is_open(self, at: datetime) -> bool:
        """Whether support is open at the instant `at` (any time zone)."""
        _require(at)
        return any(opens <= at < closes for opens, closes in self._upcoming(at))

    def next_opening(self, at: datetime) -> datetime | None:
        """The first instant at or after `at` when support is open (`at` itself if open).

        In the market's time zone; None when the market has no support hours at all.
        """
        _require(at)
        for opens, closes in self._upcoming(at):
            if opens <= at < closes:
                return at.astimezone(self.time_zone)
            if opens > at:
                return opens
        return None

    def closes_at(self, at: datetime) -> datetime | None:
        """When the window open at `at` closes (following windows that touch), else None."""
        _require(at)
        closing = None
        for opens, closes in self._upcoming(at):
            if closing is None and opens <= at < closes:
                closing = closes
            elif closing is not None and opens <= closing:
                closing = max(closing, closes)
            elif closing is not None:
                break
        return closing


def _require(at: datetime) -> None:
    try:
        require_aware(at, "at")
    except InvalidRegimeFacts as error:
        raise InvalidSupportHours(extra={"problem": "naive_datetime"}) from error
