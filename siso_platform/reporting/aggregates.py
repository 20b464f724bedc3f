"""Aggregate tables with statistical disclosure control: pure functions, no ORM.

A `Row` is one record (an access, a case, an intervention) reduced to what a table needs:
the key of the person it is about (used only to count distinct persons, never returned), its
date, the person's birth date (only to place the record in an age band, never returned), its
place, area, provider kind and amount. `aggregate` groups rows by any combination of the
dimensions and counts, per cell, the records, the distinct persons and the sum of amounts.

Disclosure control (`suppress`):

- primary: a cell counting fewer than `threshold` distinct persons (5 by default) is
  suppressed: its records, persons and amount become None and it is marked `suppressed`;
- secondary: cells are grouped along each dimension in turn (the cells that differ only in
  that dimension: one row or one column of the table, whose total a coarser table shows). A
  group with exactly one suppressed cell would give it away by subtraction from the total,
  so its smallest other cell (fewest persons, then fewest records) is suppressed too. This
  repeats until no group has a lone suppressed cell, since a new suppression can leave a
  lone one in a group of another dimension.

What this does not do: protect against differencing between tables of different filters
(two date ranges, a zone and its municipalities), nor guarantee that the suppressed cells of
a group sum to the threshold or more. Distinct persons are not additive anyway (one person
can count in two cells), which limits what a total reveals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_THRESHOLD = 5

ZONE = "zone"
MUNICIPALITY = "municipality"
AREA = "area"
PROVIDER_KIND = "provider_kind"
MONTH = "month"
AGE_BAND = "age_band"
DIMENSIONS = (ZONE, MUNICIPALITY, AREA, PROVIDER_KIND, MONTH, AGE_BAND)

# Age bands in whole years at the record's date, as in ISTAT's tables of social services
# users: (code, lowest age, highest age or None).
AGE_BANDS = (
    ("0-17", 0, 17),
    ("18-24", 18, 24),
    ("25-44", 25, 44),
    ("45-64", 45, 64),
    ("65-74", 65, 74),
    ("75+", 75, None),
)
AGE_BAND_CODES = tuple(code for code, _low, _high in AGE_BANDS)


@dataclass(frozen=True)
class Row:
    person: Hashable | None
    date: datetime.date
    birth_date: datetime.date | None = None
    zone: Hashable | None = None
    municipality: Hashable | None = None
    area: str | None = None
    provider_kind: str | None = None
    amount: Decimal | None = None


@dataclass
class Cell:
    key: tuple  # the dimension values, in the order of the table's `by`
    records: int | None
    persons: int | None
    amount: Decimal | None
    suppressed: bool = False
    # "primary" (too few persons) or "secondary" (protects another cell); empty if shown
    reason: str = ""

    def value(self, by: Sequence[str]) -> dict:
        return dict(zip(by, self.key, strict=True))


@dataclass
class Table:
    by: tuple[str, ...]
    threshold: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        return sum(1 for cell in self.cells if cell.suppressed)


def age(birth_date: datetime.date, on: datetime.date) -> int:
    """Whole years on `on` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def age_band(birth_date: datetime.date | None, on: datetime.date) -> str | None:
    if birth_date is None:
        return None
    years = age(birth_date, on)
    for code, low, high in AGE_BANDS:
        if years >= low and (high is None or years <= high):
            return code
    return None  # born after the record's date: a data error, counted as unknown


def month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def dimension_value(row: Row, dimension: str):
    if dimension == MONTH:
        return month(row.date)
    if dimension == AGE_BAND:
        return age_band(row.birth_date, row.date)
    if dimension in DIMENSIONS:
        return getattr(row, dimension)
    raise ValueError(f"Unknown dimension: {dimension}")


class _Accumulator:
    __slots__ = ("amount", "persons", "records")

    def __init__(self):
        self.records = 0
        self.persons: set = set()
        self.amount = Decimal(0)


def aggregate(
    rows: Iterable[Row],
    by: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    order: Mapping[str, Sequence] | None = None,
) -> Table:
    """Group `rows` by the dimensions `by` and apply disclosure control.

    `order` gives, per dimension, the codes in the order they should be listed (e.g. the
    areas in the order of the nomenclature); other values sort naturally, unknown (None) last.
    """
    by = tuple(by)
    for dimension in by:
        if dimension not in DIMENSIONS:
            raise ValueError(f"Unknown dimension: {dimension}")
    if len(set(by)) != len(by):
        raise ValueError("A dimension is repeated.")
    groups: dict[tuple, _Accumulator] = defaultdict(_Accumulator)
    for row in rows:
        accumulator = groups[tuple(dimension_value(row, d) for d in by)]
        accumulator.records += 1
        if row.person is not None:
            accumulator.persons.add(row.person)
        if row.amount is not None:
            accumulator.amount += row.amount
    cells = [
        Cell(key=key, records=acc.records, persons=len(acc.persons), amount=acc.amount)
        for key, acc in groups.items()
    ]
    cells.sort(key=_sort_key(by, order or {}))
    table = Table(by=by, threshold=threshold, cells=cells)
    suppress(table)
    return table


def _sort_key(by: tuple[str, ...], order: Mapping[str, Sequence]):
    orders = {AGE_BAND: AGE_BAND_CODES, **order}
    positions = {d: {code: i for i, code in enumerate(codes)} for d, codes in orders.items()}

    def key(cell: Cell):
        parts = []
        for dimension, value in zip(by, cell.key, strict=True):
            if value is None:
                parts.append((2, 0, ""))
            elif value in positions.get(dimension, {}):
                parts.append((0, positions[dimension][value], ""))
            else:
                parts.append((1, 0, str(value).zfill(12) if isinstance(value, int) else value))
        return tuple(parts)

    return key


def _hide(cell: Cell, reason: str) -> None:
    cell.suppressed = True
    cell.reason = reason


def suppress(table: Table) -> None:
    """Primary then secondary suppression, in place (see the module's docstring)."""
    # The persons of every cell are needed until the end to choose the smallest cells; the
    # figures are blanked only once every decision is made.
    for cell in table.cells:
        if cell.persons < table.threshold:
            _hide(cell, "primary")
    changed = True
    while changed:
        changed = False
        for index in range(len(table.by)):
            for group in _groups_along(table.cells, index):
                hidden = [cell for cell in group if cell.suppressed]
                shown = [cell for cell in group if not cell.suppressed]
                if len(hidden) == 1 and shown:
                    smallest = min(shown, key=lambda cell: (cell.persons, cell.records))
                    _hide(smallest, "secondary")
                    changed = True
    for cell in table.cells:
        if cell.suppressed:
            cell.records = cell.persons = cell.amount = None


def _groups_along(cells: list[Cell], index: int) -> Iterable[list[Cell]]:
    """The cells that differ only in the dimension at `index`, in groups."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        groups[cell.key[:index] + cell.key[index + 1 :]].append(cell)
    return groups.values()
