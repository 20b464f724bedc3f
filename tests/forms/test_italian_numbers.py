"""Numbers as Italians write them: "4.500,00" is accepted, garbage is refused naming the
field, and answers are shown back in Italian format."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from forms.rendering import initial_for, summary
from forms.schema import compile_form
from forms.validation import validate
from siso_platform.casework.entry_forms import AmountField

from .schemas import field, label

SCHEMA = {
    "slug": "numbers",
    "title": label("Numbers"),
    "steps": [
        {
            "key": "money",
            "title": label("Money"),
            "fields": [
                {**field("isee", "decimal"), "label": {"it": "ISEE", "en": "ISEE"}},
                {**field("people", "integer"), "label": {"it": "Persone", "en": "People"}},
            ],
        }
    ],
}


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("4.500,00", 4500),
        ("4500,5", 4500.5),
        ("4500", 4500),
        ("1.234.567,89", 1234567.89),
        (" 4.500 ", 4500),
        ("4.5", 4.5),  # a device's decimal point
        (4500.5, 4500.5),  # a JSON number
    ],
)
def test_italian_numbers_are_accepted(typed, value):
    result = validate(SCHEMA, {"isee": typed})
    assert result.errors == {}
    assert result.cleaned["isee"] == value


@pytest.mark.parametrize("typed", ["4.50.0", "4,500.00", "12abc", "4,5,0", "€ 12", "1e3"])
def test_ambiguous_numbers_are_refused_naming_the_field(typed):
    result = validate(SCHEMA, {"isee": typed})
    (message,) = result.errors["isee"]
    assert "ISEE" in message and "4.500,00" in message


def test_whole_numbers_take_thousands_but_no_decimals():
    assert validate(SCHEMA, {"people": "1.200"}).cleaned["people"] == 1200
    assert "people" in validate(SCHEMA, {"people": "4,5"}).errors


def test_decimals_are_shown_back_in_italian():
    compiled = compile_form(SCHEMA)
    (step,) = compiled.steps
    assert initial_for(step, {"isee": 4500.5})["isee"] == "4.500,50"
    (shown,) = summary(compiled, {"isee": 4500}, "it")
    assert shown["answers"][0]["value"] == "4.500"
    # what is shown reads back as the same number
    assert validate(SCHEMA, {"isee": "4.500,50"}).cleaned["isee"] == 4500.5


def test_casework_amounts_take_italian_input():
    amount = AmountField(max_digits=10, decimal_places=2, required=False)
    assert str(amount.clean("4.500,00")) == "4500.00"
    assert str(amount.clean("4500,5")) == "4500.5"
    with pytest.raises(ValidationError, match=re.escape("4.500,00")):
        amount.clean("4,500.00")
