"""Registering at the office a tax code already on record outside the operator's zone: the
answer is the one a new person gets, the access goes on the existing person, no duplicate."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework.models import Access
from siso_platform.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with freeze_time("2026-11-03"):
        yield


@pytest.fixture
def operator(make_member):
    """An operator of zone 5, where the person below does not live."""
    return make_member(Role.OPERATOR, zone_number=5)


@pytest.fixture
def office(operator):
    return operator.memberships.get().office


@pytest.fixture
def elsewhere(person_in_zone):
    """A person of zone 2, unknown to zone 5."""
    return person_in_zone(
        2, last_name="D'Angelo", first_name="Maria", sex="F", address="Via Segreta 7"
    )


def registration(person: Person, office, **changes) -> dict:
    return {
        "person-tax_code": person.tax_code.lower(),
        "person-last_name": person.last_name,
        "person-first_name": person.first_name,
        "person-sex": person.sex,
        "person-birth_date": person.birth_date.isoformat(),
        "person-citizenship": "IT",
        "access-office": office.pk,
        "access-date": "2026-11-02",
        "access-channel": "in_person",
        "access-reason": "Prima volta allo sportello",
        "access-outcome": "information",
        **{f"person-{field}": value for field, value in changes.items()},
    }


def register(client, data):
    response = client.post(reverse("casework:new_person"), data)
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def test_a_tax_code_on_record_elsewhere_answers_like_a_new_one(
    english_client, operator, office, elsewhere
):
    english_client.force_login(operator)
    search = english_client.get(reverse("casework:persons"), {"q": elsewhere.tax_code})
    assert search.context["results"] == []  # not found until the access

    other_desk = Client(HTTP_ACCEPT_LANGUAGE="en")  # its own messages
    other_desk.force_login(operator)
    new = PersonFactory.build(residence_municipality=None)
    fresh, fresh_messages = register(other_desk, registration(new, office))
    known, known_messages = register(
        english_client, registration(elsewhere, office, last_name="d'angelo ")
    )

    assert (known.status_code, known_messages) == (fresh.status_code, fresh_messages)
    assert known.status_code == 302 and known_messages == ["Person and access registered."]
    assert Person.objects.filter(tax_code=elsewhere.tax_code).count() == 1
    access = Access.objects.get(person=elsewhere)
    assert known["Location"] == reverse("casework:access", args=[access.pk])
    assert access.office == office
    assert scoping.persons(operator).filter(pk=elsewhere.pk).exists()
    search = english_client.get(reverse("casework:persons"), {"q": elsewhere.tax_code})
    assert search.context["results"] == [elsewhere]
    event = AuditEvent.objects.get(purpose="access registered", object_type="people.person")
    assert (event.actor, event.person_id) == (operator, elsewhere.pk)
    assert event.detail == {"existing_person": True, "brought_into_scope": True}


def test_data_contradicting_the_record_are_refused_without_telling_what_is_stored(
    english_client, operator, office, elsewhere
):
    english_client.force_login(operator)
    response, _ = register(english_client, registration(elsewhere, office, first_name="Anna"))
    assert response.status_code == 200
    [message] = response.context["person_form"].errors["tax_code"]
    assert message == "The tax code does not match the personal data entered: check both."
    page = response.content.decode()
    assert 'value="Maria"' not in page and "Via Segreta" not in page
    assert not Access.objects.exists()
    assert not scoping.persons(operator).filter(pk=elsewhere.pk).exists()
    assert Person.objects.filter(tax_code=elsewhere.tax_code).count() == 1
