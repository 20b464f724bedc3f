"""Facts and amounts read as Italians write them on the record: words for the value's parts,
`€ 4.500,00` for amounts, dates as 01/03/2024; never `yearly_rent: 7200`."""

import pytest
from django.utils import translation

from siso_platform.italian import euro, number
from siso_platform.people.fact_words import describe


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1650, "€\u00a01.650,00"),
        ("4500.5", "€\u00a04.500,50"),
        (0, "€\u00a00,00"),
        (None, ""),
    ],
)
def test_amounts_have_the_euro_sign_grouped_thousands_and_cents(value, shown):
    assert euro(value) == shown


def test_numbers_show_decimals_only_where_there_are_some():
    assert (number(4500), number(4500.5), number("12.25")) == ("4.500", "4.500,5", "12,25")


def test_a_rental_reads_in_words_amounts_and_dates():
    shown = describe({"yearly_rent": 7200, "start": "2024-03-01", "end": None})
    assert shown == "canone annuo: €\u00a07.200,00; dal: 01/03/2024; al: —"


def test_isee_income_and_disability_read_in_words():
    assert describe({"isee": 4500.0}) == "ISEE: €\u00a04.500,00"
    assert describe({"pension": 9800.4}) == "pensione: €\u00a09.800,40"
    assert describe({"civil_invalidity_percent": 100, "accompanying_allowance": True}) == (
        "invalidità civile (%): 100; indennità di accompagnamento: sì"
    )
    assert describe({"citizenship_kind": "non_eu"}) == "cittadinanza: extra UE"


def test_a_key_not_known_still_shows_by_its_name():
    assert describe({"waiting_list": 3}) == "waiting list: 3"
