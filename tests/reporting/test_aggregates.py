"""The pure aggregation: counts, sums, age bands and disclosure control (no database)."""

import datetime
from decimal import Decimal

import pytest

from siso_platform.reporting.aggregates import Row, age, age_band, aggregate

DAY = datetime.date(2025, 3, 10)


def rows_for(zone, persons: int, *, area=None, amount=None, prefix=""):
    return [
        Row(person=f"{prefix}{zone}{area}-{i}", date=DAY, zone=zone, area=area, amount=amount)
        for i in range(persons)
    ]


def by_key(table):
    return {cell.key: cell for cell in table.cells}


def test_a_cell_of_three_persons_is_suppressed_and_one_of_five_is_shown():
    table = aggregate(rows_for("A", 5) + rows_for("B", 6) + rows_for("C", 3), ["zone"])
    cells = by_key(table)
    assert cells[("C",)].suppressed and cells[("C",)].reason == "primary"
    assert (cells[("C",)].records, cells[("C",)].persons, cells[("C",)].amount) == (None,) * 3
    # The total of A, B and C is another table's only cell: the next smallest cell (A, five
    # persons) is suppressed too, and B is shown.
    assert cells[("A",)].suppressed and cells[("A",)].reason == "secondary"
    assert not cells[("B",)].suppressed and cells[("B",)].persons == 6


def test_cells_of_five_persons_or_more_are_shown():
    table = aggregate(rows_for("A", 5) + rows_for("B", 7), ["zone"])
    assert [(c.key, c.persons, c.suppressed) for c in table.cells] == [
        (("A",), 5, False),
        (("B",), 7, False),
    ]
    assert table.suppressed == 0


def test_the_threshold_is_a_parameter():
    table = aggregate(rows_for("A", 5), ["zone"], threshold=6)
    assert table.cells[0].suppressed


def test_persons_are_counted_once_and_records_and_amounts_summed():
    rows = rows_for("A", 5, amount=Decimal("100.50"))
    rows.append(Row(person="A" + "None-0", date=DAY, zone="A", amount=Decimal("10")))
    rows.append(Row(person="A" + "None-1", date=DAY, zone="A", amount=None))
    [cell] = aggregate(rows, ["zone"]).cells
    assert (cell.records, cell.persons, cell.amount) == (7, 5, Decimal("512.50"))


def test_many_records_of_few_persons_are_suppressed():
    rows = [Row(person=f"p{i % 4}", date=DAY, zone="A") for i in range(40)]
    [cell] = aggregate(rows, ["zone"]).cells
    assert cell.suppressed and cell.records is None


def test_without_dimensions_the_table_is_the_total():
    [cell] = aggregate(rows_for("A", 3) + rows_for("B", 4), []).cells
    assert (cell.key, cell.persons, cell.suppressed) == ((), 7, False)


def test_age_is_in_whole_years_at_the_record_date():
    born = datetime.date(2007, 3, 15)
    assert age(born, datetime.date(2025, 3, 14)) == 17
    assert age(born, datetime.date(2025, 3, 15)) == 18
    assert age(datetime.date(2008, 2, 29), datetime.date(2026, 2, 28)) == 17
    assert age(datetime.date(2008, 2, 29), datetime.date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    "born, on, band",
    [
        (datetime.date(2007, 3, 15), datetime.date(2025, 3, 14), "0-17"),
        (datetime.date(2007, 3, 15), datetime.date(2025, 3, 15), "18-24"),
        (datetime.date(2000, 1, 1), datetime.date(2025, 1, 1), "25-44"),
        (datetime.date(1960, 6, 1), datetime.date(2025, 5, 31), "45-64"),
        (datetime.date(1960, 6, 1), datetime.date(2025, 6, 1), "65-74"),
        (datetime.date(1950, 1, 1), datetime.date(2025, 1, 1), "75+"),
        (None, datetime.date(2025, 1, 1), None),
    ],
)
def test_age_bands(born, on, band):
    assert age_band(born, on) == band


def test_the_age_band_is_the_one_at_each_record_date():
    # The same person, 17 at the first record and 18 at the second.
    born = datetime.date(2007, 3, 15)
    rows = [
        Row(person=f"p{i}", date=on, birth_date=born)
        for i in range(5)
        for on in (datetime.date(2025, 3, 14), datetime.date(2025, 3, 15))
    ]
    table = aggregate(rows, ["age_band", "month"])
    assert [(c.key, c.records, c.persons) for c in table.cells] == [
        (("0-17", "2025-03"), 5, 5),
        (("18-24", "2025-03"), 5, 5),
    ]


def test_secondary_suppression_leaves_no_lone_suppressed_cell_in_a_row_or_column():
    sizes = {
        ("Z1", "a"): 2,
        ("Z1", "b"): 9,
        ("Z1", "c"): 11,
        ("Z2", "a"): 8,
        ("Z2", "b"): 10,
        ("Z2", "c"): 10,
        ("Z3", "a"): 12,
        ("Z3", "b"): 12,
        ("Z3", "c"): 12,
    }
    rows = [r for (zone, area), n in sizes.items() for r in rows_for(zone, n, area=area)]
    table = aggregate(rows, ["zone", "area"])
    suppressed = {cell.key for cell in table.cells if cell.suppressed}
    assert suppressed == {("Z1", "a"), ("Z1", "b"), ("Z2", "a"), ("Z2", "b")}
    assert by_key(table)[("Z1", "a")].reason == "primary"
    for index in (0, 1):
        groups = {}
        for cell in table.cells:
            groups.setdefault(cell.key[index], []).append(cell.suppressed)
        assert all(flags.count(True) != 1 for flags in groups.values())


def test_a_lone_cell_is_not_complemented_by_nothing():
    [cell] = aggregate(rows_for("A", 2), ["zone"]).cells
    assert cell.suppressed and cell.reason == "primary"


def test_cells_carry_no_identifying_data():
    born = datetime.date(1941, 7, 23)
    rows = [
        Row(person=("person", 987654 + i), date=DAY, birth_date=born, zone=2, municipality="054039")
        for i in range(6)
    ]
    table = aggregate(rows, ["zone", "municipality", "age_band"])
    [cell] = table.cells
    assert cell.value(table.by) == {"zone": 2, "municipality": "054039", "age_band": "75+"}
    text = repr(table)
    assert "987654" not in text and "1941" not in text


def test_cells_are_sorted_with_the_given_order_and_unknown_last():
    rows = [Row(person=f"{a}{i}", date=DAY, area=a) for a in ("a", "b", None) for i in range(5)]
    table = aggregate(rows, ["area"], order={"area": ["b", "a"]})
    assert [cell.key for cell in table.cells] == [("b",), ("a",), (None,)]


def test_unknown_dimensions_are_refused():
    with pytest.raises(ValueError):
        aggregate([], ["colour"])
