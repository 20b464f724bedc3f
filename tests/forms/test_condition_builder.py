"""The condition builder's pure half (parse JSON Logic into what it shows, render it back,
say it in words), run in Chromium because CI has no node; and the JSON Logic it writes means
what it says in both evaluators: forms.logic and the monitoring rules."""

import html
import json
from pathlib import Path

import pytest
from django.utils.translation import gettext

from forms import logic
from forms.templatetags.condition_builder import condition_builder_strings
from siso_platform.monitoring.rules import Rule

SCRIPT = Path(__file__).resolve().parents[2] / "forms" / "static" / "forms" / "condition-builder.js"

AGE_65 = {">=": [{"age": [{"var": "birth_date"}]}, 65]}
EMPTY = {"==": [{"var": "isee"}, None]}
FILLED = {"!=": [{"var": "isee"}, None]}

# What the builder shows (every part editable) and must write back exactly.
SHOWN = [
    ("condition", {"==": [{"var": "tenure"}, "rented"]}),
    ("condition", {"!=": [{"var": "tenure"}, "rented"]}),
    ("condition", {"<=": [{"var": "isee"}, 15000.5]}),
    ("condition", {">": [{"var": "rent"}, 0]}),
    ("condition", AGE_65),
    ("condition", {"<": [{"var": "birth_date"}, {"today": []}]}),
    ("condition", {">=": [{"var": "birth_date"}, "1960-01-01"]}),
    ("condition", {">": [{"days_between": [{"var": "start"}, {"today": []}]}, 30]}),
    ("condition", {"<": [{"days_between": [{"today": []}, {"var": "end"}]}, 90]}),
    ("condition", EMPTY),
    ("condition", FILLED),
    ("condition", {"in": [{"var": "tenure"}, ["rented", "owned"]]}),
    ("condition", {"in": ["school", {"var": "needs"}]}),
    ("condition", {"==": [{"var": "disabled"}, True]}),
    ("condition", {"and": [{"==": [{"var": "a"}, 1]}]}),
    ("condition", {"!": {"==": [{"var": "a"}, 1]}}),
    ("condition", {"!": [{"==": [{"var": "a"}, 1]}]}),
    (
        "condition",
        {
            "and": [
                {"<=": [{"var": "isee"}, 15000]},
                {"or": [{">": [{"var": "rent"}, 0]}, {"!": {"or": [EMPTY, AGE_65]}}]},
            ]
        },
    ),
    ("value", {"*": [{"var": "rent"}, 12]}),
    ("value", {"/": [{"+": [{"var": "a"}, {"var": "b"}]}, 2]}),
    ("value", {"age": [{"var": "birth_date"}]}),
    ("value", {"days_between": [{"var": "start"}, {"today": []}]}),
    ("value", {"today": []}),
    ("value", {"if": [{">": [{"var": "n"}, 3]}, "alto", {"-": [{"var": "n"}, 1]}]}),
    ("value", 42),
]
# Hand-written: shown read-only (whole, or the part it cannot show), written back unchanged.
KEPT = [
    ("condition", {"some": [{"var": "rentals"}, {"<": [{"var": "days_to_end"}, 90]}]}),
    ("condition", {"<": [0, {"var": "rent"}, 2000]}),
    ("condition", {"==": [{"var": ["a", 0]}, 1]}),
    ("condition", {"and": [{"==": [{"var": "a"}, 1]}, {"merge": [1, 2]}]}),
    ("condition", {"==": [{"var": "a"}, {"var": "b"}]}),
    ("condition", {"and": []}),
    ("condition", True),
    ("value", {"+": [1, 2, 3]}),
    ("value", {"if": [True, 1, False, 2, 3]}),
    ("value", {"cat": ["a", {"var": "b"}]}),
    ("value", {"max": [1, 2]}),
]

RUN = """([cases, shown]) => cases.map(([mode, expr]) => {
  const state = SisoConditions.parse(expr, mode);
  const hasRaw = JSON.stringify(state).includes('"t":"raw"');
  return {back: SisoConditions.render(state, mode), hasRaw};
})"""


@pytest.fixture
def page(open_page, client):
    page = open_page(client)
    strings = json.dumps(condition_builder_strings())
    page.set_content(
        '<script type="application/json" id="siso-condition-strings">'
        f"{html.escape(strings, quote=False)}</script>"
    )
    page.add_script_tag(path=str(SCRIPT))
    return page


def test_what_the_builder_shows_round_trips_exactly(page):
    results = page.evaluate(RUN, [SHOWN, True])
    for (mode, expr), result in zip(SHOWN, results, strict=True):
        assert result["back"] == expr, (mode, expr)
        assert not result["hasRaw"], (mode, expr)  # every part is editable


def test_what_it_cannot_show_is_kept_unchanged(page):
    results = page.evaluate(RUN, [KEPT, False])
    for (mode, expr), result in zip(KEPT, results, strict=True):
        assert result["back"] == expr, (mode, expr)
        assert result["hasRaw"], (mode, expr)


def test_empty_is_no_expression_and_bad_json_is_not_rewritten(page):
    found = page.evaluate(
        """() => [
          SisoConditions.render(SisoConditions.parseText("", "condition"), "condition"),
          SisoConditions.render(SisoConditions.parseText("  ", "value"), "value"),
          SisoConditions.parseText('{"==": [', "condition").t,
        ]"""
    )
    assert found == [None, None, "invalid"]


def test_sentences_use_labels_and_italian_numbers(page):
    vocabulary = [
        {"name": "tenure", "label": "Condizione abitativa", "type": "choice",
         "choices": [{"value": "rented", "label": "Affitto"}]},
        {"name": "birth_date", "label": "Data di nascita", "type": "date"},
        {"name": "isee", "label": "ISEE", "type": "decimal", "unit": "€"},
        {"name": "rent", "label": "Canone mensile", "type": "decimal"},
    ]  # fmt: skip
    cases = [
        ("condition", {"==": [{"var": "tenure"}, "rented"]}),
        ("condition", AGE_65),
        ("condition", {"and": [{"<=": [{"var": "isee"}, 15000.5]}, EMPTY]}),
        ("condition", {"<": [{"var": "birth_date"}, {"today": []}]}),
        ("value", {"*": [{"var": "rent"}, 12]}),
        ("condition", None),
    ]
    sentences = page.evaluate(
        "([cases, vocabulary]) => cases.map(([mode, expr]) =>"
        " SisoConditions.describe(SisoConditions.parse(expr, mode), mode, vocabulary))",
        [cases, vocabulary],
    )
    age = gettext("age from %(field)s") % {"field": "Data di nascita"}
    assert sentences == [
        f"Condizione abitativa {gettext('is equal to')} Affitto",
        f"{age} {gettext('is at least')} 65",
        f"ISEE {gettext('is at most')} 15.000,5 € {gettext('and')} ISEE {gettext('is empty')}",
        f"Data di nascita {gettext('is before')} {gettext('today')}",
        "Canone mensile \u00d7 12",  # times
        gettext("no condition (always)"),
    ]
    assert page.evaluate("SisoConditions.parseNumber('15.000,50')") == 15000.5
    assert page.evaluate("SisoConditions.parseNumber('15,000.50')") is None


@pytest.mark.parametrize(
    ("answers", "empty"),
    [({}, True), ({"isee": None}, True), ({"isee": 0}, False), ({"isee": 9000}, False)],
)
def test_is_empty_means_no_answer_in_forms_and_monitoring(answers, empty):
    assert logic.truthy(logic.evaluate(EMPTY, answers)) is empty
    assert logic.truthy(logic.evaluate(FILLED, answers)) is not empty
    # a monitoring rule that tests for the missing fact decides, it is not "undetermined"
    assert Rule(EMPTY).applies(answers) is empty
    assert Rule(FILLED).applies(answers) is not empty
    assert Rule({"or": [EMPTY, {"<": [{"var": "isee"}, 5000]}]}).applies(answers) is (
        empty or answers["isee"] < 5000
    )


def test_membership_and_contains_mean_what_they_say():
    one_of = {"in": [{"var": "tenure"}, ["rented", "owned"]]}
    contains = {"in": ["school", {"var": "needs"}]}
    assert logic.evaluate(one_of, {"tenure": "rented"}) is True
    assert logic.evaluate(one_of, {"tenure": "free"}) is False
    assert logic.evaluate(contains, {"needs": ["home", "school"]}) is True
    assert logic.evaluate(contains, {"needs": ["home"]}) is False
