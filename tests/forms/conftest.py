import pytest

from forms.publishing import import_definition, publish
from siso_platform.accounts.models import Organisation, OrganisationKind, Role

from .schemas import intake_document


@pytest.fixture
def region_org(db):
    return Organisation.objects.get(kind=OrganisationKind.REGION)


@pytest.fixture
def zone_org(db):
    return Organisation.objects.get(kind=OrganisationKind.SOCIAL_ZONE, zone__number=2)


@pytest.fixture
def intake(region_org):
    """The seeded regional intake questionnaire, published once (version 1)."""
    definition = import_definition(intake_document(), owner=region_org)
    publish(definition)
    return definition


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, zone_number=2)
