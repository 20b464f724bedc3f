"""wagtail's history of personal records: neutral labels, a site history scoped like the
records, and every page that names a person audited."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, ReferenceIndex

from siso_platform.accounts.models import Role
from siso_platform.audit import log as audit
from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import Person

pytestmark = pytest.mark.django_db


def edit_in_admin(client, person: Person, **changes) -> None:
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
        **changes,
    }
    response = client.post(reverse("persons:edit", args=[person.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def edited(client, make_member, person_in_zone):
    """A zone 2 person edited in the admin by an operator of zone 2."""
    person = person_in_zone(2)
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    edit_in_admin(client, person)
    client.logout()
    return person


def entries_shown(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    return {entry.object_id for entry in response.context["object_list"]}


def test_a_persons_log_entry_names_neither_the_person_nor_the_tax_code(edited):
    entry = ModelLogEntry.objects.get(object_id=str(edited.pk), action="wagtail.edit")
    assert edited.tax_code not in entry.label and edited.last_name not in entry.label
    assert str(edited.pk) in entry.label
    for label in ModelLogEntry.objects.values_list("label", flat=True):
        assert edited.tax_code not in label


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.OPERATOR])
def test_site_history_shows_another_zones_person_to_nobody_of_this_zone(
    client, make_member, edited, role
):
    assert str(edited.pk) not in entries_shown(client, make_member(role, zone_number=5))
    export = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.text
    assert edited.tax_code not in body and f"no. {edited.pk}" not in body


def test_site_history_shows_the_entry_to_the_zone_of_the_person(client, make_member, edited):
    assert str(edited.pk) in entries_shown(client, make_member(Role.ZONE_ADMIN, zone_number=2))


def test_the_admin_history_of_a_person_is_audited(english_client, make_member, person_in_zone):
    person = person_in_zone(2)
    operator = make_member(Role.OPERATOR, zone_number=2)
    english_client.force_login(operator)
    response = english_client.get(reverse("persons:history", args=[person.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.person_id) == (operator, "view", person.pk)
    assert event.purpose == "admin history"


def test_the_admin_history_of_another_zones_person_is_not_found(
    client, make_member, person_in_zone
):
    client.force_login(make_member(Role.OPERATOR, zone_number=5))
    response = client.get(reverse("persons:history", args=[person_in_zone(2).pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_auditors_inspect_page_is_audited(english_client, make_member, person_in_zone):
    person = person_in_zone(2)
    operator = make_member(Role.OPERATOR, zone_number=2)
    read = audit.record("view", actor=operator, obj=person, person=person, purpose="test")
    auditor = make_member(Role.AUDITOR)
    english_client.force_login(auditor)
    response = english_client.get(reverse("audit:inspect", args=[read.pk]))
    assert response.status_code == 200
    assert person.tax_code in response.content.decode()  # the auditor finds by person
    event = AuditEvent.objects.exclude(pk=read.pk).get()
    assert (event.actor, event.action, event.person_id) == (auditor, "view", person.pk)
    assert (event.object_type, event.object_id) == ("audit.auditevent", str(read.pk))
    assert event.purpose == "audit inspect"


def test_a_municipalitys_usage_page_lists_no_resident(client, make_member, person_in_zone):
    person = person_in_zone(2)
    person.save()  # an indexed model would be written to the reference index here
    assert not ReferenceIndex.get_references_for_object(person).exists()
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    response = client.get(reverse("municipalities:usage", args=[person.residence_municipality_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.tax_code not in page and person.last_name not in page


def test_wagtails_per_record_checks_follow_the_scope(client, make_member, person_in_zone):
    """E.g. the editing-session ping, which names who else is editing a record."""
    person = person_in_zone(2)
    url = reverse("wagtailadmin_editing_sessions:ping", args=["people", "person", person.pk, 0])
    client.force_login(make_member(Role.OPERATOR, zone_number=5))
    assert client.post(url).status_code == 404
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert client.post(url).status_code == 200


def test_the_admin_has_no_add_form_for_persons(client, make_member):
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert client.get("/admin/persons/new/").status_code == 404
    assert "/admin/persons/new/" not in client.get(reverse("persons:index")).content.decode()
