"""The operator's agenda as days: pure functions over appointments already fetched."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

WEEK = 7


@dataclass
class Day:
    date: datetime.date
    appointments: list = field(default_factory=list)


def parse_day(value: str | None, today: datetime.date) -> datetime.date:
    """The day `?day=` asks for (ISO, as a date input sends it, or Italian dd/mm/yyyy);
    today when empty or not a date."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return today


def days(first: datetime.date, appointments: Iterable, count: int = WEEK) -> list[Day]:
    """`count` days from `first`, each with its appointments in order of time (local time);
    appointments outside those days are left out."""
    week = [Day(first + datetime.timedelta(days=n)) for n in range(count)]
    by_date = {day.date: day for day in week}
    for appointment in sorted(appointments, key=lambda a: a.starts_at):
        day = by_date.get(timezone.localtime(appointment.starts_at).date())
        if day is not None:
            day.appointments.append(appointment)
    return week


def span(first: datetime.date, count: int = WEEK) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware instants that bound `count` local days from `first`."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end_day = first + datetime.timedelta(days=count)
    return start, timezone.make_aware(datetime.datetime.combine(end_day, datetime.time.min))
