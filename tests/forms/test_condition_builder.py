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
# "numero di componenti": neither evaluator has a count, so a reduce that adds one per item
COUNT_MEMBERS = {"reduce": [{"var": "members"}, {"+": [{"var": "accumulator"}, 1]}, 0]}
ENDING = {"some": [{"var": "rentals"}, {"<=": [{"var": "days_to_end"}, 90]}]}
# the seeded indicator "morosità e contratto in scadenza"
ARREARS_AND_ENDING = {
    "and": [
        {">": [{"var": "local_tax_arrears"}, 0]},
        {
            "some": [
                {"var": "rentals"},
                {
                    "and": [
                        {"!=": [{"var": "days_to_end"}, None]},
                        {"<=": [0, {"var": "days_to_end"}, 90]},
                    ]
                },
            ]
        },
    ]
}

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
    ("condition", ENDING),
    ("condition", {"some": [{"var": "members"}, AGE_65]}),
    (
        "condition",
        {
            "all": [
                {"var": "members"},
                {"or": [{">=": [{"var": "age"}, 18]}, {"==": [{"var": "disabled"}, False]}]},
            ]
        },
    ),
    ("condition", {"none": [{"var": "members"}, {"==": [{"var": "minor"}, True]}]}),
    ("condition", {"!": {"some": [{"var": "rentals"}, {"<": [{"var": "days_to_end"}, 0]}]}}),
    ("condition", {">=": [COUNT_MEMBERS, 3]}),
    ("condition", {"<=": [0, {"var": "rent"}, 2000]}),
    ("condition", ARREARS_AND_ENDING),
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
    ("condition", {"some": [{"var": "rentals"}, {"merge": [1, 2]}]}),
    ("condition", {"some": [{"filter": [{"var": "rentals"}, True]}, ENDING["some"][1]]}),
    (
        "condition",
        {"==": [{"reduce": [{"var": "members"}, {"+": [{"var": "accumulator"}, 2]}, 0]}, 4]},
    ),
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


def test_lists_read_as_quantified_sentences_over_the_items_fields(page):
    vocabulary = [
        {"name": "local_tax_arrears", "label": "Morosità tributi locali", "type": "decimal",
         "unit": "€"},
        {"name": "rentals", "label": "Contratti di locazione", "type": "list",
         "item_label": {"one": "contratto", "some": "contratti"},
         "items": [{"name": "days_to_end", "label": "Giorni alla scadenza", "type": "integer",
                    "unit": "giorni"}]},
        {"name": "members", "label": "Componenti", "type": "list",
         "items": [{"name": "minor", "label": "Minore", "type": "boolean"}]},
    ]  # fmt: skip
    cases = [
        ENDING,
        ARREARS_AND_ENDING,
        {">=": [COUNT_MEMBERS, 3]},
        {"none": [{"var": "members"}, {"==": [{"var": "minor"}, True]}]},
    ]
    sentences = page.evaluate(
        "([cases, vocabulary]) => cases.map((expr) =>"
        " SisoConditions.describe(SisoConditions.parse(expr, 'condition'), 'condition',"
        " vocabulary))",
        [cases, vocabulary],
    )
    some = gettext("at least one %(item)s such that") % {"item": "contratto"}
    days = "Giorni alla scadenza"
    and_ = gettext("and")
    members = gettext("items of “%(list)s”") % {"list": "Componenti"}
    member = gettext("item of “%(list)s”") % {"list": "Componenti"}
    assert sentences == [
        f"{some}: {days} {gettext('is at most')} 90 giorni",
        f"Morosità tributi locali {gettext('is greater than')} 0 € {and_} {some}: "
        f"({days} {gettext('is not empty')} {and_} {days} {gettext('is between')} 0 {and_} "
        "90 giorni)",
        f"{gettext('number of %(items)s') % {'items': members}} {gettext('is at least')} 3",
        f"{gettext('no %(item)s such that') % {'item': member}}: Minore "
        f"{gettext('is equal to')} {gettext('yes')}",
    ]


def test_quantifiers_and_counts_mean_what_they_say_in_both_evaluators():
    sheet = {
        "members": [{"age": 80, "minor": False}, {"age": 9, "minor": True}],
        "rentals": [{"days_to_end": 400}, {"days_to_end": 60}],
    }
    count = {">=": [COUNT_MEMBERS, 2]}
    assert logic.evaluate(COUNT_MEMBERS, sheet) == 2
    assert logic.truthy(logic.evaluate(count, sheet)) is True
    assert Rule(count).applies(sheet) is True
    assert Rule({">=": [COUNT_MEMBERS, 3]}).applies(sheet) is False
    assert Rule(ENDING).applies(sheet) is True
    assert Rule(ENDING).applies({"rentals": [{"days_to_end": 400}]}) is False
    older = {"some": [{"var": "members"}, {">=": [{"var": "age"}, 65]}]}
    assert Rule(older).applies(sheet) is True
    no_minor = {"none": [{"var": "members"}, {"==": [{"var": "minor"}, True]}]}
    assert Rule(no_minor).applies(sheet) is False
    between = {"<=": [0, {"var": "days"}, 90]}
    assert [logic.evaluate(between, {"days": d}) for d in (-1, 0, 90, 91)] == [
        False,
        True,
        True,
        False,
    ]
