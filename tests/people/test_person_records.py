import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from siso_platform.people.facts import HistoryConflict, join_household, record_fact
from siso_platform.people.models import Fact, HouseholdMembership, Person

from ..factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def rossi(**overrides) -> Person:
    fields = dict(
        tax_code="RSSMRA80A01H501U",
        last_name="Rossi",
        first_name="Mario",
        sex="M",
        birth_date=D(1980, 1, 1),
        birth_place_code="H501",
    )
    return Person(**(fields | overrides))


def test_a_consistent_person_is_valid():
    person = rossi(tax_code=" rssmra80a01h501u ")
    person.full_clean()
    assert person.tax_code == "RSSMRA80A01H501U"
    assert person.birth_place == "Roma (RM)"


def test_a_birth_date_that_contradicts_the_code_names_the_field(english):
    with pytest.raises(ValidationError) as caught:
        rossi(birth_date=D(1980, 1, 2)).full_clean()
    assert set(caught.value.message_dict) == {"birth_date"}


def test_sex_and_birthplace_are_cross_checked(english):
    with pytest.raises(ValidationError) as caught:
        rossi(sex="F", birth_place_code="F205").full_clean()
    assert set(caught.value.message_dict) == {"sex", "birth_place_code"}


def test_a_wrong_check_character_says_what_was_expected(english):
    with pytest.raises(ValidationError) as caught:
        rossi(tax_code="RSSMRA80A01H501A").full_clean()
    message = caught.value.message_dict["tax_code"][0]
    assert "check character" in message and "'U'" in message and "'A'" in message


def test_the_italian_message_is_shipped():
    with pytest.raises(ValidationError) as caught:
        rossi(tax_code="RSSMRA80A01H501A").full_clean()
    assert "carattere di controllo" in caught.value.message_dict["tax_code"][0].lower()


def test_an_omocodic_code_is_accepted():
    rossi(tax_code="RSSMRA80A01H50MM").full_clean()


def test_a_provisional_code_is_accepted_and_flagged():
    person = rossi(tax_code="12345678903", birth_place_code="")
    person.full_clean()
    assert person.provisional_tax_code


def test_a_missing_birthplace_is_taken_from_the_code():
    person = rossi(birth_place_code="")
    person.full_clean()
    assert person.birth_place_code == "H501"


def test_a_new_fact_value_closes_the_previous_period_and_keeps_history():
    person = PersonFactory()
    first, changed = record_fact(
        person, "isee", {"isee": 9000}, valid_from=D(2025, 1, 1), source="operator"
    )
    assert changed
    same, changed = record_fact(
        person, "isee", {"isee": 9000}, valid_from=D(2025, 6, 1), source="operator"
    )
    assert (same.pk, changed) == (first.pk, False)
    second, changed = record_fact(
        person, "isee", {"isee": 12000}, valid_from=D(2026, 1, 1), source="registry"
    )
    first.refresh_from_db()
    assert first.valid_to == D(2026, 1, 1) and first.value == {"isee": 9000}
    assert list(Fact.objects.current().filter(person=person)) == [second]
    assert Fact.objects.current(on=D(2025, 7, 1)).get(person=person) == first


def test_a_fact_cannot_start_before_the_current_one():
    person = PersonFactory()
    record_fact(person, "isee", {"isee": 1}, valid_from=D(2026, 1, 1), source="operator")
    with pytest.raises(HistoryConflict):
        record_fact(person, "isee", {"isee": 2}, valid_from=D(2025, 1, 1), source="operator")


def test_facts_with_different_keys_coexist():
    household = HouseholdFactory()
    record_fact(household, "property", {"share": 50}, key="U1", valid_from=D(2026, 1, 1),
                source="property")  # fmt: skip
    record_fact(household, "property", {"share": 100}, key="U2", valid_from=D(2026, 1, 1),
                source="property")  # fmt: skip
    assert Fact.objects.current().filter(household=household).count() == 2


def test_moving_to_another_household_closes_the_old_membership():
    person, first, second = PersonFactory(), HouseholdFactory(), HouseholdFactory()
    old, _ = join_household(person, first, "head", since=D(2020, 1, 1))
    new, _ = join_household(person, second, "child", since=D(2025, 3, 1))
    old.refresh_from_db()
    assert old.valid_to == D(2025, 3, 1)
    assert HouseholdMembership.objects.current().get(person=person) == new


def test_the_database_refuses_two_current_households_for_one_person():
    person = PersonFactory()
    HouseholdMembership.objects.create(
        person=person, household=HouseholdFactory(), relation="head", valid_from=D(2020, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMembership.objects.create(
            person=person, household=HouseholdFactory(), relation="head", valid_from=D(2021, 1, 1)
        )


def test_an_overlapping_membership_is_refused_by_validation(english):
    person = PersonFactory()
    HouseholdMembership.objects.create(
        person=person,
        household=HouseholdFactory(),
        relation="head",
        valid_from=D(2020, 1, 1),
        valid_to=D(2022, 1, 1),
    )
    overlapping = HouseholdMembership(
        person=person, household=HouseholdFactory(), relation="head", valid_from=D(2021, 1, 1)
    )
    with pytest.raises(ValidationError, match="already belongs"):
        overlapping.full_clean()
