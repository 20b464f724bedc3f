"""The issue's acceptance scenarios, on hand-built households."""

import datetime

import pytest

from siso_platform.casework.models import CatalogueItem
from siso_platform.monitoring import detection, eligibility, fact_sheet
from siso_platform.monitoring.models import (
    Alert,
    AlertKind,
    ComplementaryItems,
    MonitoringSettings,
    Outcome,
)

from .conftest import ON, give, note_need

pytestmark = pytest.mark.django_db


def test_an_overlap_across_two_providers_raises_one_double_funding_alert(
    household, provider, django_capture_on_commit_callbacks
):
    person = household().member(45)
    with django_capture_on_commit_callbacks(execute=True):
        give(
            "E1.01",
            provider["municipality"],
            person=person,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 3, 31),
        )
        give("E1.06", provider["inps"], person=person, starts_on=datetime.date(2026, 3, 31))

    (alert,) = Alert.objects.filter(kind=AlertKind.OVERLAP)
    assert alert.person == person
    assert alert.detail["from"] == "2026-03-31" and alert.detail["to"] == "2026-03-31"
    assert alert.detail["providers"] == [provider["municipality"].name, "INPS"]
    assert alert.zone.number == 2


def test_no_overlap_from_one_provider_or_periods_that_only_touch(household, provider):
    person = household().member(45)
    give("E1.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 1, 1))
    give("E1.03", provider["municipality"], person=person, starts_on=datetime.date(2026, 2, 1))
    give(
        "E1.06",
        provider["inps"],
        person=person,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )

    assert detection.detect_overlaps(person_ids=[person.pk]) == 0


def test_complementary_items_raise_no_overlap(household, provider):
    ComplementaryItems.objects.create(
        first=CatalogueItem.objects.get(code="E1.06"),
        second=CatalogueItem.objects.get(code="E2.01"),
        reason="I buoni spesa integrano l'assegno di inclusione",
    )
    person = household().member(45)
    give("E2.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 1, 1))
    give("E1.06", provider["inps"], person=person, starts_on=datetime.date(2026, 1, 1))

    assert detection.detect_overlaps(person_ids=[person.pk]) == 0
    # a third economic benefit, not declared complementary, still overlaps with the INPS one
    give("E1.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 2, 1))
    assert detection.detect_overlaps(person_ids=[person.pk]) == 1
    assert Alert.objects.get().detail["items"] == ["E1.06", "E1.01"]


def test_a_resolved_overlap_does_not_come_back(household, provider, social_worker):
    from siso_platform.monitoring import alerts

    person = household().member(45)
    give("E1.01", provider["municipality"], person=person, starts_on=datetime.date(2026, 1, 1))
    give("E1.06", provider["inps"], person=person, starts_on=datetime.date(2026, 1, 1))
    detection.detect_overlaps(person_ids=[person.pk])
    alerts.resolve(Alert.objects.get(), reason="Importi concordati con l'INPS", by=social_worker)

    assert detection.detect_overlaps(person_ids=[person.pk]) == 0
    assert Alert.objects.get().status == "resolved"


def test_an_unmet_need_past_the_threshold_raises_a_gap_alert(household, provider):
    settings = MonitoringSettings.load()
    settings.gap_days = 60
    settings.save()
    waiting = household().member(50)
    note_need(waiting, "housing", noted_on=ON - datetime.timedelta(days=61))
    recent = household().member(50)
    note_need(recent, "housing", noted_on=ON - datetime.timedelta(days=60))
    helped = household().member(50)
    note_need(helped, "housing", noted_on=ON - datetime.timedelta(days=200))
    give("E1.02", provider["municipality"], person=helped, starts_on=ON - datetime.timedelta(100))

    assert detection.detect_gaps([waiting.pk, recent.pk, helped.pk], today=ON) == 1
    (alert,) = Alert.objects.filter(kind=AlertKind.GAP)
    assert alert.person == waiting and alert.detail["days"] == 61


def test_a_need_waits_again_from_the_end_of_its_last_intervention(household, provider):
    person = household().member(50)
    note_need(person, "care", noted_on=datetime.date(2025, 1, 1))
    give(
        "B1.01",
        provider["municipality"],
        person=person,
        starts_on=datetime.date(2025, 1, 10),
        ends_on=ON - datetime.timedelta(days=30),
        status="ended",
    )

    assert detection.detect_gaps([person.pk], today=ON) == 0
    assert detection.detect_gaps([person.pk], today=ON + datetime.timedelta(days=32)) == 1


def test_an_eligible_household_receiving_nothing(household, programme):
    version = programme("sostegno", "E1.01", {"<=": [{"var": "isee"}, 6000]})
    family = household()
    family.member(40)
    family.isee(4800.5)

    (check,) = eligibility.check_household(family.household, on=ON)

    assert check.outcome == Outcome.ELIGIBLE and not check.receiving
    assert check.programme == version
    assert check.explanation == [
        {
            "condition": "isee ≤ 6000",
            "result": True,
            "values": {"isee": 4800.5},
            "missing": [],
            "logic": {"<=": [{"var": "isee"}, 6000]},
        }
    ]


def test_a_household_without_isee_is_undetermined_and_the_missing_fact_is_named(
    household, programme
):
    programme(
        "affitto",
        "E1.02",
        {"and": [{">": [{"var": "rent_yearly"}, 0]}, {"<=": [{"var": "isee"}, 15000]}]},
    )
    family = household()
    family.member(40)
    family.rental(7200)

    (check,) = eligibility.check_household(family.household, on=ON)

    assert check.outcome == Outcome.UNDETERMINED
    assert check.missing == ["isee"]
    assert check.explanation[1]["condition"] == "isee ≤ 15000"
    assert check.explanation[1]["result"] is None


def test_a_missing_fact_does_not_matter_when_another_condition_fails(household, programme):
    programme(
        "affitto",
        "E1.02",
        {"and": [{">": [{"var": "rent_yearly"}, 0]}, {"<=": [{"var": "isee"}, 15000]}]},
    )
    family = household()
    family.member(40)  # no rental, no ISEE

    (check,) = eligibility.check_household(family.household, on=ON)

    assert check.outcome == Outcome.NOT_ELIGIBLE
    assert check.missing == ["isee"]


def test_fact_sheet_reads_household_and_person_facts(household, provider):
    family = household()
    mother = family.member(38, income=("2025", {"employment": 14000, "other": 1000}))
    family.member(9, relation="child")
    family.rental(6000, person=mother)
    family.fact("rental", {"yearly_rent": 1200}, key="GARAGE")
    family.fact(
        "local_tax", {"tax": "TARI", "year": 2025, "arrears": 120.5}, key="TARI-2025", person=mother
    )
    give("E2.02", provider["municipality"], household=family.household, starts_on=ON)

    sheet = fact_sheet.sheet(family.household, on=ON)

    assert sheet["size"] == 2 and sheet["minors"] == 1
    assert sheet["income"] == {"year": 2025, "total": 15000.0}
    assert sheet["rent_yearly"] == 7200.0
    assert sheet["local_tax_arrears"] == 120.5
    assert sheet["isee"] is None
    assert sheet["intervention_items"] == ["E2.02"]
    assert [m["age"] for m in sheet["members"]] == [38, 9]


def test_fact_sheets_take_the_same_queries_for_one_household_or_many(
    household, provider, django_assert_num_queries
):
    homes = []
    for _ in range(3):
        home = household()
        person = home.member(70, income=("2025", {"pension": 9000}))
        home.isee(7000)
        give("B1.01", provider["municipality"], person=person, starts_on=ON)
        note_need(person, "care", noted_on=ON)
        homes.append(home.household.pk)

    with django_assert_num_queries(7):
        one = fact_sheet.sheets(homes[:1], on=ON)
    with django_assert_num_queries(7):
        many = fact_sheet.sheets(homes, on=ON)
    assert many[homes[0]] == one[homes[0]]
    assert many[homes[2]]["need_categories"] == ["care"]
