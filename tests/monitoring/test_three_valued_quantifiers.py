"""Three-valued logic inside `some`, `all` and `none` (issue 20, rule designer: "a `null` read
inside some, all, none ... makes that condition unknown unless the rule says otherwise")."""

import datetime

import pytest
from django.utils import translation

from siso_platform.monitoring import explaining, fact_sheet
from siso_platform.monitoring.eligibility import rule_of
from siso_platform.monitoring.models import IndicatorVersion
from siso_platform.monitoring.rules import Rule

from .conftest import ON

# The example of docs/monitoring.md: "a rental ending within 90 days".
ENDING = {"some": [{"var": "rentals"}, {"<=": [0, {"var": "days_to_end"}, 90]}]}
NO_END, SOON, LATE = {"days_to_end": None}, {"days_to_end": 30}, {"days_to_end": 400}


def outcome(rule, rentals):
    return Rule(rule).judge({"rentals": rentals}).outcome


def test_a_rule_reading_days_to_end_inside_some_is_undetermined_for_a_contract_with_no_end():
    rule = Rule(ENDING)
    judgement = rule.judge({"rentals": [NO_END]})
    assert judgement.outcome == "undetermined"  # it compared as 0 and matched before
    assert rule.applies({"rentals": [NO_END]}) is None
    assert judgement.missing == ["rentals.0.days_to_end"]
    assert rule.missing({"rentals": [NO_END]}) == ["rentals.0.days_to_end"]
    # another contract decides it either way only when it holds
    assert outcome(ENDING, [NO_END, SOON]) == "eligible"
    assert outcome(ENDING, [NO_END, LATE]) == "undetermined"
    assert outcome(ENDING, [LATE]) == "not_eligible"


def test_all_and_none_are_three_valued_too():
    all_ending = {"all": [{"var": "rentals"}, {"<=": [0, {"var": "days_to_end"}, 90]}]}
    assert outcome(all_ending, [SOON, NO_END]) == "undetermined"
    assert outcome(all_ending, [LATE, NO_END]) == "not_eligible"  # one false decides
    assert outcome(all_ending, [SOON, SOON]) == "eligible"
    none_ending = {"none": ENDING["some"]}
    assert outcome(none_ending, [NO_END]) == "undetermined"
    assert outcome(none_ending, [LATE]) == "eligible"
    assert outcome({"!": ENDING}, [NO_END]) == "undetermined"


def test_a_rule_that_tests_for_null_says_what_a_missing_end_means():
    guarded = {
        "some": [
            {"var": "rentals"},
            {
                "and": [
                    {"!=": [{"var": "days_to_end"}, None]},
                    {"<=": [0, {"var": "days_to_end"}, 90]},
                ]
            },
        ]
    }
    assert outcome(guarded, [NO_END]) == "not_eligible"
    with_no_end = {"some": [{"var": "rentals"}, {"==": [{"var": "days_to_end"}, None]}]}
    assert outcome(with_no_end, [LATE, NO_END]) == "eligible"


@pytest.mark.django_db
def test_the_seeded_indicator_skips_a_contract_with_no_end_and_says_why(seeded, household):
    home = household()
    tenant = home.member(50)
    home.fact("local_tax", {"arrears": 300}, key="TARI-2025", person=tenant)
    home.rental(6000, person=tenant)  # no end date
    sheet = fact_sheet.sheet(home.household, on=ON)
    version = IndicatorVersion.objects.get(definition__slug="morosita-e-contratto-in-scadenza")
    judgement = rule_of(version).judge(sheet, today=ON)
    assert judgement.outcome == "not_eligible"
    with translation.override("en"):
        lines = explaining.sentences(judgement.explanation())
    assert lines[-1]["result"] is False
    assert "Days to the contract's end" in lines[-1]["text"]
    assert "not available" in lines[-1]["text"]

    # the documented rule without the null test: undetermined, the missing end named
    assert Rule(ENDING).judge(sheet, today=ON).missing == ["rentals.0.days_to_end"]
    # a second contract that ends within 90 days decides it
    home.rental(6000, end=ON + datetime.timedelta(days=30), person=home.member(48))
    sheet = fact_sheet.sheet(home.household, on=ON)
    assert rule_of(version).judge(sheet, today=ON).outcome == "eligible"
