"""The world the permission matrices stand on: two zones' records, a body, a user of every role.

A pytest plugin (see tests/conftest.py), so that the API's and the web's matrices share it.
"""

import datetime
from dataclasses import dataclass

import pytest

from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Case, CatalogueItem, Intervention
from siso_platform.people.models import Person
from siso_platform.thirdsector.models import ThirdSectorBody
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def body(db):
    """A registered body, not yet accredited anywhere."""
    organisation = Organisation.objects.create(
        kind=OrganisationKind.THIRD_SECTOR_BODY, name="Cooperativa Il Ponte", tax_code="01234567897"
    )
    return ThirdSectorBody.objects.create(
        organisation=organisation, legal_form="social_cooperative", runts_number="RUNTS-1"
    )


def accredit(body, *zone_numbers, valid_from=None, valid_to=None):
    """Accredited in the zones given, from a year ago to a year ahead unless said."""
    today = datetime.date.today()
    return factories.accredit(
        body,
        *zone_numbers,
        valid_from=valid_from or today - 365 * DAY,
        valid_to=valid_to or today + 365 * DAY,
    )


@dataclass
class Place:
    """One person's whole record in one zone: the ids the endpoints are asked for."""

    person: int
    household: int
    access: int
    case: int
    need: int
    intervention: int
    alert: int
    import_run: int
    report: int | None = None


@dataclass
class World:
    here: Place  # zone 2 (Perugia): the zone of the zone roles; assigned to the body
    there: Place  # zone 5: nobody of the test roles works there
    body: ThirdSectorBody
    accreditation: int
    users: dict


def _place(operator, body) -> Place:
    """A person of the operator's office with a case, whose home care `body` gives."""
    from siso_platform.imports.models import ImportRun
    from siso_platform.monitoring.alerts import raise_alert
    from siso_platform.people.models import HouseholdMembership
    from tests.factories import HouseholdFactory, PersonFactory

    office = operator.memberships.get().office
    municipality = office.municipality
    person = PersonFactory(residence_municipality=municipality)
    household = HouseholdFactory(municipality=municipality)
    HouseholdMembership.objects.create(
        household=household, person=person, relation="head", valid_from=datetime.date(2020, 1, 1)
    )
    case = factories.taken_in_charge(operator, person, "Difficoltà a pagare l'affitto", office)
    casework.update_care_plan(
        case,
        by=operator,
        summary="Autonomia abitativa",
        agreed_on=datetime.date.today(),
        review_on=datetime.date.today() + 90 * DAY,
        goals=[{"description": "Trovare un alloggio a canone concordato"}],
    )
    today = datetime.date.today()
    intervention = casework.record_intervention(
        by=operator,
        item=CatalogueItem.objects.get(code="B1.01"),
        provider=body.organisation,
        case=case,
        person=person,
        starts_on=today - 30 * DAY,
        quantity=40,
        status="active",
    )
    alert, _ = raise_alert(
        kind="gap",
        key=f"test-gap-{person.pk}",
        zone_id=municipality.zone_id,
        title="Bisogno senza intervento",
        person_id=person.pk,
    )
    run = ImportRun.objects.create(
        source="registry",
        municipality=municipality,
        file_name="anagrafe.csv",
        reference_date=today,
        status="done",
    )
    return Place(
        person=person.pk,
        household=household.pk,
        access=case.access_id,
        case=case.pk,
        need=case.needs.get().pk,
        intervention=intervention.pk,
        alert=alert.pk,
        import_run=run.pk,
    )


ROLES = {
    "regional_admin": {},
    "zone_admin": {"zone_number": 2},
    "operator": {"zone_number": 2},
    "social_worker": {"zone_number": 2},
    "data_steward": {"zone_number": 2},
    "third_sector_operator": {},
    "auditor": {},
}


@pytest.fixture
def world(make_member, body):
    """Two persons' records, one in zone 2 assigned to an accredited body, one in zone 5; and
    one user of every role (zone roles in zone 2, the body's operator)."""
    from siso_platform.casework.procedures import seed

    seed()
    users = {
        role: make_member(role, organisation=body.organisation, **kwargs)
        if role == Role.THIRD_SECTOR_OPERATOR
        else make_member(role, **kwargs)
        for role, kwargs in ROLES.items()
    }
    accreditation = accredit(body, 2)
    here = _place(users["operator"], body)
    # zone 5: its own operator, and another body, accredited there, with its own report
    other_body = factories.accredited_body("Cooperativa Lontana", 5)
    there = _place(make_member(Role.OPERATOR, zone_number=5), other_body)
    _assign_and_report(here, body, users["operator"], users["third_sector_operator"])
    _assign_and_report(
        there,
        other_body,
        make_member(Role.OPERATOR, zone_number=5),
        make_member(Role.THIRD_SECTOR_OPERATOR, organisation=other_body.organisation),
    )
    return World(here, there, body, accreditation.pk, users)


def _assign_and_report(place: Place, body, operator, body_operator) -> None:
    from django.core.files.base import ContentFile

    from siso_platform.thirdsector import actions
    from siso_platform.thirdsector.models import ReportAttachment

    casework.assign_case(
        Case.objects.get(pk=place.case),
        by=operator,
        body=body.organisation,
        starts_on=datetime.date.today() - 7 * DAY,
    )
    report, _ = actions.submit_report(
        by=body_operator,
        body=body,
        person=Person.objects.get(pk=place.person),
        intervention=Intervention.objects.get(pk=place.intervention),
        date=datetime.date.today(),
        activity_type="home_care",
        hours=2,
    )
    attachment = ReportAttachment(report=report, name="firme.pdf", size=5)
    attachment.file.save("firme.pdf", ContentFile(b"%PDF-"), save=True)
    place.report = report.pk
