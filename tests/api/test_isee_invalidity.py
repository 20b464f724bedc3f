"""The API reads and records ISEE attestations and civil-invalidity verdicts (docs/api.md)."""

import datetime

import pytest
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.people.models import Fact, Household, HouseholdMembership
from tests.conftest import municipality_in_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(person_in_zone):
    household = Household.objects.create(code="FS-API", municipality=municipality_in_zone(2))
    head = person_in_zone(2)
    HouseholdMembership.objects.create(
        household=household, person=head, relation="head", valid_from=datetime.date(2020, 1, 1)
    )
    return household, head


def test_an_operator_records_and_reads_an_isee(as_user, operator, family):
    household, head = family
    today = timezone.localdate()
    api = as_user(operator)
    body = {
        "kind": "ordinario",
        "value": 8500.5,
        "dsu_protocol": "INPS-ISEE-2026-00000042A-00",
        "dsu_year": today.year,
        "issued_on": today.isoformat(),
        "valid_until": f"{today.year}-12-31",
    }
    url = f"/api/v1/households/{household.pk}/isee/"
    created = api.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["in_effect"] and created.json()["general"]
    assert api.post(url, body, format="json").status_code == 200  # the same, unchanged
    assert Fact.objects.filter(household=household, kind="isee").count() == 1

    [listed] = api.get(url).json()
    assert (listed["value"], listed["dsu_protocol"], listed["valid_until"]) == (
        8500.5,
        "INPS-ISEE-2026-00000042A-00",
        f"{today.year}-12-31",
    )
    assert AuditEvent.objects.filter(action="view", person=head).exists()

    refused = api.post(url, {**body, "valid_until": "2000-01-01"}, format="json")
    assert refused.status_code == 400 and "valid_until" in refused.json()["errors"]


def test_an_operator_records_and_reads_a_civil_invalidity(as_user, operator, family):
    _household, head = family
    api = as_user(operator)
    url = f"/api/v1/persons/{head.pk}/invalidity/"
    refused = api.post(
        url, {"percent": 90, "accompanying_allowance": True, "verdict_on": "2025-01-10"}
    )
    assert refused.status_code == 400 and "accompanying_allowance" in refused.json()["errors"]
    created = api.post(
        url,
        {
            "percent": 100,
            "accompanying_allowance": True,
            "verdict_on": "2025-01-10",
            "revision_on": "2027-01-10",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    [listed] = api.get(url).json()
    assert (listed["percent"], listed["accompanying_allowance"], listed["in_effect"]) == (
        100,
        True,
        True,
    )


def test_another_zone_gets_404(as_user, make_member, family):
    household, head = family
    api = as_user(make_member(Role.OPERATOR, zone_number=5))
    assert api.get(f"/api/v1/households/{household.pk}/isee/").status_code == 404
    assert api.get(f"/api/v1/persons/{head.pk}/invalidity/").status_code == 404
