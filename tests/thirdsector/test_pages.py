"""A body applies on its own page and fills the application as a procedure task; the zone
revokes an accreditation from the admin and the body's operators lose its persons at once."""

import datetime

import pytest
from django.urls import reverse

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Role
from siso_platform.casework import actions as casework
from siso_platform.casework.procedures import seed
from siso_platform.thirdsector.models import Accreditation

from ..factories import accredited_body


@pytest.fixture
def body(db):
    return accredited_body("Cooperativa Il Ponte")


@pytest.fixture
def body_operator(make_member, body):
    return make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body.organisation)


def test_a_body_applies_to_a_zone_and_lands_on_its_application_task(client, db, body_operator):
    seed()
    client.force_login(body_operator)
    page = client.get(reverse("thirdsector:body"))
    assert page.status_code == 200
    assert body_operator.memberships.get().organisation.name in page.content.decode()
    response = client.post(reverse("thirdsector:body"), {"zone": _zone(3).pk})
    accreditation = Accreditation.objects.get(zone__number=3)
    task = accreditation.process.task_set.get(flow_task_type="HUMAN")
    assert response.status_code == 302
    assert response.url == reverse("workflows:task", args=[task.pk])
    assert task.owner == body_operator and task.flow_task.name == "domanda"


def test_a_body_not_yet_registered_registers_with_its_first_application(client, make_member):
    from siso_platform.accounts.models import Organisation, OrganisationKind

    seed()
    organisation = Organisation.objects.create(
        kind=OrganisationKind.THIRD_SECTOR_BODY, name="Associazione Nuova"
    )
    client.force_login(make_member(Role.THIRD_SECTOR_OPERATOR, organisation=organisation))
    refused = client.post(reverse("thirdsector:body"), {"zone": _zone(2).pk})
    assert refused.status_code == 200 and not Accreditation.objects.exists()
    client.post(
        reverse("thirdsector:body"),
        {"zone": _zone(2).pk, "legal_form": "aps", "runts_number": "998877"},
    )
    assert organisation.third_sector_body.runts_number == "998877"
    assert Accreditation.objects.get().body.organisation == organisation


def test_only_a_body_has_a_body_page(client, make_member):
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    assert client.get(reverse("thirdsector:body")).status_code == 404


def _zone(number):
    from siso_platform.territory.models import SocialZone

    return SocialZone.objects.get(number=number)


def test_the_zone_revokes_an_accreditation_from_the_admin(
    client, body, body_operator, make_member, person_in_zone
):
    operator = make_member(Role.OPERATOR, zone_number=2)
    office = operator.memberships.get().office
    person = person_in_zone(2)
    access = casework.register_access(
        by=operator,
        office=office,
        person=person,
        channel="phone",
        reason="x",
        outcome="taking_in_charge",
    )
    case = casework.open_case(by=operator, person=person, office=office, access=access, needs=[])
    casework.assign_case(case, by=operator, body=body.organisation, starts_on=datetime.date.today())
    assert scoping.can_view_person(body_operator, person)

    accreditation = body.accreditations.get()
    zone_admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    client.force_login(zone_admin)
    listing = client.get("/admin/accreditations/").content.decode()
    revoke_url = reverse("thirdsector_admin_revoke", args=[accreditation.pk])
    assert revoke_url in listing
    refused = client.post(revoke_url, {"reason": ""})
    assert refused.status_code == 200  # the form again, with the error on the reason
    accreditation.refresh_from_db()
    assert accreditation.status == "approved"
    client.post(revoke_url, {"reason": "Requisiti venuti meno"})
    accreditation.refresh_from_db()
    assert accreditation.status == "revoked" and accreditation.revoked_by == zone_admin

    body_operator = type(body_operator).objects.get(pk=body_operator.pk)  # no cached scope
    assert not scoping.can_view_person(body_operator, person)


def test_another_zone_cannot_revoke(client, body, make_member):
    accreditation = body.accreditations.get()
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=5))
    revoke_url = reverse("thirdsector_admin_revoke", args=[accreditation.pk])
    assert client.post(revoke_url, {"reason": "No"}).status_code == 404
    accreditation.refresh_from_db()
    assert accreditation.status == "approved"


def test_only_the_reviewing_zone_amends_an_accreditation_in_the_admin(client, body, make_member):
    accreditation = body.accreditations.get()
    edit_url = f"/admin/accreditations/edit/{accreditation.pk}/"
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=5))
    assert client.get(edit_url).status_code == 404
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    assert client.get(edit_url).status_code == 200
