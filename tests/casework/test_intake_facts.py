"""The intake's facts reach the record: ISEE, rent, household size and citizenship become
facts of the household or person, sourced to the submission, and monitoring reads them."""

import datetime

import pytest
from django.utils import timezone, translation

from forms.models import FormVersion
from forms.submitting import submit
from forms.views import start_draft
from siso_platform.monitoring import fact_sheet
from siso_platform.people.facts import join_household
from siso_platform.people.models import Fact, FactKind
from tests.factories import HouseholdFactory

ANSWERS = {
    "last_name": "Rossi",
    "first_name": "Mario",
    "birth_date": "1980-01-01",
    "citizenship_kind": "non_eu",
    "residence_permit": "valid",
    "tenure": "rented",
    "rent": "450,50",
    "eviction": "false",
    "work_status": "employed",
    "monthly_income": "1.250,00",
    "debts": "false",
    "isee": "4.500,00",
    "need_areas": ["economic"],
    "request_text": "Aiuto per l'affitto",
    "urgency": "medium",
    "consent": "true",
}


@pytest.fixture
def household(person_in_zone):
    person = person_in_zone(2, last_name="Rossi", first_name="Mario")
    household = HouseholdFactory(municipality=person.residence_municipality)
    join_household(person, household, "head", since=datetime.date(2020, 1, 1))
    return household


def submitted(intake, person, operator):
    version = FormVersion.objects.get(definition=intake)
    with translation.override("it"):
        return submit(
            version,
            person,
            {**ANSWERS, "tax_code": person.tax_code},
            user=operator,
            channel="web",
        )


def test_an_intake_in_italian_numbers_gives_the_household_its_isee_and_rent(
    intake, household, operator
):
    person = household.memberships.get().person
    submission = submitted(intake, person, operator)
    assert submission.answers["isee"] == 4500
    assert submission.answers["monthly_income"] == 1250

    sheet = fact_sheet.sheet(household, on=timezone.localdate())
    assert sheet["isee"] == 4500
    assert sheet["isee_year"] == str(timezone.localdate().year)
    assert sheet["rent_yearly"] == pytest.approx(450.5 * 12)
    isee = Fact.objects.get(household=household, kind=FactKind.ISEE)
    assert (isee.source, isee.source_reference) == ("questionnaire", str(submission.uuid))
    assert isee.recorded_by == operator
    size = Fact.objects.get(household=household, kind=FactKind.OTHER, key="declared_size")
    assert size.value == {"size": 1}


def test_citizenship_is_kept_and_not_asked_again(intake, household, operator):
    person = household.memberships.get().person
    submitted(intake, person, operator)
    fact = Fact.objects.get(person=person, kind=FactKind.REGISTRY, key="citizenship_kind")
    assert fact.value == {"citizenship_kind": "non_eu"}

    version = FormVersion.objects.get(definition=intake)
    draft = start_draft(version, person, operator)
    assert draft.state["extra_data"]["prefill"]["citizenship_kind"] == "non_eu"


def test_a_second_intake_with_a_new_isee_closes_the_first(intake, household, operator):
    person = household.memberships.get().person
    submitted(intake, person, operator)
    version = FormVersion.objects.get(definition=intake)
    with translation.override("it"):
        second = submit(
            version,
            person,
            {**ANSWERS, "tax_code": person.tax_code, "isee": "6.000"},
            user=operator,
            channel="web",
        )
    facts = Fact.objects.filter(household=household, kind=FactKind.ISEE)
    assert facts.count() == 2  # history kept, never overwritten
    assert fact_sheet.sheet(household, on=timezone.localdate())["isee"] == 6000
    assert facts.get(valid_to__isnull=True).source_reference == str(second.uuid)
