"""XLSForm as ODK means it: forms written after the XLSForm spec (https://xlsform.org) and the
ODK documentation (https://docs.getodk.org) import and behave as in ODK Collect.

Each workbook is a small sheet built with openpyxl (`xlsx` from test_xlsform); no database.
"""

import datetime
import json

import pytest

from forms.validation import validate
from forms.xlsform import XLSFormError, schema_from_xlsform

from .test_xlsform import SETTINGS, fields_by_key, xlsx

TODAY = datetime.date(2026, 12, 4)


def clean(survey, answers, choices=None):
    schema = schema_from_xlsform(xlsx(survey, choices, SETTINGS))
    return validate(schema, answers, today=TODAY)


def test_a_division_by_zero_is_no_answer_and_the_answers_store_as_json():
    # docs.getodk.org/form-logic/#calculating-values: `calculation` of a per-person share;
    # with nobody in the household ODK shows no value (NaN), it does not fail.
    survey = [
        ["type", "name", "label", "calculation"],
        ["decimal", "income", "Reddito"],
        ["integer", "people", "Componenti"],
        ["calculate", "share", "", "${income} div ${people}"],
        ["calculate", "ratio", "", "${people} div ${income}"],
    ]
    result = clean(survey, {"income": "1200", "people": "0"})
    assert result.is_valid
    assert "share" not in result.cleaned  # Infinity: no answer
    assert result.cleaned["ratio"] == 0
    json.dumps(result.cleaned, allow_nan=False, default=str)  # what the JSON column needs

    result = clean(survey, {"income": "", "people": "0"})  # empty operand: NaN
    assert "share" not in result.cleaned and "ratio" not in result.cleaned
    json.dumps(result.cleaned, allow_nan=False, default=str)

    assert clean(survey, {"income": "1200", "people": "4"}).cleaned["share"] == 300


def test_an_unanswered_number_compares_as_nan_so_its_group_stays_hidden():
    # docs.getodk.org/form-logic/#empty-values: "unanswered number questions are NaN" in
    # comparisons, so `${age} > 5` and `${age} < 5` are both false when age is blank.
    survey = [
        ["type", "name", "label", "relevant", "required"],
        ["integer", "age", "Età"],
        ["begin group", "older", "Più di 5 anni", "${age} > 5"],
        ["text", "school", "Scuola", "", "yes"],
        ["end group"],
        ["begin group", "younger", "Meno di 5 anni", "${age} < 5"],
        ["text", "nursery", "Nido", "", "yes"],
        ["end group"],
        ["text", "note_zero", "Zero", "${age} = 0"],
    ]
    blank = clean(survey, {"age": ""})
    assert blank.is_valid, blank.errors  # neither group is shown, so nothing is demanded
    assert blank.cleaned == {}

    older = clean(survey, {"age": "7"})
    assert list(older.errors) == ["school"]
    younger = clean(survey, {"age": "0", "nursery": "Aquilone", "note_zero": "sì"})
    assert younger.is_valid and younger.cleaned["note_zero"] == "sì"

    fields = fields_by_key(schema_from_xlsform(xlsx(survey, None, SETTINGS)))
    assert fields["note_zero"]["visible_if"] == {"==": [{"var": "age"}, 0]}


def test_names_keep_their_case_and_references_match_them_exactly():
    # xlsform.org "Question names" and ODK forms in the wild use names such as `HouseholdSize`
    # and refer to them as written: `${HouseholdSize}`. ODK names are case-sensitive, so the
    # keys keep their case and a reference must spell the name as it is written.
    survey = [
        ["type", "name", "label", "relevant", "calculation"],
        ["decimal", "Income", "Reddito"],
        ["integer", "HouseholdSize", "Componenti"],
        ["begin repeat", "Members", "Componenti", "${HouseholdSize} > 1"],
        ["decimal", "MemberIncome", "Reddito del componente"],
        ["end repeat"],
        ["calculate", "PerPerson", "", "", "${Income} div ${HouseholdSize}"],
        ["calculate", "RowCount", "", "", "count(${Members})"],
        ["calculate", "Others", "", "", "sum(${MemberIncome})"],
    ]
    fields = fields_by_key(schema_from_xlsform(xlsx(survey, None, SETTINGS)))
    assert {"Income", "HouseholdSize", "Members", "MemberIncome", "PerPerson"} <= set(fields)
    assert fields["Members"]["visible_if"] == {">": [{"+": [{"var": "HouseholdSize"}]}, 1]}

    answers = {"Income": "900", "HouseholdSize": "3", "Members": [{"MemberIncome": "100"}]}
    cleaned = clean(survey, answers).cleaned
    assert (cleaned["PerPerson"], cleaned["RowCount"], cleaned["Others"]) == (300, 1, 100)

    # `${householdsize}` is another name in ODK: refused, naming the one meant
    wrong = [*survey[:3], ["integer", "Age", "Età", "${householdsize} > 1"]]
    with pytest.raises(XLSFormError) as caught:
        schema_from_xlsform(xlsx(wrong, None, SETTINGS))
    assert "${HouseholdSize}" in str(caught.value)


def test_the_pyxform_spellings_of_select_types_are_accepted():
    # pyxform's aliases (pyxform/aliases.py, listed on xlsform.org as accepted spellings):
    # `select one from X` and `select all that apply from X` as well as `select_one X`.
    survey = [
        ["type", "name", "label"],
        ["select one from tenure", "tenure", "Titolo"],
        ["select all that apply from needs", "needs", "Bisogni"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["tenure", "rented", "In affitto"],
        ["tenure", "owned", "Di proprietà"],
        ["needs", "food", "Cibo"],
        ["needs", "rent", "Affitto"],
    ]
    fields = fields_by_key(schema_from_xlsform(xlsx(survey, choices, SETTINGS)))
    assert fields["tenure"]["kind"] == "choice"
    assert fields["needs"]["kind"] == "multichoice"
    assert [c["value"] for c in fields["needs"]["choices"]] == ["food", "rent"]
    cleaned = clean(survey, {"tenure": "rented", "needs": ["rent"]}, choices).cleaned
    assert cleaned == {"tenure": "rented", "needs": ["rent"]}


def test_java_regex_classes_in_a_constraint_are_translated():
    # docs.getodk.org/form-operators-functions/#regex: regex() uses Java's regular
    # expressions, whose classes `\p{L}` (any letter), `\p{Lu}` (capital), `\p{N}` (number)
    # and POSIX `\p{Alpha}` (ASCII letters) Python's `re` does not know.
    survey = [
        ["type", "name", "label", "constraint", "constraint_message"],
        ["text", "surname", "Cognome", r"""regex(., "^[\p{L} '-]+$")""", "Solo lettere"],
        ["text", "name", "Nome", r"regex(., '^\p{Lu}\p{Ll}+$')", "Iniziale maiuscola"],
        ["text", "code", "Codice", r"regex(., '^\p{Alpha}{2}\p{N}+$')", "Due lettere e cifre"],
        ["text", "plain", "Senza lettere", r"regex(., '^\P{L}*$')", "Niente lettere"],
    ]
    good = {
        "surname": "Dell'Oca Šimić",
        "name": "Élodie",
        "code": "AB\u0661\u06623",
        "plain": "12-3",
    }
    assert clean(survey, good).errors == {}
    bad = {"surname": "R2D2", "name": "élodie", "code": "ÀB12", "plain": "a1"}
    assert sorted(clean(survey, bad).errors) == ["code", "name", "plain", "surname"]


def test_a_java_regex_class_the_server_cannot_read_is_refused_by_name():
    survey = [["type", "name", "label", "constraint"], ["text", "word", "Parola"]]
    survey[1].append(r"regex(., '^\p{InGreek}+$')")
    with pytest.raises(XLSFormError) as caught:
        schema_from_xlsform(xlsx(survey, None, SETTINGS))
    assert "\\p{InGreek}" in caught.value.problems[0]
