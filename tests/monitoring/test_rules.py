"""Judging a fact sheet: three-valued conditions and the explanation a social worker reads."""

import datetime

from siso_platform.monitoring.rules import Rule, describe, lookup

SHEET = {
    "isee": None,
    "size": 1,
    "income": {"year": 2025, "total": 9000.0},
    "members": [{"age": 80, "relation": "head"}],
    "intervention_kinds": ["cash"],
}


def judge(rule):
    return Rule(rule).judge(SHEET, today=datetime.date(2026, 6, 15))


def test_and_is_false_whatever_is_missing_once_a_condition_fails():
    judgement = judge({"and": [{"<=": [{"var": "isee"}, 15000]}, {">": [{"var": "size"}, 2]}]})
    assert judgement.outcome == "not_eligible"
    assert judgement.missing == ["isee"]


def test_and_with_a_missing_fact_and_the_rest_true_is_undetermined():
    judgement = judge({"and": [{"<=": [{"var": "isee"}, 15000]}, {"==": [{"var": "size"}, 1]}]})
    assert judgement.outcome == "undetermined"
    assert judgement.explanation() == [
        {
            "condition": "isee ≤ 15000",
            "result": None,
            "values": {"isee": None},
            "missing": ["isee"],
            "logic": {"<=": [{"var": "isee"}, 15000]},
        },
        {
            "condition": "size = 1",
            "result": True,
            "values": {"size": 1},
            "missing": [],
            "logic": {"==": [{"var": "size"}, 1]},
        },
    ]


def test_or_is_true_whatever_is_missing_once_a_condition_holds():
    assert judge({"or": [{"var": "isee"}, {">=": [{"var": "members.0.age"}, 75]}]}).outcome == (
        "eligible"
    )
    assert judge({"or": [{"var": "isee"}, {"==": [{"var": "size"}, 3]}]}).outcome == (
        "undetermined"
    )


def test_negation_keeps_unknown_unknown():
    assert judge({"!": {"<": [{"var": "isee"}, 1]}}).outcome == "undetermined"
    assert judge({"!": {"in": ["home", {"var": "intervention_kinds"}]}}).outcome == "eligible"


def test_the_fast_path_agrees_with_the_judgement():
    rules = [
        {"and": [{"<=": [{"var": "isee"}, 15000]}, {"==": [{"var": "size"}, 1]}]},
        {"and": [{"<": [{"var": "income.total"}, 12000]}, {">=": [{"var": "members.0.age"}, 75]}]},
        {"<": [{"var": "income.total"}, 5000]},
    ]
    for rule in rules:
        compiled = Rule(rule)
        assert compiled.applies(SHEET) is compiled.judge(SHEET).result


def test_values_read_are_kept_small():
    judgement = judge({"some": [{"var": "members"}, {">=": [{"var": "age"}, 75]}]})
    assert judgement.explanation()[0]["values"] == {"members": "[1]"}
    assert judgement.explanation()[0]["condition"] == "some of members: age ≥ 75"


def test_describe_and_lookup():
    assert describe({"<=": [0, {"var": "days_to_end"}, 90]}) == "0 ≤ days_to_end ≤ 90"
    assert describe({">": [{"var": "rent_yearly"}, {"*": [0.4, {"var": "income.total"}]}]}) == (
        "rent_yearly > 0.4 * income.total"
    )
    assert lookup(SHEET, "members.0.age") == 80
    assert lookup(SHEET, "members.3.age") is None
    assert lookup(SHEET, "income.total.x") is None
