"""Three-valued logic inside `map`, `filter` and `reduce`, and explanations of quantified
conditions that name the item that decided (issue 20, rule designer)."""

from django.utils import translation

from siso_platform.monitoring import explaining
from siso_platform.monitoring.rules import Rule

ENDING = {"some": [{"var": "rentals"}, {"<=": [0, {"var": "days_to_end"}, 90]}]}
NO_END, SOON, LATE = {"days_to_end": None}, {"days_to_end": 40}, {"days_to_end": 400}

# Members' income summed with reduce: a member with no income on record is a hole in the sum.
INCOME_SUM = {
    "<": [
        {
            "reduce": [
                {"var": "members"},
                {"+": [{"var": "accumulator"}, {"var": "current.income_total"}]},
                0,
            ]
        },
        12000,
    ]
}
ENDING_FILTER = {
    "some": [
        {"filter": [{"var": "rentals"}, {"<=": [0, {"var": "days_to_end"}, 90]}]},
        {"==": [1, 1]},
    ]
}
# The rents summed: map reads each contract's rent, reduce adds them up.
RENTS = {
    ">": [
        {
            "reduce": [
                {"map": [{"var": "rentals"}, {"var": "yearly_rent"}]},
                {"+": [{"var": "accumulator"}, {"var": "current"}]},
                0,
            ]
        },
        5000,
    ]
}


def judged(rule, sheet):
    return Rule(rule).judge(sheet)


def test_a_null_read_inside_reduce_leaves_the_sum_unknown():
    members = [{"income_total": 5000}, {"income_total": None}]
    judgement = judged(INCOME_SUM, {"members": members})
    assert judgement.outcome == "undetermined"  # it summed the null as 0 and matched before
    assert judgement.missing == ["members.1.income_total"]
    assert Rule(INCOME_SUM).applies({"members": members}) is None
    known = [{"income_total": 5000}, {"income_total": 6000}]
    assert judged(INCOME_SUM, {"members": known}).outcome == "eligible"
    assert judged(INCOME_SUM, {"members": [*known, {"income_total": 2000}]}).outcome == (
        "not_eligible"
    )


def test_a_null_read_inside_filter_or_map_leaves_the_condition_unknown():
    judgement = judged(ENDING_FILTER, {"rentals": [LATE, NO_END]})
    assert judgement.outcome == "undetermined"
    assert judgement.missing == ["rentals.1.days_to_end"]
    assert judged(ENDING_FILTER, {"rentals": [LATE]}).outcome == "not_eligible"
    rents = judged(RENTS, {"rentals": [{"yearly_rent": 6000}, {"yearly_rent": None}]})
    assert rents.outcome == "undetermined"
    assert rents.missing == ["rentals.1.yearly_rent"]
    assert judged(RENTS, {"rentals": [{"yearly_rent": 6000}]}).outcome == "eligible"


def test_logic_inside_filter_that_tests_for_null_is_evaluated_as_written():
    guarded = {
        "some": [
            {
                "filter": [
                    {"var": "rentals"},
                    {
                        "and": [
                            {"!=": [{"var": "days_to_end"}, None]},
                            {"<=": [0, {"var": "days_to_end"}, 90]},
                        ]
                    },
                ]
            },
            {"==": [1, 1]},
        ]
    }
    assert judged(guarded, {"rentals": [NO_END]}).outcome == "not_eligible"
    assert judged(guarded, {"rentals": [NO_END, SOON]}).outcome == "eligible"


def test_the_documented_example_is_undetermined_for_a_contract_with_no_end():
    assert judged(ENDING, {"rentals": [NO_END]}).outcome == "undetermined"


def test_the_explanation_names_the_contract_that_decided():
    judgement = judged(ENDING, {"rentals": [LATE, SOON]})
    assert judgement.outcome == "eligible"
    (condition,) = judgement.explanation()
    assert condition["decided_by"] == {"list": "rentals", "index": 1, "values": {"days_to_end": 40}}
    with translation.override("en"):
        (line,) = explaining.sentences(judgement.explanation())
    assert line["text"] == (
        "at least one of Rental contracts: 0 ≤ Days to the contract's end ≤ 90: satisfied "
        "(decided by contract no. 2: Days to the contract's end 40 days)"
    )
    # all: the first member that fails decides
    adults = {"all": [{"var": "members"}, {">=": [{"var": "age"}, 18]}]}
    judgement = judged(adults, {"members": [{"age": 40}, {"age": 12}]})
    assert judgement.outcome == "not_eligible"
    with translation.override("en"):
        (line,) = explaining.sentences(judgement.explanation())
    assert line["text"].endswith("(decided by member 2: Age 12 years)")
    # no single item decides when none holds: nothing is named
    assert "decided_by" not in judged(ENDING, {"rentals": [LATE]}).explanation()[0]
