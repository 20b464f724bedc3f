"""When an office is closed beyond weekends and national holidays: its municipality's patron
saint and the other closures a zone records (`Closure`). The workflow host asks `closed_on`
for a working-days deadline; the patron saints known here are seeded with the territory."""

import csv
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from django.db.models import Q

from .models import CitizenOffice, Closure, Municipality

PATRON_SAINTS_CSV = Path(__file__).parent / "data" / "patron_saints.csv"
# A yearly closure keeps its day and month in a date: the year is a leap one, so 29 February
# can be stored, and says nothing.
YEARLY = 2000


def closed_days(closures: Iterable[tuple[date, bool]]) -> Callable[[date], bool]:
    """A test for the days `closures` ((date, every year) pairs) close."""
    once, yearly = set(), set()
    for day, every_year in closures:
        if every_year:
            yearly.add((day.month, day.day))
        else:
            once.add(day)
    return lambda day: day in once or (day.month, day.day) in yearly


def closed_on(*, office_id=None, municipality_id=None) -> Callable[[date], bool] | None:
    """The closures of the office (its own and its municipality's), or of the municipality
    when no office is known; None when neither is given."""
    if office_id is not None:
        office = CitizenOffice.objects.filter(pk=office_id).first()
        municipality_id = office.municipality_id if office else municipality_id
    if municipality_id is None:
        return None
    rows = Closure.objects.filter(municipality_id=municipality_id).filter(
        Q(office__isnull=True) | Q(office_id=office_id)
    )
    return closed_days(rows.values_list("date", "every_year"))


def seed_patron_saints(path: Path = PATRON_SAINTS_CSV) -> int:
    """Add each known patron saint's day to its municipality, unless it is there already (a
    zone may have edited its reason); returns how many were added."""
    added = 0
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            municipality = Municipality.objects.filter(istat_code=row["istat_code"]).first()
            if municipality is None:
                continue
            day = date(YEARLY, int(row["month"]), int(row["day"]))
            _, created = Closure.objects.get_or_create(
                municipality=municipality,
                office=None,
                every_year=True,
                date__month=day.month,
                date__day=day.day,
                defaults={"date": day, "reason": row["reason"]},
            )
            added += created
    return added
