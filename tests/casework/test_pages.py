"""The operator's casework pages over HTTP: scope, audit, refusals shown on the form."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions
from siso_platform.casework.models import Access, Case, Intervention
from siso_platform.people.facts import join_household, record_fact
from siso_platform.people.models import Person

from ..factories import HouseholdFactory

D = datetime.date


def views_of(person) -> int:
    return AuditEvent.objects.filter(action="view", person_id=person.pk).count()


def test_opening_a_social_record_is_audited_and_shows_the_history(
    client, operator, case, cash_item, municipality_org
):
    actions.record_intervention(
        by=operator,
        case=case,
        person=case.person,
        item=cash_item,
        provider=municipality_org,
        starts_on=D(2026, 1, 1),
        amount=Decimal("120"),
        status="active",
    )
    client.force_login(operator)
    before = views_of(case.person)
    response = client.get(reverse("casework:person", args=[case.person.pk]))
    assert response.status_code == 200
    assert views_of(case.person) == before + 1
    event = AuditEvent.objects.filter(action="view", person_id=case.person.pk).latest("pk")
    assert (event.actor, event.object_type) == (operator, "people.person")
    page = response.content.decode()
    assert "Richiesta di aiuto economico" in page  # the access
    assert "E1.01" in page and "Comune di Perugia" in page  # the intervention and provider


def test_a_user_without_scope_gets_404_and_no_data(client, case, make_member):
    stranger = make_member(Role.OPERATOR, zone_number=5)
    client.force_login(stranger)
    before = AuditEvent.objects.count()
    for url in (
        reverse("casework:person", args=[case.person.pk]),
        reverse("casework:case", args=[case.pk]),
        reverse("casework:access", args=[case.access_id]),
        reverse("casework:new_intervention", args=[case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert case.person.last_name not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_region_sees_no_social_record(client, case, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    # The region works on no social record: the casework pages are closed to it.
    assert client.get(reverse("casework:person", args=[case.person.pk])).status_code == 403


def test_a_body_sees_only_the_assigned_case_on_the_record(
    english_client, operator, case, body, make_member
):
    record_fact(case.person, "isee", {"isee": 7000}, valid_from=D(2026, 1, 1), source="test")
    actions.assign_case(case, by=operator, body=body, starts_on=D(2026, 1, 1))
    body_operator = make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body)
    with freeze_time("2026-06-01"):
        english_client.force_login(body_operator)
        page = english_client.get(reverse("casework:person", args=[case.person.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Case {case.pk} opened" in text
    assert "Richiesta di aiuto economico" not in text  # the access stays with the zone
    assert "7000" not in text  # so do the facts
    assert "You see the cases assigned to your body only." in text


def test_search_finds_by_code_or_name_within_scope_and_audits_results(
    client, operator, person_in_zone
):
    mine = person_in_zone(2, last_name="Brunetti", first_name="Lia")
    theirs = person_in_zone(5, last_name="Brunetti", first_name="Ada")
    client.force_login(operator)
    by_name = client.get(reverse("casework:persons"), {"q": "brunetti"}).content.decode()
    assert "Lia" in by_name and "Ada" not in by_name
    assert views_of(mine) == 1 and views_of(theirs) == 0
    by_code = client.get(reverse("casework:persons"), {"q": mine.tax_code.lower()})
    assert mine.tax_code in by_code.content.decode()
    by_their_code = client.get(reverse("casework:persons"), {"q": theirs.tax_code})
    assert by_their_code.context["results"] == []  # not followed: only the register card
    [lookup] = AuditEvent.objects.filter(person_id=theirs.pk)
    assert (lookup.object_type, lookup.actor) == ("casework.register_lookup", operator)


def new_person_post(code: str) -> dict:
    return {
        "person-tax_code": code,
        "person-last_name": "Rossi",
        "person-first_name": "Mario",
        "person-sex": "M",
        "person-birth_date": "1980-01-01",
        "person-citizenship": "IT",
        "access-date": "2026-11-02",
        "access-channel": "in_person",
        "access-reason": "Prima volta allo sportello",
        "access-outcome": "information",
    }


@freeze_time("2026-11-03")
def test_a_new_person_and_access_are_saved_together(client, operator, office):
    client.force_login(operator)
    data = new_person_post("RSSMRA80A01H501U") | {"access-office": office.pk}
    response = client.post(reverse("casework:new_person"), data)
    access = Access.objects.get(person__tax_code="RSSMRA80A01H501U")
    assert response["Location"] == reverse("casework:access", args=[access.pk])
    assert (access.office, access.recorded_by, access.date) == (office, operator, D(2026, 11, 2))


@freeze_time("2026-11-03")
def test_a_wrong_tax_code_names_the_field_and_saves_nothing(english_client, operator, office):
    english_client.force_login(operator)
    data = new_person_post("RSSMRA80A01H501A") | {"access-office": office.pk}
    response = english_client.post(reverse("casework:new_person"), data)
    assert response.status_code == 200
    assert response.context["person_form"].errors["tax_code"]
    assert not Person.objects.filter(last_name="Rossi").exists()
    assert not Access.objects.exists()


@freeze_time("2026-11-03")
def test_a_refused_access_keeps_the_new_person_out_too(english_client, operator, office):
    english_client.force_login(operator)
    data = new_person_post("RSSMRA80A01H501U") | {
        "access-office": office.pk,
        "access-outcome": "referral",  # without saying to whom
    }
    response = english_client.post(reverse("casework:new_person"), data)
    assert response.context["access_form"].errors["referred_to"] == [
        "Say which service the person was referred to."
    ]
    assert not Person.objects.filter(tax_code="RSSMRA80A01H501U").exists()


def test_an_intervention_ending_before_it_starts_is_refused_on_the_form(
    english_client, operator, case, cash_item, municipality_org
):
    english_client.force_login(operator)
    response = english_client.post(
        reverse("casework:new_intervention", args=[case.pk]),
        {
            "beneficiary": "person",
            "item": cash_item.pk,
            "provider": municipality_org.pk,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-30",
            "amount": "-5",
            "status": "active",
        },
    )
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["The end date cannot be before the start date."]
    assert errors["amount"] == ["An amount or quantity cannot be negative."]
    assert not Intervention.objects.exists()


def test_a_closed_case_offers_no_new_intervention_and_refuses_one(
    english_client, operator, case, cash_item, municipality_org
):
    actions.close_case(case, by=operator, closed_on=case.opened_on, outcome="withdrawn")
    english_client.force_login(operator)
    page = english_client.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Record an intervention" not in page
    response = english_client.post(
        reverse("casework:new_intervention", args=[case.pk]),
        {
            "beneficiary": "person",
            "item": cash_item.pk,
            "provider": municipality_org.pk,
            "starts_on": case.opened_on.isoformat(),
            "amount": "10",
            "status": "planned",
        },
    )
    assert response.context["form"].non_field_errors() == [
        "The case is closed: it cannot receive new interventions."
    ]
    assert not Intervention.objects.exists()


def test_the_care_plan_page_saves_goals_and_review_date(client, operator, case):
    client.force_login(operator)
    response = client.post(
        reverse("casework:care_plan", args=[case.pk]),
        {
            "summary": "Ritrovare un lavoro",
            "review_on": "2027-03-01",
            "goals-TOTAL_FORMS": "2",
            "goals-INITIAL_FORMS": "0",
            "goals-0-description": "Iscrizione al centro per l'impiego",
            "goals-0-status": "pending",
            "goals-1-description": "",
            "goals-1-status": "pending",
        },
    )
    assert response.status_code == 302
    plan = Case.objects.get(pk=case.pk).care_plan
    assert plan.review_on == D(2027, 3, 1)
    assert [goal.description for goal in plan.goals.all()] == ["Iscrizione al centro per l'impiego"]


def test_assigning_from_the_page_shows_the_person_to_the_body(
    client, operator, case, body, make_member
):
    body_operator = make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body)
    client.force_login(operator)
    client.post(
        reverse("casework:assign", args=[case.pk]),
        {"body": body.pk, "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    url = reverse("casework:person", args=[case.person.pk])
    with freeze_time("2026-12-31"):
        client.force_login(body_operator)
        assert client.get(url).status_code == 200
    with freeze_time("2027-01-01"):
        client.force_login(body_operator)
        assert client.get(url).status_code == 404


def test_the_household_page_audits_every_member(client, operator, person_in_zone):
    household = HouseholdFactory()
    members = [person_in_zone(2), person_in_zone(2)]
    for number, member in enumerate(members):
        join_household(member, household, "head" if number == 0 else "child", since=D(2020, 1, 1))
    client.force_login(operator)
    response = client.get(reverse("casework:household", args=[household.pk]))
    assert response.status_code == 200
    assert [views_of(member) for member in members] == [1, 1]


def test_home_pages_follow_the_role(english_client, operator, case, make_member):
    english_client.force_login(operator)
    page = english_client.get(reverse("casework:home")).content.decode()
    assert "Recent accesses" in page and case.person.last_name in page
    admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    english_client.force_login(admin)
    response = english_client.get(reverse("casework:home"))
    assert response.context["counts"]["open_cases"] == 1
    assert response.context["counts"]["without_social_worker"] == 1
    other_admin = make_member(Role.ZONE_ADMIN, zone_number=5)
    english_client.force_login(other_admin)
    assert english_client.get(reverse("casework:home")).context["counts"]["open_cases"] == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SOCIAL_WORKER])
def test_front_line_roles_may_open_cases(client, access, make_member, role):
    user = make_member(role, zone_number=2)
    client.force_login(user)
    assert client.get(reverse("casework:open_case", args=[access.pk])).status_code == 200


def record_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("casework:person", args=[person.pk])).status_code == 200
    return len(queries)


def test_the_social_record_costs_the_same_queries_however_long_the_history(
    client, operator, case, cash_item, municipality_org
):
    def record(starts_on):
        actions.record_intervention(
            by=operator,
            case=case,
            person=case.person,
            item=cash_item,
            provider=municipality_org,
            starts_on=starts_on,
            amount=Decimal("50"),
            status="active",
        )

    record(D(2026, 1, 1))
    client.force_login(operator)
    short = record_queries(client, case.person)
    for month in range(2, 8):
        record(D(2026, month, 1))
    assert record_queries(client, case.person) == short


def test_the_admin_menu_leads_front_line_roles_to_casework(client, operator, make_member):
    client.force_login(operator)
    assert reverse("casework:home") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    assert reverse("casework:home") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_need_is_marked_addressed_from_the_case_page(client, operator, case):
    need = case.needs.get()
    client.force_login(operator)
    client.post(reverse("casework:need_status", args=[case.pk, need.pk]), {"status": "addressed"})
    need.refresh_from_db()
    assert need.status == "addressed"


@freeze_time("2026-11-10")
def test_ending_an_assignment_before_it_started_is_refused_on_the_page(
    english_client, operator, case, body
):
    assignment = actions.assign_case(case, by=operator, body=body, starts_on=D(2026, 11, 5))
    english_client.force_login(operator)
    url = reverse("casework:end_assignment", args=[case.pk, assignment.pk])
    response = english_client.post(url, {"ends_on": "2026-11-01"}, follow=True)
    assert "The end date cannot be before the start date." in response.content.decode()
    english_client.post(url, {"ends_on": "2026-11-09"})
    assignment.refresh_from_db()
    assert assignment.ends_on == D(2026, 11, 9)
