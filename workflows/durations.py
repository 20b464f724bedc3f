"""Deadlines: ISO 8601 durations, added to a moment in calendar days or in working days.

`deadline(start, "P10D", working_days=True)` is the same time of day on the tenth working
day after `start`: Monday to Friday, Italian national public holidays excluded (from the
`holidays` library, so a new national holiday such as 4 October from 2026 comes with an
update), and the local closures `closed` names (the host knows the office's). Years,
months, hours, minutes and seconds are always calendar time; only weeks (five working days
each) and days count working days. Pure functions, no database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import holidays
from dateutil.relativedelta import relativedelta

__all__ = [
    "Closed",
    "Duration",
    "add_duration",
    "deadline",
    "is_working_day",
    "italian_holidays",
    "parse_duration",
]

_DURATION = re.compile(
    r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
    r"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?"
)


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0


def parse_duration(text: str) -> Duration:
    """The duration an ISO 8601 string such as `P10D`, `PT48H`, `P2W` or `P1Y2M` gives.

    Only whole, non-negative numbers are accepted; `P` and `PT` alone are refused. Raises
    `ValueError` naming the text.
    """
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or text.endswith("T") or not any(match.groups()):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P10D, PT48H, P2W or P1M")
    return Duration(*(int(group or 0) for group in match.groups()))


Closed = Callable[[date], bool]
"""Whether a place is closed on a day beyond weekends and national holidays (a patron saint)."""


@functools.cache
def italian_holidays(year: int) -> frozenset[date]:
    """Italy's national public holidays in `year` (local patron saints are not included)."""
    return frozenset(holidays.Italy(years=year))


def is_working_day(day: date, closed: Closed | None = None) -> bool:
    """Monday to Friday, not an Italian national public holiday, and not `closed`."""
    if isinstance(day, datetime):
        day = day.date()
    if day.weekday() >= 5 or day in italian_holidays(day.year):
        return False
    return not (closed and closed(day))


def add_duration(
    start: datetime,
    duration: Duration | str,
    *,
    working_days: bool = False,
    closed: Closed | None = None,
) -> datetime:
    """`start` plus `duration`; with `working_days`, weeks and days count working days only,
    days the place is `closed` excluded too.

    Years and months come first (31 January plus P1M is the last day of February), then the
    working days (the same time of day on the Nth working day after `start`), then hours,
    minutes and seconds. An aware `start` keeps its wall-clock time across DST changes.
    """
    if isinstance(duration, str):
        duration = parse_duration(duration)
    if not working_days:
        return start + relativedelta(**asdict(duration))
    moment = start + relativedelta(years=duration.years, months=duration.months)
    day, remaining = moment.date(), duration.weeks * 5 + duration.days
    while remaining:
        day += timedelta(days=1)
        remaining -= is_working_day(day, closed)
    moment += timedelta(days=(day - moment.date()).days)
    return moment + relativedelta(
        hours=duration.hours, minutes=duration.minutes, seconds=duration.seconds
    )


def deadline(
    start: datetime, text: str, working_days: bool = False, closed: Closed | None = None
) -> datetime:
    """`start` plus the ISO 8601 duration `text` (see `add_duration`)."""
    return add_duration(start, parse_duration(text), working_days=working_days, closed=closed)
