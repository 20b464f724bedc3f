import pytest

from forms.publishing import import_definition, publish
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.casework import actions
from siso_platform.casework.models import CatalogueItem, NeedCategory
from tests.factories import accredited_body
from tests.forms.schemas import intake_document


@pytest.fixture
def operator(make_member):
    """A front-office operator of zone 2 (Perugia), at the municipality's default office."""
    return make_member(Role.OPERATOR, zone_number=2)


@pytest.fixture
def office(operator):
    return operator.memberships.get().office


@pytest.fixture
def category(db):
    return NeedCategory.objects.get(code="economic")


@pytest.fixture
def cash_item(db):
    """A cash transfer, counted in euro."""
    return CatalogueItem.objects.get(code="E1.01")


@pytest.fixture
def home_care_item(db):
    """Home care, counted in hours."""
    return CatalogueItem.objects.get(code="B1.01")


@pytest.fixture
def municipality_org(office):
    return Organisation.objects.get(municipality=office.municipality)


@pytest.fixture
def body(db):
    """A third-sector body accredited in zone 2 (its operators reach assigned persons)."""
    return accredited_body().organisation


@pytest.fixture
def access(operator, office, person_in_zone):
    return actions.register_access(
        by=operator,
        office=office,
        person=person_in_zone(2),
        channel="in_person",
        reason="Richiesta di aiuto economico",
        outcome="taking_in_charge",
    )


@pytest.fixture
def case(access, operator, category):
    return actions.open_case(
        by=operator, person=access.person, office=access.office, access=access, needs=[category]
    )


@pytest.fixture
def intake(db):
    """The seeded regional intake questionnaire, published (version 1)."""
    definition = import_definition(
        intake_document(), owner=Organisation.objects.get(kind=OrganisationKind.REGION)
    )
    publish(definition)
    return definition
