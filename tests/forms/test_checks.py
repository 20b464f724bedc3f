"""Publish-time checks: a version whose logic cannot work is refused with a clear message."""

from forms.checks import problems

from .schemas import field, housing_schema, intake_document


def test_seeded_and_sample_forms_pass():
    assert problems(intake_document()["schema"]) == []
    assert problems(housing_schema()) == []


def test_logic_naming_a_missing_field_is_refused_naming_it(english):
    schema = housing_schema()
    schema["steps"][0]["fields"][1]["visible_if"] = {"==": [{"var": "tenancy"}, "rented"]}
    [problem] = problems(schema)
    assert problem.path == "home.rent.visible_if"
    assert "tenancy" in problem.message


def test_row_names_must_be_fields_of_the_same_group(english):
    schema = housing_schema()
    school = schema["steps"][0]["fields"][2]["fields"][2]
    school["visible_if"] = {"<": [{"age": [{"var": "row.born"}]}, 18]}
    [problem] = problems(schema)
    assert "row.born" in problem.message


def test_cycle_between_computed_fields_is_refused(english):
    schema = {
        "steps": [
            {
                "key": "s",
                "fields": [
                    field("a", "integer", computed={"+": [{"var": "b"}, 1]}),
                    field("b", "integer", computed={"+": [{"var": "a"}, 1]}),
                ],
            }
        ]
    }
    [problem] = problems(schema)
    assert "cycle" in problem.message
    assert "a" in problem.path and "b" in problem.path


def test_structure_problems_name_the_field(english):
    schema = {
        "steps": [
            {
                "key": "s",
                "fields": [
                    field("dup"),
                    field("dup"),
                    field("Bad Key"),
                    field("pick", "choice"),
                    field("x", "colour"),
                ],
            }
        ]
    }
    messages = {str(problem) for problem in problems(schema)}
    assert any("s.dup" in m and "twice" in m for m in messages)
    assert any("Bad Key" in m for m in messages)
    assert any("s.pick" in m and "choice" in m for m in messages)
    assert any("colour" in m for m in messages)


def test_unknown_operation_is_refused(english):
    schema = housing_schema()
    schema["steps"][0]["fields"][3]["computed"] = {"frobnicate": [1]}
    [problem] = problems(schema)
    assert "frobnicate" in problem.message
