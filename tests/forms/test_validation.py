"""The validation engine: one pure function for the wizard, the API and the admin try-out."""

import datetime

import pytest

from forms.validation import validate

from .schemas import field, housing_schema, intake_document, label

TODAY = datetime.date(2026, 11, 23)


def check(answers, schema=None):
    return validate(schema or housing_schema(), answers, today=TODAY)


def test_hidden_answer_is_dropped_and_not_required():
    result = check({"tenure": "owned", "rent": "700"})
    assert result.is_valid, result.errors
    assert "rent" not in result.cleaned
    assert result.cleaned["tenure"] == "owned"


def test_conditional_requirement_applies_when_visible():
    result = check({"tenure": "rented"})
    assert set(result.errors) == {"rent"}


def test_values_are_coerced_from_form_strings():
    result = check({"tenure": "rented", "rent": "650,50"})
    assert result.cleaned["rent"] == 650.5
    assert result.cleaned["score"] == 3  # computed: rent given, plus one


def test_computed_value_ignores_what_the_client_sent():
    result = check({"tenure": "owned", "score": 99})
    assert result.cleaned["score"] == 1


def test_errors_inside_a_group_are_keyed_by_row_path():
    result = check(
        {
            "tenure": "owned",
            "members": [
                {"name": "Anna", "birth_date": "1980-02-01"},
                {"name": "Luca", "birth_date": "2015-13-40"},
                {"name": "Sara", "birth_date": "2016-05-01"},
            ],
        }
    )
    assert result.errors["members[1].birth_date"]
    # the row's own condition: a minor needs a school, an adult does not
    assert "members[2].school" in result.errors
    assert "members[0].school" not in result.errors


def test_step_visibility_hides_its_fields():
    adults = check({"tenure": "owned", "members": [{"name": "A", "birth_date": "1970-01-01"}]})
    assert adults.is_valid, adults.errors
    with_child = check(
        {
            "tenure": "owned",
            "members": [{"name": "B", "birth_date": "2020-01-01", "school": "nido"}],
            "nursery": "yes",
        }
    )
    assert with_child.cleaned["nursery"] is True
    dropped = check(
        {"tenure": "owned", "members": [{"name": "A", "birth_date": "1970-01-01"}], "nursery": True}
    )
    assert "nursery" not in dropped.cleaned


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("integer", "12", 12),
        ("decimal", 3, 3),
        ("date", "05/03/2024", "2024-03-05"),
        ("boolean", "no", False),
        ("email", " a@example.org ", "a@example.org"),
        ("phone", "+39 075 123456", "+39 075 123456"),
        ("tax_code", "rssmra80a01h501u", "RSSMRA80A01H501U"),
    ],
)
def test_kinds_clean_to_their_json_value(kind, raw, expected):
    schema = {"steps": [{"key": "s", "fields": [field("x", kind)]}]}
    assert validate(schema, {"x": raw}).cleaned == {"x": expected}


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("integer", "1.5"),
        ("decimal", "abc"),
        ("date", "31/02/2024"),
        ("boolean", "maybe"),
        ("email", "not-an-email"),
        ("phone", "12"),
        ("tax_code", "RSSMRA80A01H501A"),
        ("address", {"street": "Via Roma"}),
    ],
)
def test_bad_values_are_refused_with_a_message(kind, raw, english):
    schema = {"steps": [{"key": "s", "fields": [field("x", kind)]}]}
    result = validate(schema, {"x": raw})
    assert result.errors["x"] and result.errors["x"][0]
    assert "x" not in result.cleaned


def test_tax_code_error_names_the_wrong_part(english):
    schema = {"steps": [{"key": "s", "fields": [field("x", "tax_code")]}]}
    message = validate(schema, {"x": "RSSMRA80A01H501A"}).errors["x"][0]
    assert "check character" in message.lower()


def test_rule_message_is_in_the_users_language():
    rule = {"rule": {">=": [{"var": "n"}, 10]}, "message": {"it": "Troppo poco", "en": "Too low"}}
    schema = {
        "steps": [{"key": "s", "fields": [field("n", "integer", validations={"rules": [rule]})]}]
    }
    assert validate(schema, {"n": 3}).errors == {"n": ["Troppo poco"]}
    assert validate(schema, {"n": 30}).is_valid


def test_limits_on_length_pattern_and_choices(english):
    schema = {
        "steps": [
            {
                "key": "s",
                "fields": [
                    field("code", validations={"pattern": "[A-Z]{3}", "max_length": 3}),
                    field("c", "multichoice", choices=[{"value": "a", "label": label("a")}]),
                ],
            }
        ]
    }
    result = validate(schema, {"code": "abcd", "c": ["a", "z"]})
    assert len(result.errors["code"]) == 2
    assert "z" in result.errors["c"][0]


def test_address_is_structured():
    schema = {"steps": [{"key": "s", "fields": [field("home", "address")]}]}
    result = validate(
        schema, {"home": {"street": " Via Roma ", "number": "3", "municipality": "Perugia"}}
    )
    assert result.cleaned["home"] == {
        "street": "Via Roma",
        "number": "3",
        "municipality": "Perugia",
    }
    assert validate(
        schema, {"home": {"street": "Via Roma", "municipality": "Perugia", "postcode": "6"}}
    ).errors


def test_seeded_intake_computes_the_fragility_score():
    schema = intake_document()["schema"]
    answers = {
        "tax_code": "RSSMRA80A01H501U",
        "last_name": "Rossi",
        "first_name": "Mario",
        "birth_date": "1980-01-01",
        "citizenship_kind": "italian",
        "tenure": "rented",
        "rent": "600",
        "eviction": "true",
        "work_status": "unemployed",
        "unemployed_since": "2026-01-10",
        "monthly_income": "700",
        "debts": "false",
        "need_areas": ["housing"],
        "request_text": "Rischio di perdere la casa",
        "urgency": "medium",
        "consent": "true",
    }
    result = validate(schema, answers, today=TODAY)
    assert result.is_valid, result.errors
    # income < 800 (3) + rent > 40% of income (2) + eviction (3) + unemployed (1)
    assert result.cleaned["fragility_score"] == 9
    assert result.cleaned["age"] == 46
    assert result.cleaned["household_size"] == 1
    assert "minors_school" not in result.cleaned


def test_a_group_that_is_not_a_list_of_rows_is_refused(english):
    for raw in ({"first": {"name": "A"}}, ["not a row"], "text"):
        result = check({"tenure": "owned", "members": raw})
        assert result.errors == {"members": ["Enter a list of rows."]}
