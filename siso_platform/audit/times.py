"""Times of the audit log in one zone and one format, wherever they are shown: the list, an
event's page, the person's trail and its downloads. The admin would otherwise follow each
user's profile time zone, and an unconverted value prints in UTC (an hour apart in winter).

Pure functions."""

import datetime
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
FORMAT = "%d/%m/%Y %H:%M:%S"
XLSX_FORMAT = "DD/MM/YYYY HH:MM:SS"  # the same, as a spreadsheet's number format


def in_rome(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(ROME)


def shown(moment: datetime.datetime | None) -> str:
    """`31/12/2026 23:59:01`, Rome time."""
    return in_rome(moment).strftime(FORMAT) if moment else ""


def today(now: datetime.datetime) -> datetime.date:
    return in_rome(now).date()


def last_days(now: datetime.datetime, days: int = 7) -> tuple[datetime.date, datetime.date]:
    """The period of the last `days` days, today included."""
    end = today(now)
    return end - datetime.timedelta(days=days - 1), end


def this_week(now: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """Monday of this week to today."""
    end = today(now)
    return end - datetime.timedelta(days=end.weekday()), end


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants from the start of `start` to the end of `end` (exclusive), Rome days."""
    first = datetime.datetime.combine(start, datetime.time(), tzinfo=ROME)
    next_day = end + datetime.timedelta(days=1)
    after = datetime.datetime.combine(next_day, datetime.time(), tzinfo=ROME)
    return first, after
