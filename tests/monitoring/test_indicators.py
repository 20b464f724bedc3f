"""Each seeded need indicator fires on its scenario and not on a near miss."""

import datetime

import pytest

from siso_platform.monitoring import fact_sheet
from siso_platform.monitoring.eligibility import rule_of
from siso_platform.monitoring.models import IndicatorVersion

from .conftest import ON, give

pytestmark = pytest.mark.django_db


def fires(slug: str, builder) -> bool | None:
    version = IndicatorVersion.objects.get(definition__slug=slug)
    return rule_of(version).applies(fact_sheet.sheet(builder.household, on=ON), today=ON)


def elderly_alone(household, *, age=80, pension=9000):
    home = household()
    home.member(age, income=("2025", {"pension": pension}))
    return home


def test_over_75_alone_with_low_income_and_no_home_care(seeded, household, provider):
    assert fires("anziano-solo-senza-assistenza", elderly_alone(household)) is True
    # near misses: 74 years old; a pension of 12,000; a partner at home; home care running
    assert fires("anziano-solo-senza-assistenza", elderly_alone(household, age=74)) is False
    assert fires("anziano-solo-senza-assistenza", elderly_alone(household, pension=12000)) is False
    couple = elderly_alone(household)
    couple.member(78, relation="spouse", sex="M")
    assert fires("anziano-solo-senza-assistenza", couple) is False
    helped = elderly_alone(household)
    give("B1.01", provider["municipality"], person=helped.members[0], starts_on=ON)
    assert fires("anziano-solo-senza-assistenza", helped) is False


def test_over_75_alone_without_any_income_on_record_is_undetermined(seeded, household):
    home = household()
    home.member(82)
    assert fires("anziano-solo-senza-assistenza", home) is None


def family_renting(household, *, rent, income=20000, child_age=8):
    home = household()
    parent = home.member(40, income=("2025", {"employment": income}))
    home.member(child_age, relation="child")
    home.rental(rent, person=parent)
    return home


def test_minors_and_rent_over_40_percent_of_income(seeded, household):
    assert fires("affitto-oltre-40-per-cento", family_renting(household, rent=8001)) is True
    assert fires("affitto-oltre-40-per-cento", family_renting(household, rent=8000)) is False
    grown_up = family_renting(household, rent=9000, child_age=18)
    assert fires("affitto-oltre-40-per-cento", grown_up) is False


def arrears_and_contract(household, *, arrears=250.0, days_left=60):
    home = household()
    tenant = home.member(50)
    home.fact(
        "local_tax",
        {"tax": "TARI", "year": 2025, "arrears": arrears},
        key="TARI-2025",
        person=tenant,
    )
    home.rental(6000, end=ON + datetime.timedelta(days=days_left), person=tenant)
    return home


def test_tax_arrears_and_a_rental_ending_within_90_days(seeded, household):
    slug = "morosita-e-contratto-in-scadenza"
    assert fires(slug, arrears_and_contract(household)) is True
    assert fires(slug, arrears_and_contract(household, days_left=90)) is True
    assert fires(slug, arrears_and_contract(household, days_left=91)) is False
    assert fires(slug, arrears_and_contract(household, arrears=0)) is False
    open_ended = household()
    tenant = open_ended.member(50)
    open_ended.fact("local_tax", {"arrears": 300}, key="TARI-2025", person=tenant)
    open_ended.rental(6000, person=tenant)  # no end date: not ending
    assert fires(slug, open_ended) is False


def test_a_disabled_member_without_any_disability_intervention(seeded, household, provider):
    slug = "disabilita-senza-interventi"
    home = household()
    home.member(45)
    home.member(15, relation="child", disability=("", {"civil_invalidity_percent": 75}))
    assert fires(slug, home) is True
    supported = household()
    supported.member(45)
    child = supported.member(
        15, relation="child", disability=("", {"civil_invalidity_percent": 75})
    )
    give("C1.02", provider["municipality"], person=child, starts_on=ON)
    assert fires(slug, supported) is False
    nobody_disabled = household()
    nobody_disabled.member(45)
    assert fires(slug, nobody_disabled) is False
