import datetime
from decimal import Decimal

import pytest

from siso_platform.accounts.models import Organisation, Role
from siso_platform.casework import actions
from siso_platform.casework.models import CatalogueItem

DAY = datetime.date(2025, 3, 10)


@pytest.fixture
def recorder(make_member):
    """The operator who records the interventions (zone 2)."""
    return make_member(Role.OPERATOR, zone_number=2)


@pytest.fixture
def region_admin(make_member):
    return make_member(Role.REGIONAL_ADMIN)


@pytest.fixture
def zone_admin(make_member):
    return make_member(Role.ZONE_ADMIN, zone_number=2)


@pytest.fixture
def auditor(make_member):
    return make_member(Role.AUDITOR)


@pytest.fixture
def give(recorder):
    """Record an active intervention (a cash transfer of 100 euro by default) for a person."""
    cash = CatalogueItem.objects.get(code="E1.01")

    def give(person, *, amount="100.00", item=None, provider=None, starts_on=DAY, **kwargs):
        if provider is None:
            provider = Organisation.objects.get(municipality=person.residence_municipality)
        return actions.record_intervention(
            by=recorder,
            item=item or cash,
            provider=provider,
            starts_on=starts_on,
            person=person,
            amount=Decimal(amount) if amount is not None else None,
            status=kwargs.pop("status", "active"),
            **kwargs,
        )

    return give


@pytest.fixture
def population(person_in_zone, give):
    """Six beneficiaries in zone 2 (one of them twice) and three in zone 3."""
    zone2 = [person_in_zone(2) for _ in range(6)]
    zone3 = [person_in_zone(3) for _ in range(3)]
    for person in zone2 + zone3:
        give(person)
    give(zone2[0], amount="50.00", starts_on=DAY + datetime.timedelta(days=40))
    return {2: zone2, 3: zone3}
