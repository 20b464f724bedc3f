import datetime

import pytest
from rest_framework.test import APIClient

from siso_platform.accounts.models import Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem
from tests import factories
from tests.world import DAY, accredit


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    """An API client acting as `user` (how it authenticates is tested in test_auth)."""

    def login(user):
        api.force_authenticate(user=user)
        return api

    return login


@pytest.fixture
def accredited_body(body):
    accredit(body, 2)
    return body


@pytest.fixture
def body_operator(make_member, body):
    return make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body.organisation)


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, zone_number=2)


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def office(operator):
    return operator.memberships.get().office


@pytest.fixture
def case(operator, office, person_in_zone):
    return factories.taken_in_charge(
        operator, person_in_zone(2), "Non riesce più a fare la spesa da solo", office
    )


@pytest.fixture
def home_care(case, operator, body):
    """Home care hours the body gives the case's person, started a month ago."""
    return casework.record_intervention(
        by=operator,
        item=CatalogueItem.objects.get(code="B1.01"),
        provider=body.organisation,
        case=case,
        person=case.person,
        starts_on=datetime.date.today() - 30 * DAY,
        quantity=40,
    )


@pytest.fixture
def assignment(case, operator, body):
    """The case entrusted to the body from a week ago for a month."""
    today = datetime.date.today()
    return casework.assign_case(
        case,
        by=operator,
        body=body.organisation,
        starts_on=today - 7 * DAY,
        ends_on=today + 30 * DAY,
    )


@pytest.fixture
def report_review(as_user, body_operator, accredited_body, assignment, home_care):
    """A body's activity report sent through the API: the review task it starts, in the queue
    of the zone's social workers."""
    from siso_platform.casework.procedures import seed
    from workflows import runtime

    seed()
    report = {
        "person": home_care.person_id,
        "intervention": home_care.pk,
        "date": datetime.date.today().isoformat(),
        "activity_type": "home_care",
        "hours": "2",
    }
    assert as_user(body_operator).post("/api/v1/activity-reports/", report).status_code == 201
    (task,) = runtime.tasks().filter(status__in=runtime.OPEN, flow_task_type="HUMAN")
    return task


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SISO_PRIVATE_ROOT = tmp_path / "private"  # where uploads go (docs/files.md)
