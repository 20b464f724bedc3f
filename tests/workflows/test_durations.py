"""Deadlines: ISO 8601 durations in calendar time or in Italian working days (national
holidays from the `holidays` library, local closures given by the caller)."""

import datetime as dt
import zoneinfo

import pytest

from workflows.durations import (
    Duration,
    add_duration,
    deadline,
    is_working_day,
    italian_holidays,
    parse_duration,
)

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def at(*args):
    return dt.datetime(*args, tzinfo=ROME)


def test_parse_all_parts():
    assert parse_duration("P1Y2M3W4DT5H6M7S") == Duration(1, 2, 3, 4, 5, 6, 7)
    assert parse_duration("P10D") == Duration(days=10)
    assert parse_duration("PT48H") == Duration(hours=48)
    assert parse_duration("P2W") == Duration(weeks=2)
    assert parse_duration("P1M") == Duration(months=1)
    assert parse_duration("PT1M") == Duration(minutes=1)


@pytest.mark.parametrize(
    "text",
    ["", "P", "PT", "P1DT", "-P1D", "P-1D", "P1.5D", "1D", "P1H", "PT1D", "P1D2Y", "p1d", " P1D",
     "P1D\n", "P\u0661D", None, 10],
)  # fmt: skip
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_duration(text)


def test_holidays():
    days = italian_holidays(2026)
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert dt.date(2026, 4, 3) not in days  # Good Friday is a working day in Italy
    assert {dt.date(2026, 1, 6), dt.date(2026, 6, 2), dt.date(2026, 12, 26)} <= days
    assert dt.date(2027, 3, 29) in italian_holidays(2027)  # Easter 2027 is 28 March


def test_saint_francis_is_a_national_holiday_from_2026():
    assert dt.date(2027, 10, 4) in italian_holidays(2027)
    assert dt.date(2025, 10, 4) not in italian_holidays(2025)
    # Fri 1 Oct 2027 plus one working day: Monday 4 is Saint Francis, so Tuesday 5.
    assert deadline(at(2027, 10, 1, 9), "P1D", working_days=True) == at(2027, 10, 5, 9)


def test_a_local_closure_is_skipped():
    patron = dt.date(2027, 1, 29)  # a Friday
    assert not is_working_day(patron, closed=lambda day: day == patron)
    assert deadline(at(2027, 1, 28, 9), "P1D", working_days=True) == at(2027, 1, 29, 9)
    assert deadline(
        at(2027, 1, 28, 9), "P1D", working_days=True, closed=lambda day: day == patron
    ) == at(2027, 2, 1, 9)
    # Calendar days ignore closures.
    assert deadline(at(2027, 1, 28, 9), "P1D", closed=lambda day: day == patron) == at(
        2027, 1, 29, 9
    )


def test_working_days():
    assert is_working_day(dt.date(2026, 3, 6))  # a Friday
    assert not is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert not is_working_day(dt.date(2026, 12, 8))  # Immaculate Conception, a Tuesday
    assert not is_working_day(at(2026, 6, 2, 9))  # Republic Day, given as a datetime


def test_ten_working_days_skip_weekends_christmas_and_new_year():
    # Thu 17 Dec: 18, 21, 22, 23, 24 (25, 26 holidays), 28, 29, 30, 31 (1 Jan), 4 Jan.
    assert deadline(at(2026, 12, 17, 10, 30), "P10D", working_days=True) == at(2027, 1, 4, 10, 30)
    assert deadline(at(2026, 12, 17, 10, 30), "P10D") == at(2026, 12, 27, 10, 30)


def test_easter_monday_is_skipped():
    assert deadline(at(2026, 4, 2, 9), "P2D", working_days=True) == at(2026, 4, 7, 9)


def test_friday_plus_one_working_day_is_monday():
    assert deadline(at(2026, 3, 6, 17), "P1D", working_days=True) == at(2026, 3, 9, 17)
    assert deadline(at(2026, 3, 7, 17), "P1D", working_days=True) == at(2026, 3, 9, 17)
    assert deadline(at(2026, 4, 30, 12), "P1D", working_days=True) == at(2026, 5, 4, 12)


def test_weeks_are_five_working_days():
    assert deadline(at(2026, 3, 2, 9), "P1W", working_days=True) == at(2026, 3, 9, 9)
    # Two weeks from Mon 20 Apr: 25 Apr is a Saturday, 1 May a Friday.
    assert deadline(at(2026, 4, 20, 9), "P2W", working_days=True) == at(2026, 5, 5, 9)


def test_calendar_months_and_hours():
    assert deadline(at(2026, 1, 31, 9), "P1M") == at(2026, 2, 28, 9)
    assert deadline(at(2026, 3, 6, 9), "PT48H") == at(2026, 3, 8, 9)
    assert deadline(at(2026, 3, 6, 9), "PT48H", working_days=True) == at(2026, 3, 8, 9)
    assert add_duration(at(2026, 1, 31, 9), Duration(months=1, days=1), working_days=True) == at(
        2026, 3, 2, 9
    )


def test_same_wall_clock_time_across_summer_time():
    due = deadline(at(2026, 3, 27, 9), "P1D", working_days=True)  # clocks change on 29 March
    assert due == at(2026, 3, 30, 9)
    assert due.utcoffset() == dt.timedelta(hours=2)


def test_naive_datetimes_work_too():
    start = dt.datetime(2026, 12, 24, 8)
    assert add_duration(start, "P1D", working_days=True) == dt.datetime(2026, 12, 28, 8)
