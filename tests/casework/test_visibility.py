"""Who sees which casework records: zone staff, third-sector bodies while a case is assigned to
them, and regional administrators (nobody)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework import actions, visibility
from siso_platform.casework.models import InterventionStatus

from ..factories import HouseholdFactory, accredited_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_operator(make_member, body):
    return make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body)


@pytest.fixture
def zone5_operator(make_member):
    return make_member(Role.OPERATOR, zone_number=5)


@pytest.fixture
def intervention(case, operator, cash_item, municipality_org):
    return actions.record_intervention(
        by=operator,
        case=case,
        person=case.person,
        item=cash_item,
        provider=municipality_org,
        starts_on=case.opened_on,
        amount=Decimal("300"),
        status=InterventionStatus.ACTIVE,
    )


def at(day: datetime.date):
    """Freeze the clock at midday in Italy on `day`."""
    return freeze_time(f"{day.isoformat()} 10:00")


# Third-sector bodies: only while the case is assigned to them.


@pytest.mark.parametrize(
    ("when", "sees"),
    [
        ("the day before the start", False),
        ("the first day", True),
        ("in the middle", True),
        ("the last day", True),
        ("the day after the end", False),
    ],
)
def test_a_body_sees_the_person_only_during_the_assignment(
    case, intervention, operator, body, body_operator, when, sees
):
    today = timezone.localdate()
    starts_on, ends_on = today + datetime.timedelta(10), today + datetime.timedelta(20)
    actions.assign_case(case, by=operator, body=body, starts_on=starts_on, ends_on=ends_on)
    day = {
        "the day before the start": starts_on - datetime.timedelta(1),
        "the first day": starts_on,
        "in the middle": starts_on + datetime.timedelta(5),
        "the last day": ends_on,
        "the day after the end": ends_on + datetime.timedelta(1),
    }[when]
    with at(day):
        # Both users' memberships are in effect that day: zone staff still see the person.
        assert scoping.can_view_person(operator, case.person)
        assert scoping.can_view_person(body_operator, case.person) is sees
        assert list(visibility.cases(body_operator)) == ([case] if sees else [])
        assert list(visibility.interventions(body_operator)) == ([intervention] if sees else [])


def test_an_open_ended_assignment_lasts_until_it_is_ended(case, operator, body, body_operator):
    today = timezone.localdate()
    assignment = actions.assign_case(case, by=operator, body=body, starts_on=today)
    with at(today + datetime.timedelta(365)):
        assert scoping.can_view_person(body_operator, case.person)
    actions.end_assignment(assignment, by=operator, ends_on=today + datetime.timedelta(30))
    with at(today + datetime.timedelta(30)):
        assert scoping.can_view_person(body_operator, case.person)
    with at(today + datetime.timedelta(31)):
        assert not scoping.can_view_person(body_operator, case.person)


def test_a_body_sees_the_assigned_case_only(
    case, intervention, operator, body, body_operator, zone5_operator, cash_item
):
    person = case.person
    zone5_office = zone5_operator.memberships.get().office
    other_case = actions.open_case(by=zone5_operator, person=person, office=zone5_office)
    actions.record_intervention(
        by=zone5_operator,
        case=other_case,
        person=person,
        item=cash_item,
        provider=Organisation.objects.get(municipality=zone5_office.municipality),
        starts_on=other_case.opened_on,
        amount=Decimal("80"),
    )
    assert not scoping.can_view_person(body_operator, person)

    actions.assign_case(case, by=operator, body=body, starts_on=timezone.localdate())

    assert scoping.can_view_person(body_operator, person)
    assert list(visibility.cases(body_operator)) == [case]
    assert list(visibility.interventions(body_operator)) == [intervention]
    assert set(visibility.needs(body_operator)) == set(case.needs.all())
    # Not the person's contacts with the offices, which zone staff do see.
    assert not visibility.accesses(body_operator).exists()
    assert visibility.accesses(operator).filter(pk=case.access_id).exists()
    assert not visibility.sees_whole_record(body_operator, person)


def test_a_body_reads_but_cannot_change(case, operator, body, body_operator):
    actions.assign_case(case, by=operator, body=body, starts_on=timezone.localdate())
    assert scoping.persons(body_operator).filter(pk=case.person_id).exists()
    assert not scoping.persons(body_operator, change=True).filter(pk=case.person_id).exists()
    assert not scoping.can_change_person(body_operator, case.person)
    assert not visibility.cases(body_operator, change=True).exists()
    # Zone staff change the case of their zone.
    assert list(visibility.cases(operator, change=True)) == [case]


def test_a_body_sees_nothing_of_cases_assigned_to_another_body(case, operator, make_member):
    other_body = accredited_body("Altra Cooperativa").organisation
    actions.assign_case(case, by=operator, body=other_body, starts_on=timezone.localdate())
    outsider = make_member(
        Role.THIRD_SECTOR_OPERATOR,
        organisation=Organisation.objects.create(
            kind=OrganisationKind.THIRD_SECTOR_BODY, name="Cooperativa Terza"
        ),
    )
    assert not scoping.can_view_person(outsider, case.person)
    assert not visibility.cases(outsider).exists()


# Zone staff.


def test_staff_of_another_zone_see_nothing_of_the_person(case, intervention, zone5_operator):
    person = case.person
    assert not scoping.can_view_person(zone5_operator, person)
    assert not visibility.cases(zone5_operator).exists()
    assert not visibility.interventions(zone5_operator).exists()
    assert not visibility.needs(zone5_operator).exists()
    assert not visibility.accesses(zone5_operator).exists()


def test_an_access_in_another_zone_lets_its_staff_see_the_person(case, zone5_operator):
    person = case.person
    assert not scoping.can_view_person(zone5_operator, person)
    actions.register_access(
        by=zone5_operator,
        office=zone5_operator.memberships.get().office,
        person=person,
        channel="in_person",
        reason="Di passaggio a Spoleto",
        outcome="information",
    )
    assert scoping.can_view_person(zone5_operator, person)
    # They read the whole record (so a need is not funded twice) but change only their zone's.
    assert list(visibility.cases(zone5_operator)) == [case]
    assert not visibility.cases(zone5_operator, change=True).exists()


def test_a_regional_administrator_sees_no_case(case, intervention, operator, make_member):
    admin = make_member(Role.REGIONAL_ADMIN)
    assert visibility.cases(operator).exists()
    assert not visibility.cases(admin).exists()
    assert not visibility.cases(admin, change=True).exists()
    assert not visibility.interventions(admin).exists()
    assert not visibility.accesses(admin).exists()
    assert not scoping.can_view_person(admin, case.person)


def test_a_household_intervention_is_seen_by_the_zone_of_the_household(
    operator, zone5_operator, cash_item, municipality_org
):
    household = HouseholdFactory()  # in Perugia, zone 2
    given = actions.record_intervention(
        by=operator,
        household=household,
        item=cash_item,
        provider=municipality_org,
        starts_on=datetime.date(2026, 2, 1),
        amount=Decimal("150"),
    )
    assert given.person is None
    assert list(visibility.interventions(operator)) == [given]
    assert not visibility.interventions(zone5_operator).exists()
