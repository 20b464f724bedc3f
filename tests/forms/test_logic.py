"""The JSON Logic evaluator: the official conformance suite, JavaScript semantics, the
domain operations, and the static checks `variables` and `check`."""

import copy
import datetime
import hashlib
import json
import math
import re
from pathlib import Path

import pytest

from forms.logic import OPERATIONS, LogicError, check, evaluate, truthy, variables

SUITE = Path(__file__).parent / "data" / "jsonlogic_tests.json"
SUITE_SHA256 = "5c75736a7f57a18cd481665e2002c4c92395dea4073c1414cfbefb0c38b1a5e3"
NAN = float("nan")
INF = float("inf")


def load_suite():
    """[(id, logic, data, expected)] from the official suite, ids `<section>-<index>`."""
    cases = []
    section, index = "start", 0
    for entry in json.loads(SUITE.read_text()):
        if isinstance(entry, str):
            section = re.sub(r"[^a-z0-9]+", "_", entry.lower()).strip("_")[:40]
            index = 0
            continue
        logic, data, expected = entry
        cases.append((f"{section}-{index}", logic, data, expected))
        index += 1
    return cases


SUITE_CASES = load_suite()


def same(actual, expected):
    """Equal as JSON values: booleans are not numbers, 3 and 3.0 are one number, NaN is NaN."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, int | float):
        if not isinstance(actual, int | float):
            return False
        # compared as JavaScript numbers (JSON may give an int for a large float)
        return float(actual) == float(expected) or (actual != actual and expected != expected)
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same(actual[k], expected[k]) for k in expected)
        )
    return type(actual) is type(expected) and actual == expected


def test_suite_file_is_the_unedited_official_suite():
    assert hashlib.sha256(SUITE.read_bytes()).hexdigest() == SUITE_SHA256
    assert len(SUITE_CASES) == 278
    assert len({case_id for case_id, *_ in SUITE_CASES}) == 278


@pytest.mark.parametrize(
    ("logic", "data", "expected"),
    [case[1:] for case in SUITE_CASES],
    ids=[case[0] for case in SUITE_CASES],
)
def test_conformance(logic, data, expected):
    assert same(evaluate(logic, data), expected), evaluate(logic, data)


# JavaScript semantics beyond the suite, as json-logic-js computes them (the parity test
# runs these through the vendored logic.js too).
JS_SEMANTICS_CASES = [
    # strict equality: Python's True == 1 must not leak
    ({"===": [1, True]}, None, False),
    ({"===": [0, False]}, None, False),
    ({"!==": [1, True]}, None, True),
    ({"===": [1, 1.0]}, None, True),
    ({"in": [1, [True]]}, None, False),
    ({"in": [True, [1, True]]}, None, True),
    # loose equality
    ({"==": [1, True]}, None, True),
    ({"==": [2, True]}, None, False),
    ({"==": ["1", True]}, None, True),
    ({"==": [0, ""]}, None, True),
    ({"==": ["0", False]}, None, True),
    ({"==": [" 12 ", 12]}, None, True),
    ({"==": ["0x10", 16]}, None, True),
    ({"==": [None, 0]}, None, False),
    ({"==": [None, False]}, None, False),
    ({"==": [None, None]}, None, True),
    ({"==": [None]}, None, True),
    ({"===": [None]}, None, False),
    ({"==": [[1, 2], "1,2"]}, None, True),
    ({"==": [[], ""]}, None, True),
    ({"==": [[], []]}, None, False),
    ({"==": [{"var": "a"}, {"var": "a"}]}, {"a": [1]}, True),
    ({"!=": ["abc", "abc"]}, None, False),
    ({"==": ["1e3", 1000]}, None, True),
    ({"==": ["Infinity", {"/": [1, 0]}]}, None, True),
    ({"==": ["inf", {"/": [1, 0]}]}, None, False),
    ({"==": ["1_000", 1000]}, None, False),
    # relational comparisons
    ({"<": ["10", "9"]}, None, True),
    ({"<": ["10", 9]}, None, False),
    ({"<": [None, 1]}, None, True),
    ({"<": ["a", 1]}, None, False),
    ({">=": ["a", 1]}, None, False),
    ({"<=": [None, 0]}, None, True),
    ({"<": [[2], 3]}, None, True),
    ({"<": [1, 2, None]}, None, False),
    ({">": [3, 2, 1]}, None, True),
    ({"<": ["B", "a"]}, None, True),
    # arithmetic
    ({"+": [1, 2]}, None, 3),
    ({"+": ["1", "2"]}, None, 3),
    ({"+": ["3.5 apples", 1]}, None, 4.5),
    ({"+": [None, 1]}, None, NAN),
    ({"+": [True, 1]}, None, NAN),
    ({"+": []}, None, 0),
    ({"+": [0.1, 0.2]}, None, 0.30000000000000004),
    ({"*": ["2"]}, None, "2"),
    ({"*": ["2", "3"]}, None, 6),
    ({"-": ["5", True]}, None, 4),
    ({"-": [None]}, None, 0),
    ({"-": ["x"]}, None, NAN),
    ({"/": [1, 0]}, None, INF),
    ({"/": [-1, 0]}, None, -INF),
    ({"/": [0, 0]}, None, NAN),
    ({"/": [7, 2]}, None, 3.5),
    ({"%": [-7, 3]}, None, -1),
    ({"%": [7, -3]}, None, 1),
    ({"%": [7.5, 2]}, None, 1.5),
    ({"%": [1, 0]}, None, NAN),
    ({"max": []}, None, -INF),
    ({"min": []}, None, INF),
    ({"max": ["3", 1]}, None, 3),
    ({"min": [1, "x"]}, None, NAN),
    ({"min": [None, 2]}, None, 0),
    # truthiness
    ({"!!": [{"var": "o"}]}, {"o": {}}, True),
    ({"!!": [{"/": [0, 0]}]}, None, False),
    ({"!!": ["false"]}, None, True),
    ({"!": []}, None, True),
    ({"and": []}, None, None),
    ({"or": [0, "", []]}, None, []),
    # strings
    (
        {"cat": [0.1, 1e21, 1e-7, 1.5e-5, 100.0, True, None, [1, [2, None]]]},
        None,
        "0.11e+211e-70.000015100true1,2,",
    ),
    (
        {"cat": [9007199254740994.0, " ", 2**60, " ", 2.1885994935685778e18, " ", -1e-7]},
        None,
        "9007199254740994 1152921504606847000 2188599493568577800 -1e-7",
    ),
    ({"cat": [{"var": "o"}]}, {"o": {"a": 1}}, "[object Object]"),
    ({"in": [1, "a1"]}, None, True),
    ({"in": ["", ""]}, None, False),
    ({"in": ["a", None]}, None, False),
    ({"in": ["a", {"var": "o"}]}, {"o": {"a": 1}}, False),
    ({"substr": ["jsonlogic", 2, "-1"]}, None, ""),
    ({"substr": ["jsonlogic", "2", "3"]}, None, "onl"),
    ({"substr": [None, 1]}, None, "ull"),
    ({"substr": ["abc", 1, None]}, None, ""),
    ({"substr": ["a😀b", 1, 2]}, None, "😀"),
    # var
    ({"var": "members.length"}, {"members": [1, 2, 3]}, 3),
    ({"var": "name.length"}, {"name": "Anna"}, 4),
    ({"var": "name.0"}, {"name": "Anna"}, "A"),
    ({"var": "a.01"}, {"a": [1, 2]}, None),
    ({"var": "a.-1"}, {"a": [1, 2]}, None),
    ({"var": ["a", 5]}, {"a": None}, None),
    ({"var": ["a.b", 5]}, {"a": None}, 5),
    ({"var": "row.relation"}, {"row": {"relation": "child"}}, "child"),
    ({"var": 1.5}, [0, [0, 0, 0, 0, 0, "five"]], "five"),
    # missing and data-scoped operations
    ({"missing": ["a", "b"]}, {"a": "", "b": 0}, ["a"]),
    ({"missing_some": [1, ["a", "b"]]}, {"a": None}, ["a", "b"]),
    ({"missing_some": ["1", ["a", "b"]]}, {"a": 1}, []),
    ({"map": [{"var": "xs"}]}, {"xs": [1, 2]}, [None, None]),
    ({"filter": [{"var": "xs"}]}, {"xs": [1, 2]}, []),
    ({"reduce": [{"var": "xs"}, {"+": [{"var": "current"}, 1]}]}, {"xs": "no"}, None),
    ({"all": [[0], True]}, None, True),
    ({"none": [None, True]}, None, True),
    ({"merge": [[1, [2]], [[3]], None]}, None, [1, [2], [3], None]),
    ({"if": [{"var": "x"}]}, {"x": 5}, 5),
    # JavaScript's undefined ({"and": []}, map without logic) is not null inside, None outside
    ({"===": [{"and": []}, None]}, None, False),
    ({"==": [{"and": []}, None]}, None, True),
    ({"<": [{"or": []}, 1]}, None, False),
    ({"<": [None, 1]}, None, True),
    ({"in": [None, {"map": [[1], {"and": []}]}]}, None, False),
    ({"map": [[1, 2], {"and": []}]}, None, [None, None]),
    ({"cat": [{"and": []}, "x", None]}, None, "x"),
    ({"substr": [{"and": []}]}, None, "undefined"),
    ({"reduce": [[1, 2], {"var": "accumulator"}]}, None, None),
    ({"reduce": [[1, 2], {"and": []}, 0]}, None, None),
    # an object with other than one key is a value, not an operation
    ({"!!": [{"a": 1, "b": 2}]}, None, True),
]


@pytest.mark.parametrize(("logic", "data", "expected"), JS_SEMANTICS_CASES)
def test_javascript_semantics(logic, data, expected):
    assert same(evaluate(logic, data), expected), evaluate(logic, data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (0.0, False),
        (NAN, False),
        ("", False),
        ([], False),
        (None, False),
        (False, False),
        ("0", True),
        ("false", True),
        ({}, True),
        ([0], True),
        (-1, True),
        (datetime.date(2024, 1, 1), True),
    ],
)
def test_truthy(value, expected):
    assert truthy(value) is expected


def test_whole_numbers_come_back_as_int():
    assert type(evaluate({"+": [1.5, 1.5]}, None)) is int
    assert type(evaluate({"/": [1, 2]}, None)) is float
    assert type(evaluate({"-": ["7"]}, None)) is int


@pytest.mark.parametrize(
    ("logic", "operation"),
    [
        ({"foo": [1]}, "foo"),
        ({"and": [True, {"bar": []}]}, "bar"),
        ({"map": [[1], {"baz": 1}]}, "baz"),
        ({"hasOwnProperty": "x"}, "hasOwnProperty"),
    ],
)
def test_unknown_operation_raises_naming_it(logic, operation):
    with pytest.raises(LogicError, match=f'"{operation}"'):
        evaluate(logic, {})


def test_errors_where_json_logic_js_throws():
    with pytest.raises(LogicError, match=r'"\*"'):
        evaluate({"*": []}, None)
    with pytest.raises(LogicError, match="missing_some"):
        evaluate({"missing_some": [1, None]}, None)
    deep = True
    for _ in range(5000):
        deep = {"!": [deep]}
    with pytest.raises(LogicError, match="deeply"):
        evaluate(deep, None)


def test_evaluation_leaves_logic_and_data_untouched():
    logic = {
        "reduce": [
            {"merge": [{"var": "a"}, {"var": "b"}]},
            {"+": [{"var": "accumulator"}, {"var": "current.n"}]},
            {"var": "start"},
        ]
    }
    data = {"a": [{"n": 1}], "b": [{"n": 2}], "start": 10}
    logic_before, data_before = copy.deepcopy(logic), copy.deepcopy(data)
    assert evaluate(logic, data) == 13
    assert logic == logic_before
    assert data == data_before


def test_log_returns_its_argument(caplog):
    with caplog.at_level("INFO", logger="forms.logic"):
        assert evaluate({"log": [{"var": "x"}]}, {"x": [1, "a"]}) == [1, "a"]
    assert "[1, 'a']" in caplog.text


# --- domain operations -------------------------------------------------------------------

D = datetime.date


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        ("2000-06-15", "2018-06-14", 17),
        ("2000-06-15", "2018-06-15", 18),
        ("2000-06-15", "2018-06-16", 18),
        ("2000-06-15", "2000-06-15", 0),
        ("2000-12-31", "2001-01-01", 0),
        # born on a leap day: a year older on 1 March in common years, 29 February otherwise
        ("2000-02-29", "2001-02-28", 0),
        ("2000-02-29", "2001-03-01", 1),
        ("2000-02-29", "2004-02-28", 3),
        ("2000-02-29", "2004-02-29", 4),
        # backwards spans are negative and symmetric
        ("2020-05-01", "2019-06-01", 0),
        ("2020-05-01", "2019-05-01", -1),
        ("2020-05-01", "2019-04-30", -1),
        (D(2000, 6, 15), D(2018, 6, 15), 18),
        (datetime.datetime(2000, 6, 15, 23, 59), "2018-06-15", 18),
    ],
)
def test_age(born, on, years):
    assert evaluate({"age": [born, on]}, {}) == years


def test_age_defaults_to_the_given_today_then_the_system_date():
    logic = {"age": [{"var": "birth"}]}
    data = {"birth": "2000-06-15"}
    assert evaluate(logic, data, today=D(2024, 6, 14)) == 23
    assert evaluate(logic, data, today=D(2024, 6, 15)) == 24
    # today= does not stick to later calls
    before = D.today()
    expected = {evaluate(logic, data, today=before), evaluate(logic, data, today=D.today())}
    assert evaluate(logic, data) in expected


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2024-02-01", "2024-03-01", 29),
        ("2024-03-01", "2024-02-01", -29),
        ("2023-02-01", "2023-03-01", 28),
        ("2024-05-05", "2024-05-05", 0),
        ("1999-12-31", "2000-01-01", 1),
        ("0001-01-01", "9999-12-31", 3652058),
    ],
)
def test_days_between_sign_and_leap_years(start, end, days):
    assert evaluate({"days_between": [start, end]}, {}) == days


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-01-15", "2024-02-15", 1),
        ("2024-01-15", "2024-02-14", 0),
        ("2024-01-31", "2024-02-29", 0),
        ("2024-01-31", "2024-03-31", 2),
        ("2024-01-15", "2025-01-14", 11),
        ("2024-01-15", "2025-01-15", 12),
        ("2024-03-15", "2024-01-20", -1),
        ("2024-01-20", "2024-01-10", 0),
    ],
)
def test_months_between(start, end, months):
    assert evaluate({"months_between": [start, end]}, {}) == months


def test_today():
    assert evaluate({"today": []}, {}, today=D(2024, 2, 29)) == "2024-02-29"
    before = D.today().isoformat()
    assert evaluate({"today": []}, {}) in {before, D.today().isoformat()}
    assert evaluate({"days_between": [{"today": []}, "2024-03-01"]}, {}, today=D(2024, 2, 1)) == 29


@pytest.mark.parametrize(
    ("start", "n", "result"),
    [
        ("2024-02-28", 1, "2024-02-29"),
        ("2024-03-01", -1, "2024-02-29"),
        ("2023-12-31", 1, "2024-01-01"),
        ("2024-01-01", 0, "2024-01-01"),
        ("2024-01-01", 2.0, "2024-01-03"),
        ("2024-01-01", " 3 ", "2024-01-04"),
        ("2024-01-01", 1.5, None),
        ("2024-01-01", None, None),
        ("2024-01-01", "", None),
        ("2024-01-01", "two", None),
        ("2024-01-01", True, None),
        ("9999-12-31", 1, None),
        ("0001-01-01", -1, None),
        ("2024-01-01", 10**20, None),
    ],
)
def test_add_days(start, n, result):
    assert evaluate({"add_days": [start, n]}, {}) == result


BAD_DATES = [
    None,
    "",
    "2024-13-01",
    "2023-02-29",
    "0000-01-01",
    "29/02/2024",
    "2024-2-9",
    "2024-02-29T00:00",
    "2024-02-29\n",
    20240229,
    True,
    ["2024-02-29"],
]


@pytest.mark.parametrize("bad", BAD_DATES)
@pytest.mark.parametrize(
    "logic",
    [
        {"age": ["$", "2024-01-01"]},
        {"age": ["2000-01-01", "$"]},
        {"age": ["$"]},
        {"days_between": ["$", "2024-01-01"]},
        {"days_between": ["2024-01-01", "$"]},
        {"months_between": ["$", "2024-01-01"]},
        {"months_between": ["2024-01-01", "$"]},
        {"add_days": ["$", 1]},
    ],
)
def test_null_or_bad_dates_give_null(logic, bad):
    ((op, args),) = logic.items()
    logic = {op: [{"var": "d"} if a == "$" else a for a in args]}
    assert evaluate(logic, {"d": bad}, today=D(2024, 6, 1)) is None


def test_partially_filled_answers_do_not_raise():
    logic = {"and": [{">=": [{"age": [{"var": "birth"}]}, 18]}, {"var": "consent"}]}
    assert evaluate(logic, {}) is False  # null >= 18 is false, as in the browser
    half_filled = {"from": "2024-01-01"}
    assert evaluate({"days_between": [{"var": "from"}, {"var": "to"}]}, half_filled) is None


# --- variables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logic", "names"),
    [
        ({"==": [{"var": "tenure"}, "rented"]}, {"tenure"}),
        ({"var": ["a.b.c", 0]}, {"a.b.c"}),
        ({"==": [{"var": "row.relation"}, "child"]}, {"row.relation"}),
        ({"if": [{"var": "x"}, [{"var": "y"}], {"cat": [{"var": "z"}, "!"]}]}, {"x", "y", "z"}),
        ({"var": ["a", {"var": "fallback"}]}, {"a", "fallback"}),
        ({"var": [{"cat": ["field_", {"var": "n"}]}]}, {"n"}),
        ({"var": ""}, set()),
        ({"var": []}, set()),
        ({"var": 1}, {"1"}),
        ({"missing": ["a", "b.c"]}, {"a", "b.c"}),
        ({"missing": "a"}, {"a"}),
        ({"missing_some": [1, ["x", "y"]]}, {"x", "y"}),
        (
            {"missing": {"merge": ["vin", {"if": [{"var": "financing"}, ["apr"], []]}]}},
            {"financing"},
        ),
        # map, filter, all, none and some apply their second argument to each item
        ({"map": [{"var": "members"}, {"var": "age"}]}, {"members"}),
        ({"some": [{"var": "members"}, {"<": [{"var": "age"}, 18]}]}, {"members"}),
        ({"all": [{"var": "members"}, {"var": ""}]}, {"members"}),
        ({"none": [{"var": "members"}, {"var": "x"}]}, {"members"}),
        (
            {"filter": [{"merge": [{"var": "a"}, {"var": "b"}]}, {"==": [{"var": "k"}, 1]}]},
            {"a", "b"},
        ),
        # reduce: the initial value is read from the data, the step from the item
        (
            {
                "reduce": [
                    {"var": "members"},
                    {"+": [{"var": "accumulator"}, {"var": "current.income"}]},
                    {"var": "base_income"},
                ]
            },
            {"members", "base_income"},
        ),
        (
            {"all": [{"map": [{"var": "rows"}, {"var": "n"}]}, {">": [{"var": ""}, 0]}]},
            {"rows"},
        ),
        (True, set()),
        ([1, "a", None], set()),
        ({"a": {"var": "x"}, "b": 1}, set()),  # not an operation: a plain object
    ],
)
def test_variables(logic, names):
    assert variables(logic) == names


def test_variables_of_the_suite_are_what_it_reads():
    logic = {
        "and": [
            {"<": [{"var": "temp"}, 110]},
            {"==": [{"var": "pie.filling"}, "apple"]},
            {"reduce": [{"var": "integers"}, {"+": [1, 2]}, {"var": "start_with"}]},
        ]
    }
    assert variables(logic) == {"temp", "pie.filling", "integers", "start_with"}


# --- check ---------------------------------------------------------------------------------


def test_check_accepts_the_whole_suite_and_the_domain_operations():
    for case_id, logic, _, _ in SUITE_CASES:
        assert check(logic) == [], case_id
    assert check({"<": [{"age": [{"var": "birth"}, {"today": []}]}, 18]}) == []
    assert check({"add_days": [{"var": "d"}, 30]}) == []
    assert check({"months_between": ["2024-01-01", {"var": "d"}]}) == []
    assert check({"days_between": ["2024-01-01", {"var": "d"}]}) == []
    assert check(None) == []
    assert check([1, "a", [True, None]]) == []


@pytest.mark.parametrize(
    ("logic", "problems"),
    [
        ({"foo": [1]}, ['unknown operation "foo"']),
        ({"and": [True, {"!": {"bar": 1}}]}, ['unknown operation "bar"']),
        ({"map": [{"var": "xs"}, {"baz": []}]}, ['unknown operation "baz"']),
        (
            {"if": [{"x": 1}, {"x": 2}, {"y": 3}]},
            ['unknown operation "x"', 'unknown operation "y"'],
        ),
        ({"==": [1, 1], "!=": [1, 2]}, ['an operation needs exactly one key, found 2: "==", "!="']),
        ({"!": [{}]}, ["an operation needs exactly one key, found 0"]),
        ({"*": []}, ['"*" needs at least one argument']),
        ({"var": {1, 2}}, ["not a JSON value: set"]),
    ],
)
def test_check_reports_problems(logic, problems):
    assert check(logic) == problems


def test_operations():
    standard = set(
        "var missing missing_some if ?: == === != !== ! !! or and > >= < <= max min + - * / %"
        " map filter reduce all none some merge in cat substr log".split()
    )
    domain = {"age", "days_between", "months_between", "today", "now", "add_days"}
    assert isinstance(OPERATIONS, frozenset)
    assert standard | domain == OPERATIONS


def test_now_is_the_given_time_then_the_local_time_to_the_minute():
    # XLSForm's now() (https://xlsform.org/en/#default): a date and time, to the minute as
    # the `datetime` kind stores it.
    at = datetime.datetime(2026, 12, 4, 9, 30, 59)
    assert evaluate({"now": []}, None, now=at) == "2026-12-04T09:30"
    assert evaluate({"cat": [{"now": []}]}, None, now=at) == "2026-12-04T09:30"
    before = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M")
    value = evaluate({"now": []}, None)
    assert before <= value <= datetime.datetime.now().strftime("%Y-%m-%dT%H:%M")


def test_nan_compares_like_javascript():
    assert evaluate({"==": [{"/": [0, 0]}, {"/": [0, 0]}]}, None) is False
    assert evaluate({"<": [{"/": [0, 0]}, 1]}, None) is False
    assert evaluate({">=": [{"/": [0, 0]}, 1]}, None) is False
    assert math.isnan(evaluate({"+": ["x"]}, None))
