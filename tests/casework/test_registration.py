"""Registering at the office a tax code already on record: outside the operator's zone it
leads to the register card (name and birth year, what the exact search shows) and an access
with a reason, never to a refusal; inside it, the access goes on the existing person."""

import pytest
from django.contrib.messages import get_messages
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


def test_a_tax_code_on_record_elsewhere_leads_to_the_register_card(
    english_client, operator, office, elsewhere
):
    english_client.force_login(operator)
    response, messages = register(
        english_client, registration(elsewhere, office, last_name="Rossi", address="Via Nuova 1")
    )
    assert response.status_code == 200 and messages == []
    assert response.templates[0].name == "casework/register_card.html"
    card = response.context["card"]
    assert (card.last_name, card.first_name, card.birth_year) == (
        "D'Angelo",
        "Maria",
        elsewhere.birth_date.year,
    )
    page = response.content.decode()
    assert "Via Segreta" not in page and elsewhere.birth_date.strftime("%d/%m/%Y") not in page
    assert "does not match" not in page  # no refusal: the same card as the exact search
    # What was typed for the access is kept for the access with a reason.
    form = response.context["form"]
    assert form["reason"].value() == "Prima volta allo sportello"
    assert form["office"].value() == str(office.pk)
    assert 'name="access-register_reason"' in page
    assert reverse("casework:register_access") in page
    # Nothing saved, nothing opened: the register card is all until the access.
    assert Person.objects.filter(tax_code=elsewhere.tax_code).count() == 1
    assert not Access.objects.exists()
    assert not scoping.persons(operator).filter(pk=elsewhere.pk).exists()
    event = AuditEvent.objects.get(object_type="casework.register_lookup")
    assert (event.actor, event.person_id, event.detail) == (
        operator,
        elsewhere.pk,
        {"where": "registration"},
    )


def test_the_card_asks_for_the_tax_code_only(english_client, operator, office, elsewhere):
    """The person's other fields need not be typed to learn the person is on the register."""
    english_client.force_login(operator)
    data = registration(elsewhere, office, last_name="", first_name="", birth_date="")
    response, _ = register(english_client, data)
    assert response.context["card"].person == elsewhere


def test_a_person_followed_gets_the_access_on_the_record(english_client, operator, office):
    mine = PersonFactory(residence_municipality=office.municipality)
    english_client.force_login(operator)
    response, messages = register(english_client, registration(mine, office))
    assert response.status_code == 302 and messages == ["Person and access registered."]
    assert Access.objects.get().person == mine
    assert Person.objects.filter(tax_code=mine.tax_code).count() == 1
    assert not AuditEvent.objects.filter(object_type="casework.register_lookup").exists()


def test_data_contradicting_a_followed_record_are_refused(english_client, operator, office):
    mine = PersonFactory(residence_municipality=office.municipality, first_name="Maria")
    english_client.force_login(operator)
    response, _ = register(english_client, registration(mine, office, first_name="Anna"))
    assert response.status_code == 200
    [message] = response.context["person_form"].errors["tax_code"]
    assert message == "The tax code does not match the personal data entered: check both."
    assert not Access.objects.exists()
