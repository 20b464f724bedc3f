import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

from siso_platform.accounts.models import Role
from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent, AuditEventImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_member, client):
    user = make_member(Role.OPERATOR, zone_number=2)
    client.force_login(user)
    return user


def test_viewing_a_person_in_the_admin_writes_one_audit_event(client, operator, person_in_zone):
    person = person_in_zone(2)
    response = client.get(
        reverse("persons:inspect", args=[person.pk]), HTTP_X_REQUEST_ID="req-12345678"
    )
    assert response.status_code == 200
    assert person.tax_code in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.person_id) == (operator, "view", person.pk)
    assert (event.object_type, event.object_id) == ("people.person", str(person.pk))
    assert event.request_id == "req-12345678"
    assert response["X-Request-ID"] == "req-12345678"


def test_a_person_out_of_scope_is_not_found_and_not_audited(client, operator, person_in_zone):
    stranger = person_in_zone(5)
    assert client.get(reverse("persons:inspect", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("persons:edit", args=[stranger.pk])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_listing_shows_only_the_scope_and_audits_each_person_shown(
    client, operator, person_in_zone
):
    mine, other = person_in_zone(2), person_in_zone(5)
    page = client.get(reverse("persons:index")).content.decode()
    assert mine.tax_code in page and other.tax_code not in page
    assert list(AuditEvent.objects.values_list("person_id", flat=True)) == [mine.pk]


def test_editing_a_person_audits_the_changed_fields(client, operator, person_in_zone):
    person = person_in_zone(2)
    url = reverse("persons:edit", args=[person.pk])
    form = {
        "tax_code": person.tax_code,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat(),
        "birth_place_code": person.birth_place_code,
        "citizenship": "IT",
        "residence_municipality": person.residence_municipality_id,
        "address": "Via dei Priori 1",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.address == "Via dei Priori 1"
    update = AuditEvent.objects.get(action="update")
    assert update.detail == {"fields": ["address"]} and update.person_id == person.pk


def test_an_edit_that_contradicts_the_tax_code_is_refused_with_the_field_named(
    client, operator, person_in_zone
):
    person = person_in_zone(2)
    response = client.post(
        reverse("persons:edit", args=[person.pk]),
        {
            "tax_code": person.tax_code,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "sex": "F",
            "birth_date": person.birth_date.isoformat(),
            "citizenship": "IT",
        },
    )
    assert response.status_code == 200
    assert "sex" in response.context["form"].errors
    person.refresh_from_db()
    assert person.sex == "M"


def test_an_audit_event_cannot_be_changed_or_deleted(operator):
    event = audit.record("view", actor=operator, obj="people.person")
    event.purpose = "tampered"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="tampered")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().purpose == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_itself_refuses_to_change_an_event(operator):
    from django.db import DatabaseError, transaction

    event = audit.record("view", actor=operator, obj="people.person")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [event.pk])


def test_the_admin_offers_no_way_to_edit_or_delete_an_event():
    for name in ("audit:edit", "audit:delete", "audit:add"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[1]) if name != "audit:add" else reverse(name)


def test_the_auditor_reads_and_filters_events_in_the_admin(client, make_member, person_in_zone):
    person = person_in_zone(2)
    operator = make_member(Role.OPERATOR, zone_number=2)
    audit.record("view", actor=operator, obj=person, person=person, purpose="checking")
    audit.record("export", actor=operator, obj="people.person", purpose="bulk download")
    client.force_login(make_member(Role.AUDITOR))
    response = client.get(reverse("audit:index"), {"action": "view"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "checking" in page and "bulk download" not in page
    event = AuditEvent.objects.get(action="view")
    assert client.get(reverse("audit:inspect", args=[event.pk])).status_code == 200


def test_an_operator_cannot_read_the_audit_log(client, operator):
    response = client.get(reverse("audit:index"))
    assert response.status_code in (302, 403)


def test_a_listing_audits_only_the_page_shown(client, operator, person_in_zone):
    for _ in range(25):
        person_in_zone(2)
    client.get(reverse("persons:index"))
    assert AuditEvent.objects.count() == 20  # one page


def test_searching_by_tax_code_finds_the_person_and_audits_the_query(
    client, operator, person_in_zone
):
    wanted, _other = person_in_zone(2), person_in_zone(2)
    page = client.get(reverse("persons:index"), {"q": wanted.tax_code}).content.decode()
    assert wanted.tax_code in page and _other.tax_code not in page
    event = AuditEvent.objects.get()
    assert event.person_id == wanted.pk and event.detail == {"query": wanted.tax_code}


def test_viewing_a_household_audits_each_current_member(client, operator, person_in_zone):
    import datetime

    from siso_platform.people.facts import join_household

    from ..factories import HouseholdFactory

    household = HouseholdFactory()
    members = [person_in_zone(2), person_in_zone(2)]
    for member in members:
        join_household(member, household, "head", since=datetime.date(2024, 1, 1))
    assert client.get(reverse("households:inspect", args=[household.pk])).status_code == 200
    client.get(reverse("households:index"))
    events = AuditEvent.objects.filter(object_type="people.household", object_id=str(household.pk))
    assert sorted(events.values_list("person_id", flat=True)) == sorted(m.pk for m in members)
    listed = AuditEvent.objects.filter(purpose__contains="elenco")
    assert sorted(listed.values_list("person_id", flat=True)) == sorted(m.pk for m in members)
