"""Rule explanations read as Italian sentences: facts by their labels, amounts in euro."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from siso_platform.monitoring import alerts, explaining
from siso_platform.monitoring.fact_sheet import FIELDS, LABELS
from siso_platform.monitoring.rules import Rule
from siso_platform.territory.models import SocialZone

MET, NOT_MET, UNKNOWN = "satisfied", "not satisfied", "unknown (facts missing)"


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


def said(logic, values, result, missing=()):
    return explaining.sentence(logic, values, result, missing)


def test_every_documented_fact_has_a_label():
    assert {f["name"] for f in FIELDS} <= set(LABELS)


def test_an_amount_compared_reads_in_euro_the_italian_way():
    text = said({"<=": [{"var": "isee"}, 6000]}, {"isee": 4500}, True)
    assert text == f"ISEE 4.500 € ≤ 6.000 €: {_(MET)}"
    cents = said({"<": [{"var": "isee"}, 6000]}, {"isee": 4800.5}, True)
    assert cents == f"ISEE 4.800,50 € < 6.000 €: {_(MET)}"


def test_a_plain_number_is_no_amount():
    text = said({"==": [{"var": "size"}, 1]}, {"size": 3}, False)
    assert text == f"{_('Household members')} 3 = 1: {_(NOT_MET)}"
    assert "€" not in text


def test_an_item_of_a_list_says_which_member():
    text = said({">=": [{"var": "members.0.age"}, 75]}, {"members.0.age": 80}, True)
    assert text == (
        _("%(label)s of member %(number)d") % {"label": _("Age"), "number": 1}
        + f" 80 ≥ 75: {_(MET)}"
    )


def test_in_a_list_of_codes_reads_their_names():
    text = said(
        {"in": [{"var": "members.0.relation"}, ["head", "spouse"]]},
        {"members.0.relation": "child"},
        False,
    )
    assert "head" not in text and "spouse" not in text and "child" not in text
    assert _("head of household") in text and _("spouse") in text and _("child") in text


def test_a_negated_membership_names_the_kind_and_what_is_on_record():
    text = said(
        {"!": {"in": ["home", {"var": "intervention_kinds"}]}},
        {"intervention_kinds": ["cash"]},
        True,
    )
    assert _("home service") in text and "home" not in text.replace(_("home service"), "")
    assert "intervention_kinds" not in text and text.endswith(_(MET))


def test_and_or_not_inside_a_condition_read_as_words():
    logic = {
        "or": [
            {"and": [{">": [{"var": "minors"}, 0]}, {"<=": [{"var": "isee"}, 30000]}]},
            {"!": {"==": [{"var": "size"}, 1]}},
        ]
    }
    text = said(logic, {"minors": 2, "isee": 12000.0, "size": 4}, True)
    assert f" {_('and')} " in text and f" {_('or')} " in text
    assert _("it is not true that %(condition)s") % {"condition": ""} in text
    assert "ISEE 12.000 € ≤ 30.000 €" in text
    assert "minors" not in text and "size" not in text


def test_a_missing_fact_is_named_and_the_outcome_unknown():
    text = said({">": [{"var": "rent_yearly"}, 0]}, {"rent_yearly": None}, None, ["rent_yearly"])
    assert text == f"{_('Yearly rent')}: {_('not available')}: {_(UNKNOWN)}"
    assert "rent_yearly" not in text


def test_a_null_test_reads_known():
    text = said({"!=": [{"var": "isee"}, None]}, {"isee": 100}, True)
    assert text.startswith(_("%(fact)s is known") % {"fact": "ISEE 100 €"})


def test_a_share_of_an_amount_reads_as_a_percentage():
    logic = {">": [{"var": "rent_yearly"}, {"*": [0.4, {"var": "income.total"}]}]}
    text = said(logic, {"rent_yearly": 9000, "income.total": 20000}, True)
    assert "9.000 €" in text and "40%" in text and "20.000 €" in text
    assert "income.total" not in text and "rent_yearly" not in text


def test_a_judged_rule_is_explained_in_sentences():
    rule = Rule({"and": [{">": [{"var": "rent_yearly"}, 0]}, {"<=": [{"var": "isee"}, 15000]}]})
    judgement = rule.judge({"rent_yearly": 7200.0, "isee": None})
    lines = [line["text"] for line in explaining.sentences(judgement.explanation())]
    assert lines == [
        f"{_('Yearly rent')} 7.200 € > 0 €: {_(MET)}",
        f"ISEE: {_('not available')}: {_(UNKNOWN)}",
    ]


def test_an_explanation_stored_as_text_only_still_names_facts_by_label():
    stored = [{"condition": "rent_yearly > 0", "result": True, "values": {"rent_yearly": 7200}}]
    (line,) = explaining.sentences(stored)
    assert line["text"] == f"{_('Yearly rent')} 7.200 € > 0: {_(MET)}"


def test_an_alert_page_explains_in_italian_words(client, make_member):
    worker = make_member("social_worker", zone_number=2)
    rule = Rule({"and": [{">": [{"var": "rent_yearly"}, {"*": [0.4, {"var": "income.total"}]}]}]})
    judgement = rule.judge({"rent_yearly": 9000.0, "income": {"year": 2025, "total": 14000.0}})
    alert, _created = alerts.raise_alert(
        kind="latent_need",
        key="indicator:test:household:1",
        zone_id=SocialZone.objects.get(number=2).pk,
        title="Affitto oltre il 40% del reddito",
        detail={"explanation": judgement.explanation()},
    )
    client.force_login(worker)
    page = client.get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    assert "income.total" not in page and "rent_yearly" not in page
    assert "9.000 €" in page and "14.000 €" in page
    assert _("Household income") in page


def test_a_count_of_members_reads_as_a_number_of_members():
    count = {"reduce": [{"var": "members"}, {"+": [{"var": "accumulator"}, 1]}, 0]}
    text = said({">=": [count, 2]}, {"members": "[3]"}, True)
    assert text == _("number of %(list)s") % {"list": _("Members")} + f" 3 ≥ 2: {_(MET)}"
