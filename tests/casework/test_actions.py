"""What operators notice when they record casework: the changes accepted, the ones refused
(with the field to correct and a message saying why) and that a refusal writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions
from siso_platform.casework.models import (
    Access,
    Assignment,
    CarePlan,
    Case,
    CaseStatus,
    CatalogueItem,
    ClosingOutcome,
    Intervention,
    InterventionStatus,
    NeedCategory,
    NeedOrigin,
    NeedStatus,
)
from siso_platform.people.facts import join_household

from ..factories import HouseholdFactory

pytestmark = pytest.mark.django_db

JAN_12 = datetime.date(2026, 1, 12)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def refusal(call, *args, **kwargs) -> dict:
    """The problems a refused action names, by field."""
    with pytest.raises(ValidationError) as refused:
        call(*args, **kwargs)
    return refused.value.message_dict


@pytest.fixture
def record(operator, case, municipality_org):
    """Record an intervention for the case's person, from the day the case opened."""

    def make(item, **values):
        values.setdefault("case", case)
        values.setdefault("person", case.person)
        values.setdefault("starts_on", case.opened_on)
        return actions.record_intervention(
            by=operator, item=item, provider=municipality_org, **values
        )

    return make


@pytest.fixture
def january_case(operator, office, person_in_zone):
    """A case opened on 12 January 2026, without needs."""
    return actions.open_case(by=operator, person=person_in_zone(2), office=office, opened_on=JAN_12)


def close(case, by, **values):
    values.setdefault("closed_on", case.opened_on)
    values.setdefault("outcome", ClosingOutcome.GOALS_REACHED)
    return actions.close_case(case, by=by, **values)


# Interventions: the acceptance rules.


def test_an_intervention_cannot_end_before_it_starts(english, record, cash_item):
    problems = refusal(
        record,
        cash_item,
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 9),
        amount=Decimal("100"),
    )
    assert problems == {"ends_on": ["The end date cannot be before the start date."]}
    assert not Intervention.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.intervention").exists()


def test_an_intervention_may_last_a_single_day(record, cash_item):
    day = datetime.date(2026, 3, 10)
    intervention = record(cash_item, starts_on=day, ends_on=day, amount=Decimal("100"))
    assert Intervention.objects.get().pk == intervention.pk


@pytest.mark.parametrize(
    ("item_fixture", "values", "field"),
    [
        ("cash_item", {"amount": Decimal("-0.01")}, "amount"),
        ("home_care_item", {"quantity": Decimal("-2")}, "quantity"),
        ("home_care_item", {"quantity": Decimal("2"), "amount": Decimal("-30")}, "amount"),
    ],
)
def test_an_amount_or_quantity_cannot_be_negative(
    english, request, record, item_fixture, values, field
):
    item = request.getfixturevalue(item_fixture)
    problems = refusal(record, item, **values)
    assert problems == {field: ["An amount or quantity cannot be negative."]}
    assert not Intervention.objects.exists()


def test_a_zero_amount_is_accepted(record, cash_item):
    assert record(cash_item, amount=Decimal("0")).amount == 0


def test_a_closed_case_cannot_receive_new_interventions(english, record, case, operator, cash_item):
    close(case, by=operator)
    # `case` still says "open" in memory: the refusal must come from the stored case.
    assert case.status == CaseStatus.OPEN
    problems = refusal(record, cash_item, amount=Decimal("100"))
    assert problems == {"case": ["The case is closed: it cannot receive new interventions."]}
    assert not Intervention.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.intervention").exists()


# Interventions: the unit of the catalogue item, the status, the catalogue, the need.


def test_a_euro_item_needs_an_amount(english, record, cash_item):
    problems = refusal(record, cash_item, quantity=Decimal("3"))
    assert problems == {"amount": ["Enter the amount in euro for this intervention."]}
    assert not Intervention.objects.exists()


def test_an_hours_item_needs_a_quantity(english, record, home_care_item):
    problems = refusal(record, home_care_item, amount=Decimal("120"))
    assert problems == {"quantity": ["Enter the number of hours for this intervention."]}
    recorded = record(home_care_item, quantity=Decimal("12"))
    assert list(Intervention.objects.all()) == [recorded]
    assert recorded.quantity == Decimal("12")
    assert recorded.amount is None


def test_an_ended_intervention_needs_its_end_date(english, record, cash_item):
    problems = refusal(record, cash_item, amount=Decimal("50"), status=InterventionStatus.ENDED)
    assert problems == {"ends_on": ["An ended intervention needs its end date."]}
    assert not Intervention.objects.exists()


def test_ending_an_intervention_without_end_date_is_refused_and_not_saved(
    english, record, operator, cash_item
):
    intervention = record(cash_item, amount=Decimal("50"), status=InterventionStatus.ACTIVE)
    problems = refusal(
        actions.change_intervention, intervention, by=operator, status=InterventionStatus.ENDED
    )
    assert problems == {"ends_on": ["An ended intervention needs its end date."]}
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.ACTIVE


def test_a_retired_catalogue_item_cannot_be_recorded(english, record, cash_item):
    CatalogueItem.objects.filter(pk=cash_item.pk).update(active=False)
    cash_item.refresh_from_db()
    problems = refusal(record, cash_item, amount=Decimal("100"))
    assert problems == {"item": ["This catalogue item is retired and cannot be recorded any more."]}
    assert not Intervention.objects.exists()


def test_an_intervention_cannot_answer_a_need_of_another_case(
    english, record, case, operator, office, category, person_in_zone, cash_item
):
    other = actions.open_case(
        by=operator, person=person_in_zone(2), office=office, needs=[category]
    )
    problems = refusal(record, cash_item, amount=Decimal("100"), need=other.needs.get())
    assert problems == {"need": ["The need belongs to another case."]}
    assert not Intervention.objects.exists()
    # The case's own need is fine.
    own = case.needs.get()
    assert record(cash_item, amount=Decimal("100"), need=own).need == own


# Accesses.


def test_an_access_cannot_be_in_the_future(english, operator, office, person_in_zone):
    person = person_in_zone(2)
    values = dict(
        by=operator,
        office=office,
        person=person,
        channel="phone",
        reason="Sfratto",
        outcome="information",
    )
    with freeze_time("2026-03-10 12:00"):
        problems = refusal(actions.register_access, date=datetime.date(2026, 3, 11), **values)
        assert problems == {"date": ["An access cannot be in the future."]}
        assert not Access.objects.exists()
        assert actions.register_access(date=datetime.date(2026, 3, 10), **values).pk


def test_today_is_the_date_in_italy(operator, office, person_in_zone):
    # 23:30 UTC on 10 March is already 00:30 on 11 March in Perugia.
    with freeze_time("2026-03-10 23:30"):
        access = actions.register_access(
            by=operator,
            office=office,
            person=person_in_zone(2),
            channel="in_person",
            reason="Richiesta di aiuto",
            outcome="information",
            date=datetime.date(2026, 3, 11),
        )
        assert actions.register_access(
            by=operator,
            office=office,
            person=access.person,
            channel="in_person",
            reason="Di nuovo",
            outcome="information",
        ).date == datetime.date(2026, 3, 11)


@pytest.mark.parametrize("referred_to", ["", "   "])
def test_a_referral_says_where_the_person_was_sent(
    english, operator, office, person_in_zone, referred_to
):
    values = dict(
        by=operator,
        office=office,
        person=person_in_zone(2),
        channel="in_person",
        reason="Cerca lavoro",
        outcome="referral",
    )
    problems = refusal(actions.register_access, referred_to=referred_to, **values)
    assert problems == {"referred_to": ["Say which service the person was referred to."]}
    assert not Access.objects.exists()
    access = actions.register_access(referred_to="Centro per l'impiego", **values)
    assert access.referred_to == "Centro per l'impiego"


def test_registering_an_access_is_audited_with_the_person(english, access, operator):
    event = AuditEvent.objects.get(object_type="casework.access", object_id=str(access.pk))
    assert event.action == "create"
    assert event.person_id == access.person_id
    assert event.actor == operator
    assert event.purpose == "access registered"


# Opening a case.


def test_a_case_belongs_to_the_zone_of_the_office_that_opens_it(operator, office, person_in_zone):
    resident_of_zone_5 = person_in_zone(5)
    case = actions.open_case(by=operator, person=resident_of_zone_5, office=office)
    assert case.zone == office.municipality.zone
    assert case.zone.number == 2
    assert case.office == office
    assert case.status == CaseStatus.OPEN


def test_a_case_is_about_the_persons_current_household(operator, office, person_in_zone):
    person = person_in_zone(2)
    former, current = HouseholdFactory(), HouseholdFactory()
    join_household(person, former, "child", since=datetime.date(2000, 1, 1))
    join_household(person, current, "head", since=datetime.date(2024, 5, 1))
    case = actions.open_case(by=operator, person=person, office=office)
    assert case.household == current


def test_a_case_of_a_person_without_household_has_none(operator, office, person_in_zone):
    case = actions.open_case(by=operator, person=person_in_zone(2), office=office)
    assert case.household is None


def test_a_second_open_case_in_the_same_zone_is_refused(english, case, operator, office):
    person = case.person
    problems = refusal(actions.open_case, by=operator, person=person, office=office)
    assert problems == {
        "person": [
            f"{person.first_name} {person.last_name} already has an open case in this zone "
            f"(case {case.pk})."
        ]
    }
    assert list(Case.objects.all()) == [case]


def test_a_person_may_have_open_cases_in_two_zones(case, make_member):
    zone5_operator = make_member(Role.OPERATOR, zone_number=5)
    zone5_office = zone5_operator.memberships.get().office
    other = actions.open_case(by=zone5_operator, person=case.person, office=zone5_office)
    assert other.zone.number == 5
    assert Case.objects.open().filter(person=case.person).count() == 2


def test_a_closed_case_does_not_stop_a_new_one(case, operator, office):
    close(case, by=operator)
    again = actions.open_case(by=operator, person=case.person, office=office)
    assert again.pk != case.pk
    assert again.status == CaseStatus.OPEN


def test_the_needs_named_at_opening_are_noted_as_expressed(operator, office, person_in_zone):
    person = person_in_zone(2)
    economic, housing = (
        NeedCategory.objects.get(code="economic"),
        NeedCategory.objects.get(code="housing"),
    )
    case = actions.open_case(
        by=operator, person=person, office=office, opened_on=JAN_12, needs=[economic, housing]
    )
    assert {
        (need.category.code, need.origin, need.status, need.person_id, need.recorded_by_id)
        for need in case.needs.all()
    } == {
        ("economic", NeedOrigin.EXPRESSED, NeedStatus.OPEN, person.pk, operator.pk),
        ("housing", NeedOrigin.EXPRESSED, NeedStatus.OPEN, person.pk, operator.pk),
    }


def test_a_new_case_has_an_empty_care_plan(case):
    plan = CarePlan.objects.get(case=case)
    assert plan.summary == ""
    assert not plan.goals.exists()


# The care plan.


def test_updating_the_care_plan_replaces_its_goals(january_case, operator):
    actions.update_care_plan(
        january_case,
        by=operator,
        summary="Ritrovare un'autonomia economica",
        agreed_on=JAN_12,
        review_on=datetime.date(2026, 6, 30),
        goals=[{"description": "Iscrizione al centro per l'impiego"}, {"description": "ISEE"}],
    )
    plan = actions.update_care_plan(
        january_case,
        by=operator,
        summary="Trovare un lavoro",
        agreed_on=JAN_12,
        review_on=datetime.date(2026, 9, 30),
        goals=[
            {"description": "Corso di formazione", "due_on": datetime.date(2026, 5, 31)},
            {"description": "Colloqui di lavoro"},
        ],
    )
    plan = CarePlan.objects.get(case=january_case)
    assert [goal.description for goal in plan.goals.all()] == [
        "Corso di formazione",
        "Colloqui di lavoro",
    ]
    assert plan.summary == "Trovare un lavoro"
    assert plan.review_on == datetime.date(2026, 9, 30)
    assert plan.goals.first().due_on == datetime.date(2026, 5, 31)


def test_the_review_cannot_come_before_the_case_opened(english, january_case, operator):
    problems = refusal(
        actions.update_care_plan,
        january_case,
        by=operator,
        summary="Trovare un lavoro",
        agreed_on=None,
        review_on=JAN_12 - days(1),
        goals=[{"description": "Corso di formazione"}],
    )
    assert problems == {"review_on": ["The review date cannot be before the case was opened."]}
    plan = CarePlan.objects.get(case=january_case)
    assert plan.summary == ""
    assert not plan.goals.exists()
    # On the opening day itself it is fine.
    actions.update_care_plan(
        january_case, by=operator, summary="", agreed_on=None, review_on=JAN_12, goals=[]
    )
    assert CarePlan.objects.get(case=january_case).review_on == JAN_12


# Closing a case.


def test_a_case_cannot_close_while_interventions_are_planned_or_active(
    english, record, case, operator, cash_item, home_care_item
):
    planned = record(home_care_item, quantity=Decimal("10"))
    active = record(cash_item, amount=Decimal("200"), status=InterventionStatus.ACTIVE)
    record(
        CatalogueItem.objects.get(code="A2.01"),
        quantity=Decimal("1"),
        status=InterventionStatus.ENDED,
        ends_on=case.opened_on,
    )
    problems = refusal(close, case, by=operator)
    assert set(problems) == {"__all__"}
    [message] = problems["__all__"]
    assert message.startswith("End or suspend these interventions before closing the case: ")
    assert str(home_care_item) in message
    assert str(cash_item) in message
    assert "A2.01" not in message  # ended: no obstacle
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.closed_on is None

    actions.change_intervention(planned, by=operator, status=InterventionStatus.SUSPENDED)
    actions.change_intervention(
        active, by=operator, status=InterventionStatus.ENDED, ends_on=case.opened_on
    )
    closed = close(case, by=operator)
    assert closed.status == CaseStatus.CLOSED


def test_a_case_cannot_close_before_it_opened(english, january_case, operator):
    problems = refusal(close, january_case, by=operator, closed_on=JAN_12 - days(1))
    assert problems == {"closed_on": ["A case cannot close before it was opened."]}
    january_case.refresh_from_db()
    assert january_case.status == CaseStatus.OPEN


def test_closing_a_case_says_how_it_ends(english, january_case, operator):
    problems = refusal(close, january_case, by=operator, outcome="")
    assert problems == {"closing_outcome": ["Say how the case ends."]}
    january_case.refresh_from_db()
    assert january_case.status == CaseStatus.OPEN


def test_closing_records_the_date_and_outcome(january_case, operator):
    close(
        january_case,
        by=operator,
        closed_on=datetime.date(2026, 4, 1),
        outcome=ClosingOutcome.MOVED,
        note="Trasferito a Roma",
    )
    january_case.refresh_from_db()
    assert january_case.is_closed
    assert january_case.closed_on == datetime.date(2026, 4, 1)
    assert january_case.closing_outcome == ClosingOutcome.MOVED
    assert january_case.closing_note == "Trasferito a Roma"


def test_closing_a_case_ends_its_assignments_on_the_closing_date(january_case, operator, body):
    closing = datetime.date(2026, 4, 1)

    def assign(starts_on, ends_on=None):
        return actions.assign_case(
            january_case, by=operator, body=body, starts_on=starts_on, ends_on=ends_on
        )

    open_ended = assign(JAN_12)
    ending_later = assign(datetime.date(2026, 2, 1), datetime.date(2026, 12, 31))
    ended_before = assign(JAN_12, datetime.date(2026, 2, 28))
    not_begun = assign(datetime.date(2026, 5, 1))

    close(january_case, by=operator, closed_on=closing)

    ends = dict(Assignment.objects.values_list("pk", "ends_on"))
    assert ends == {
        open_ended.pk: closing,
        ending_later.pk: closing,
        ended_before.pk: datetime.date(2026, 2, 28),
    }
    assert not_begun.pk not in ends


# Assigning a case.


def test_a_case_can_only_be_assigned_to_a_third_sector_body(
    english, case, operator, municipality_org, body
):
    problems = refusal(
        actions.assign_case, case, by=operator, body=municipality_org, starts_on=case.opened_on
    )
    assert problems == {"body": ["A case can only be assigned to a third-sector body."]}
    assert not Assignment.objects.exists()
    assignment = actions.assign_case(case, by=operator, body=body, starts_on=case.opened_on)
    assert list(Assignment.objects.all()) == [assignment]


def test_an_assignment_cannot_end_before_it_starts(english, case, operator, body):
    problems = refusal(
        actions.assign_case,
        case,
        by=operator,
        body=body,
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 9),
    )
    assert problems == {"ends_on": ["The end date cannot be before the start date."]}
    assert not Assignment.objects.exists()


def test_a_closed_case_cannot_be_assigned(english, case, operator, body):
    close(case, by=operator)
    # `case` still says "open" in memory (closed meanwhile, e.g. by a colleague): the refusal
    # must come from the stored case, or the body would see the person with no end.
    assert case.status == CaseStatus.OPEN
    problems = refusal(actions.assign_case, case, by=operator, body=body, starts_on=case.opened_on)
    assert problems == {"case": ["The case is closed: it cannot be assigned."]}
    assert not Assignment.objects.exists()
