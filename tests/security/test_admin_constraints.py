"""Admin forms refuse what the database would refuse, with a message on the form (200), not a
server error: the citizen offices' unique name and their one default office per municipality."""

import pytest

from siso_platform.accounts.models import Role
from siso_platform.territory.models import CitizenOffice, Municipality


@pytest.fixture
def admin_client(client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def office_form(office, **changes):
    fields = {
        "municipality": office.municipality_id,
        "name": office.name,
        "address": office.address,
        "phone": office.phone,
        "email": office.email,
    }
    return {**fields, **changes}


def form_errors(response) -> list[str]:
    return [
        message for messages in response.context["form"].errors.values() for message in messages
    ]


def test_a_duplicate_office_is_a_form_error(admin_client):
    perugia = Municipality.objects.get(name="Perugia")
    existing = perugia.offices.get(is_default=True)
    count = CitizenOffice.objects.count()
    response = admin_client.post("/admin/offices/new/", office_form(existing))
    assert response.status_code == 200
    assert form_errors(response) == [
        "Citizen office with this Municipality and Name already exists."
    ]
    assert "Citizen office with this Municipality and Name already exists." in response.text
    assert CitizenOffice.objects.count() == count


def test_a_default_office_cannot_move_where_there_is_one_already(admin_client):
    perugia = Municipality.objects.get(name="Perugia")
    corciano = Municipality.objects.get(name="Corciano")
    office = perugia.offices.get(is_default=True)
    response = admin_client.post(
        f"/admin/offices/edit/{office.pk}/", office_form(office, municipality=corciano.pk)
    )
    assert response.status_code == 200
    assert form_errors(response) == ["This municipality already has a default office."]
    office.refresh_from_db()
    assert office.municipality == perugia


def test_an_office_that_breaks_no_rule_is_saved(admin_client):
    perugia = Municipality.objects.get(name="Perugia")
    office = perugia.offices.get(is_default=True)
    response = admin_client.post(
        "/admin/offices/new/", office_form(office, name="Sportello di Ponte San Giovanni")
    )
    assert response.status_code == 302
    assert perugia.offices.filter(name="Sportello di Ponte San Giovanni", is_default=False).exists()
