"""XLSForm import (forms.xlsform) and the ODK XPath -> JSON Logic translator (forms.xpath).

Workbooks are built here with openpyxl; no database is needed.
"""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from forms import checks, logic
from forms.xlsform import XLSFormError, schema_from_xlsform
from forms.xpath import FieldRef, XPathError, constraint_to_validation, to_json_logic

IT, EN = "label::Italian (it)", "label::English (en)"
SETTINGS = [["form_id", "form_title"], ["scheda-accesso", "Scheda di accesso"]]
CHOICES = [
    ["list_name", "name", IT, EN],
    ["tenure", "rented", "In affitto", "Rented"],
    ["tenure", "owned", "Di proprietà", "Owned"],
    ["relation", "child", "Figlio/a", "Child"],
    ["relation", "partner", "Coniuge", "Partner"],
    ["needs", "food", "Cibo", "Food"],
    ["needs", "rent", "Affitto", "Rent"],
]


def xlsx(survey, choices=None, settings=None) -> io.BytesIO:
    """An .xlsx workbook in memory; each sheet is a list of rows, the first being the headers."""
    book = Workbook()
    book.active.title = "survey"
    for row in survey:
        book.active.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def both(it, en=None):
    return {"it": it, "en": it if en is None else en}


def import_errors(survey, choices=CHOICES, settings=SETTINGS) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        schema_from_xlsform(xlsx(survey, choices, settings))
    return caught.value.problems


def fields_by_key(schema) -> dict:
    found = {}
    for step in schema["steps"]:
        for spec in step["fields"]:
            found[spec["key"]] = spec
            for child in spec.get("fields", ()):
                found[child["key"]] = child
    return found


HOUSEHOLD = [
    ["type", "name", IT, EN, "relevant", "required", "repeat_count", "calculation"],
    ["begin group", "housing", "Abitazione", "Housing"],
    ["select_one tenure", "tenure", "Titolo di godimento", "Tenure", "", "yes"],
    ["decimal", "rent", "Canone mensile", "Monthly rent", "${tenure} = 'rented'", "yes"],
    ["end group"],
    ["begin group", "household", "Nucleo", "Household", "${tenure} != 'owned'"],
    ["begin repeat", "members", "Componenti", "Members", "", "", "8"],
    ["text", "first_name", "Nome", "First name", "", "yes"],
    ["select_one relation", "relation", "Relazione", "Relation"],
    ["text", "partner_job", "Lavoro", "Job", "${relation} = 'partner' and ${rent} > 500"],
    ["end repeat"],
    ["calculate", "member_count", "", "", "", "", "", "count(${members})"],
    ["end group"],
]


def test_household_form_imports_steps_repeat_and_logic():
    schema = schema_from_xlsform(xlsx(HOUSEHOLD, CHOICES, SETTINGS))

    assert schema["slug"] == "scheda-accesso"
    assert schema["title"] == both("Scheda di accesso")
    housing, household = schema["steps"]
    assert housing["key"] == "housing"
    assert housing["title"] == both("Abitazione", "Housing")
    assert housing["visible_if"] is None
    assert [f["key"] for f in housing["fields"]] == ["tenure", "rent"]
    tenure, rent = housing["fields"]
    assert tenure["kind"] == "choice"
    assert tenure["required"] is True
    assert tenure["choices"] == [
        {"value": "rented", "label": both("In affitto", "Rented")},
        {"value": "owned", "label": both("Di proprietà", "Owned")},
    ]
    assert rent == {
        "key": "rent",
        "kind": "decimal",
        "label": both("Canone mensile", "Monthly rent"),
        "help": both(""),
        "required": True,
        "visible_if": {"==": [{"var": "tenure"}, "rented"]},
        "validations": {"rules": []},
        "computed": None,
        "prefill": None,
    }

    # the group's relevant hides the whole step
    assert household["visible_if"] == {"!=": [{"var": "tenure"}, "owned"]}
    members, member_count = household["fields"]
    assert members["kind"] == "group"
    assert members["label"] == both("Componenti", "Members")
    assert members["max_rows"] == 8
    assert [f["key"] for f in members["fields"]] == ["first_name", "relation", "partner_job"]
    # a field of the same repeat is read from the row, a top-level field by its key
    assert members["fields"][2]["visible_if"] == {
        "and": [
            {"==": [{"var": "row.relation"}, "partner"]},
            {">": [{"+": [{"var": "rent"}]}, 500]},
        ]
    }
    assert member_count["kind"] == "decimal"
    assert member_count["label"] == both("member_count")
    assert member_count["computed"] == {
        "reduce": [{"var": "members"}, {"+": [{"var": "accumulator"}, 1]}, 0]
    }


def test_imported_household_form_passes_the_publish_checks():
    schema = schema_from_xlsform(xlsx(HOUSEHOLD, CHOICES, SETTINGS))
    assert checks.problems(schema) == []


def test_imported_logic_evaluates_like_the_odk_form():
    fields = fields_by_key(schema_from_xlsform(xlsx(HOUSEHOLD, CHOICES, SETTINGS)))
    job_visible = fields["partner_job"]["visible_if"]
    data = {"tenure": "rented", "rent": 600, "members": [{"relation": "partner"}, {}]}
    assert logic.evaluate(job_visible, {**data, "row": {"relation": "partner"}}) is True
    assert logic.evaluate(job_visible, {**data, "row": {"relation": "child"}}) is False
    assert (
        logic.evaluate(job_visible, {**data, "rent": 400, "row": {"relation": "partner"}}) is False
    )
    assert logic.evaluate(fields["member_count"]["computed"], data) == 2
    assert logic.evaluate(fields["member_count"]["computed"], {"members": None}) == 0


def test_questions_outside_groups_form_a_step_named_after_the_form():
    survey = [
        ["type", "name", "label", "hint", "appearance"],
        ["text", "notes", "Note", "Anything else", "multiline"],
        ["acknowledge", "consent", "Consenso privacy"],
        ["note", "intro", "Leggere al richiedente"],
        ["start", "start"],  # metadata: nothing to ask, skipped
        ["date", "visit_date", "Data"],
    ]
    schema = schema_from_xlsform(xlsx(survey, settings=SETTINGS))
    (step,) = schema["steps"]
    assert step["key"] == "scheda_accesso"
    assert step["title"] == both("Scheda di accesso")
    kinds = {f["key"]: f["kind"] for f in step["fields"]}
    assert kinds == {
        "notes": "textarea",
        "consent": "boolean",
        "intro": "note",
        "visit_date": "date",
    }
    # a plain label / hint fills both languages
    assert step["fields"][0]["label"] == both("Note")
    assert step["fields"][0]["help"] == both("Anything else")


def test_a_missing_language_falls_back_to_the_other_one(tmp_path):
    survey = [["type", "name", "label::English (en)"], ["integer", "age", "Age"]]
    path = tmp_path / "intake_2024.xlsx"
    path.write_bytes(xlsx(survey).getvalue())
    schema = schema_from_xlsform(path)  # a path; no settings sheet: the file name is the id
    assert schema["slug"] == "intake_2024"
    assert schema["steps"][0]["fields"][0]["label"] == both("Age")


def test_selected_required_and_constraints_translate():
    survey = [
        [
            "type",
            "name",
            "label",
            "relevant",
            "required",
            "constraint",
            "constraint_message::Italian (it)",
            "constraint_message::English (en)",
        ],
        ["select_multiple needs", "needs", "Bisogni"],
        ["integer", "age", "Età", "", "", ". >= 0 and . < 120", "Età non valida", "Invalid age"],
        ["decimal", "rent", "Affitto", "selected(${needs}, 'rent')", "${age} >= 18"],
        ["text", "postcode", "CAP", "", "no", "regex(., '^[0-9]{5}$')", "CAP di 5 cifre"],
        ["text", "other", "Altro", "count-selected(${needs}) > 1 and ${postcode} != ''"],
    ]
    fields = fields_by_key(schema_from_xlsform(xlsx(survey, CHOICES, SETTINGS)))

    assert fields["needs"]["kind"] == "multichoice"
    assert [c["value"] for c in fields["needs"]["choices"]] == ["food", "rent"]
    assert fields["age"]["validations"] == {
        "rules": [
            {
                "rule": {
                    "and": [
                        {">=": [{"+": [{"var": "age"}]}, 0]},
                        {"<": [{"+": [{"var": "age"}]}, 120]},
                    ]
                },
                "message": both("Età non valida", "Invalid age"),
            }
        ]
    }
    assert fields["rent"]["visible_if"] == {"in": ["rent", {"var": "needs"}]}
    assert fields["rent"]["required"] == {">=": [{"+": [{"var": "age"}]}, 18]}
    assert fields["postcode"]["required"] is False
    assert fields["postcode"]["validations"] == {"rules": [], "pattern": "^[0-9]{5}$"}

    other = fields["other"]["visible_if"]
    assert logic.evaluate(other, {"needs": ["food", "rent"], "postcode": "40100"}) is True
    assert logic.evaluate(other, {"needs": ["food", "rent"], "postcode": None}) is False
    assert logic.evaluate(other, {"needs": ["food"], "postcode": "40100"}) is False
    assert logic.evaluate(other, {"needs": None, "postcode": "40100"}) is False


def test_a_constraint_inside_a_repeat_reads_the_row():
    survey = [
        ["type", "name", "label", "constraint", "relevant"],
        ["integer", "adults", "Adulti"],
        ["begin repeat", "members", "Componenti"],
        ["date", "birth_date", "Nascita", ". <= today()"],
        ["integer", "age", "Età", "", "${birth_date} != '' and ${adults} > 0"],
        ["end repeat"],
    ]
    fields = fields_by_key(schema_from_xlsform(xlsx(survey, settings=SETTINGS)))
    assert fields["birth_date"]["validations"]["rules"][0]["rule"] == {
        "<=": [{"var": "row.birth_date"}, {"today": []}]
    }
    assert fields["age"]["visible_if"] == {
        "and": [
            {
                "!": [
                    {
                        "or": [
                            {"==": [{"var": "row.birth_date"}, None]},
                            {"===": [{"var": "row.birth_date"}, ""]},
                        ]
                    }
                ]
            },
            {">": [{"+": [{"var": "adults"}]}, 0]},
        ]
    }


def test_nested_group_relevant_is_added_to_its_questions():
    survey = [
        ["type", "name", "label", "relevant"],
        ["begin group", "work", "Lavoro"],
        ["select_one tenure", "tenure", "Titolo"],
        ["begin group", "renting", "Affitto", "${tenure} = 'rented'"],
        ["decimal", "rent", "Canone", "${rent_known} = 'OK'"],
        ["acknowledge", "rent_known", "Canone noto"],
        ["end group"],
        ["end group"],
    ]
    fields = fields_by_key(schema_from_xlsform(xlsx(survey, CHOICES, SETTINGS)))
    assert fields["rent"]["visible_if"] == {
        "and": [{"==": [{"var": "tenure"}, "rented"]}, {"==": [{"var": "rent_known"}, True]}]
    }
    assert fields["rent_known"]["visible_if"] == {"==": [{"var": "tenure"}, "rented"]}


def test_bad_rows_are_all_reported_with_their_row_numbers(english):
    survey = [
        ["type", "name", "label", "relevant"],
        ["text", "first_name", "Nome"],  # row 2
        ["geoshape", "where", "Posizione"],  # row 3
        ["text", "First Name", "Nome"],  # row 4
        ["integer", "first_name", "Ancora"],  # row 5
        ["select_one colours", "colour", "Colore"],  # row 6
        ["integer", "age", "Età", "${unknown} > 2"],  # row 7
        ["begin repeat", "members", "Componenti"],  # row 8
        ["begin repeat", "children", "Figli"],  # row 9
        ["text", "child_name", "Nome"],
        ["end repeat"],
        ["end repeat"],
        ["text", "", "Senza nome"],  # row 13
        ["integer", "size", "Numero", "${age} >"],  # row 14
    ]
    problems = import_errors(survey)
    text = "\n".join(problems)
    assert len(problems) == 8, text
    assert "survey row 3 (where), type: type 'geoshape' is not supported." in problems
    assert any(p.startswith("survey row 4 (First Name), name:") for p in problems), text
    assert any(
        p.startswith("survey row 5 (first_name)") and "already used in survey row 2" in p
        for p in problems
    ), text
    assert any(p.startswith("survey row 6 (colour)") and "no list 'colours'" in p for p in problems)
    assert any(
        p.startswith("survey row 7 (age), relevant:") and "unknown field ${unknown}" in p
        for p in problems
    ), text
    assert any(
        p.startswith("survey row 9 (children)") and "repeats inside repeats" in p for p in problems
    ), text
    assert "survey row 13, name: name is missing." in problems
    assert any(
        p.startswith("survey row 14 (size), relevant:") and "(at position 9)" in p for p in problems
    ), text


def test_structure_errors_name_their_rows(english):
    survey = [
        ["type", "name", "label"],
        ["begin group", "a", "A"],  # row 2, never closed
        ["text", "x", "X"],
        ["end repeat"],  # row 4
    ]
    problems = import_errors(survey)
    assert any(
        p.startswith("survey row 4, type: end repeat closes the begin group of row 2")
        for p in problems
    )

    problems = import_errors([["type", "name", "label"], ["begin group", "a", "A"], ["text", "x"]])
    assert problems == ["survey row 2 (a), type: begin group has no matching end group."]


def test_choices_and_settings_errors_name_their_sheet(english):
    choices = [
        ["list_name", "name", "label"],
        ["yn", "yes", "Sì"],
        ["yn", "yes", "Sì"],
        ["yn", "", "No"],
    ]
    settings = [["form_id"], ["Scheda accesso!"]]
    problems = import_errors([["type", "name"], ["select_one yn", "ok"]], choices, settings)
    assert "choices row 3: choice 'yes' is already in list 'yn' (row 2)." in problems
    assert "choices row 4: name is missing." in problems
    assert any(p.startswith("settings row 2, form_id:") for p in problems), problems


def test_problems_are_reported_in_italian():
    survey = [["type", "name", "relevant"], ["geoshape", "where"], ["integer", "age", "${nobody}"]]
    with translation.override("it"):
        problems = import_errors(survey)
    assert problems == [
        "foglio survey, riga 2 (where), colonna type: type 'geoshape' non è supportato.",
        "foglio survey, riga 3 (age), colonna relevant: "
        "campo sconosciuto ${nobody} (in posizione 1) in '${nobody}'.",
    ]


def test_a_file_that_is_not_a_workbook_is_refused(english):
    with pytest.raises(XLSFormError, match=r"cannot be read as an \.xlsx workbook"):
        schema_from_xlsform(io.BytesIO(b"type,name\ntext,a\n"))


def test_a_regex_that_is_not_the_whole_constraint_is_refused(english):
    survey = [["type", "name", "constraint"], ["text", "code", "regex(., '[A-Z]') and . != 'X'"]]
    (problem,) = import_errors(survey)
    assert problem.startswith("survey row 2 (code), constraint: regex() is only supported")


def test_a_repeat_count_from_an_answer_limits_the_rows():
    survey = [
        ["type", "name", "label", "repeat_count"],
        ["integer", "how_many", "Quanti"],
        ["begin repeat", "members", "Componenti", "${how_many}"],
        ["text", "first_name", "Nome"],
        ["end repeat"],
    ]
    members = fields_by_key(schema_from_xlsform(xlsx(survey, settings=SETTINGS)))["members"]
    assert "max_rows" not in members
    (rule,) = members["validations"]["rules"]
    assert logic.evaluate(rule["rule"], {"how_many": 2, "members": [{}, {}]}) is True
    assert logic.evaluate(rule["rule"], {"how_many": 1, "members": [{}, {}]}) is False


# The translator on its own -------------------------------------------------------------------

FIELDS = {
    "age": FieldRef(None, "integer"),
    "dob": FieldRef(None, "date"),
    "name": FieldRef(None, "text"),
    "tenure": FieldRef(None, "choice"),
    "needs": FieldRef(None, "multichoice"),
    "members": FieldRef(None, "group"),
    "relation": FieldRef("members", "choice"),
    "income": FieldRef("members", "decimal"),
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${age} >= 18", {">=": [{"+": [{"var": "age"}]}, 18]}),
        ("${tenure} = 'rented'", {"==": [{"var": "tenure"}, "rented"]}),
        ("${tenure} = 2", {"==": [{"var": "tenure"}, "2"]}),  # choice values are strings
        (
            "not(${age} < 3 or ${age} > 99)",
            {
                "!": [
                    {
                        "or": [
                            {"<": [{"+": [{"var": "age"}]}, 3]},
                            {">": [{"+": [{"var": "age"}]}, 99]},
                        ]
                    }
                ]
            },
        ),
        ("selected(${needs}, 'food')", {"in": ["food", {"var": "needs"}]}),
        ("selected(${tenure}, 'rented')", {"==": [{"var": "tenure"}, "rented"]}),
        (
            "count-selected(${needs})",
            {"reduce": [{"var": "needs"}, {"+": [{"var": "accumulator"}, 1]}, 0]},
        ),
        (
            "-${age} + 2 * 3 div 4 mod 5",
            {"+": [{"-": [{"var": "age"}]}, {"%": [{"/": [{"*": [2, 3]}, 4]}, 5]}]},
        ),
        ("(1 + 2) * 3", {"*": [{"+": [1, 2]}, 3]}),
        (
            "if(${age} > 17, 'adult', 'minor')",
            {"if": [{">": [{"+": [{"var": "age"}]}, 17]}, "adult", "minor"]},
        ),
        ("concat(${name}, ' ', 'x')", {"cat": [{"var": "name"}, " ", "x"]}),
        ("today() - ${dob}", {"days_between": [{"var": "dob"}, {"today": []}]}),
        ("${dob} + 30", {"add_days": [{"var": "dob"}, 30]}),
        ("number('4') * 1.5", {"*": [{"+": ["4"]}, 1.5]}),
        ("true() and false()", {"and": [True, False]}),
        (
            "sum(${income})",
            {
                "reduce": [
                    {"var": "members"},
                    {"+": [{"var": "accumulator"}, {"var": ["current.income", 0]}]},
                    0,
                ]
            },
        ),
    ],
)
def test_xpath_translation(expression, expected):
    assert to_json_logic(expression, fields=FIELDS) == expected


def test_xpath_inside_a_repeat_reads_row_fields_and_the_current_value():
    assert to_json_logic(
        ". > 0 and ${relation} = 'child' and ${age} > 1", fields=FIELDS, current="income"
    ) == {
        "and": [
            {">": [{"+": [{"var": "row.income"}]}, 0]},
            {"==": [{"var": "row.relation"}, "child"]},
            {">": [{"+": [{"var": "age"}]}, 1]},
        ]
    }
    # without a field list, references are top-level and `.` is the given field
    assert to_json_logic("${x} = .", current="y") == {"==": [{"var": "x"}, {"var": "y"}]}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("${nobody} = 1", "unknown field ${nobody} (at position 1)"),
        ("${age} > 1 and pulldata('a', 'b')", "unsupported function pulldata() (at position 16)"),
        ("/data/age > 1", "unsupported token '/'"),
        ("${age} >", "unexpected end of expression (at position 9)"),
        ("${age} > 1)", "unexpected ')' (at position 11)"),
        ("${relation} = 'child'", "${relation} is inside the repeat 'members'"),
        ("${members} > 1", "${members} is a repeat: use count(${members})"),
        ("selected(${needs})", "selected() takes 2 arguments"),
        ("today(1)", "today() takes 0 arguments"),
        ("not()", "not() takes 1 argument (at position 1)"),
        ("round(1, 2, 3)", "round() takes 1 to 2 arguments"),
        ("concat()", "concat() takes at least 1 argument (at position 1)"),
        ("(${age} > 1", "expected ')', found end of expression (at position 12)"),
        ("regex(${name}, 'a')", "regex() is only supported as the whole constraint"),
        ("'open", "unterminated string (at position 1)"),
        ("age > 1", "unsupported name 'age'"),
    ],
)
def test_xpath_errors_name_the_token_and_position(expression, message, english):
    with pytest.raises(XPathError) as caught:
        to_json_logic(expression, fields=FIELDS, current="age")
    assert message in str(caught.value)


def test_regex_constraint_becomes_a_full_match_pattern():
    assert constraint_to_validation("regex(., '^[0-9]{5}$')", current="cap") == {
        "pattern": "^[0-9]{5}$"
    }
    # ODK's regex() matches anywhere in the value
    (pattern,) = constraint_to_validation("regex(., '[0-9]')", current="cap").values()
    import re

    assert re.fullmatch(pattern, "ab1c") and not re.fullmatch(pattern, "abc")
    assert constraint_to_validation(". > 1", current="n") == {"rule": {">": [{"var": "n"}, 1]}}


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("${name} != ''", {"name": None}, False),
        ("${name} != ''", {"name": "Ada"}, True),
        ("${age} = ''", {"age": 0}, False),  # 0 is an answer
        ("coalesce(${age}, 7)", {"age": 0}, 0),
        ("coalesce(${age}, 7)", {"age": None}, 7),
        ("string-length(${name})", {"name": "Ada"}, 3),
        ("string-length(${name})", {"name": None}, 0),
        ("int(${age} div 4)", {"age": 7}, 1),
        ("int(-7 div 4)", {}, -1),
        ("round(2.5)", {}, 3),
        ("round(-2.5)", {}, -3),
        ("round(3.14159, 2)", {}, 3.14),
        ("int((today() - ${dob}) div 365.25)", {"dob": "2000-06-15"}, 23),
        ("${dob} + 10", {"dob": "2024-02-25"}, "2024-03-06"),
        ("count-selected(${needs}) = 2", {"needs": ["a", "b"]}, True),
        ("selected(${needs}, 'b') and not(selected(${needs}, 'c'))", {"needs": ["a", "b"]}, True),
        ("${tenure} = 2", {"tenure": "2"}, True),
        (
            "sum(${income}) div count(${members})",
            {"members": [{"income": 10}, {"income": 20}, {}]},
            10,
        ),
    ],
)
def test_xpath_translation_evaluates_like_odk(expression, data, expected):
    result = logic.evaluate(
        to_json_logic(expression, fields=FIELDS), data, today=datetime.date(2024, 1, 10)
    )
    assert result == expected
