import pytest
from django.urls import reverse

from siso_platform.accounts.models import Role
from tests.workflows.conftest import (  # noqa: F401  (fixtures shared with the engine's tests)
    operator,
    publish_steps,
    social_worker,
    zone_admin,
)

LIST = reverse("notifications:list")


@pytest.fixture
def notified(django_capture_on_commit_callbacks):
    """A block whose commits happen: notifications are made on commit."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def other_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)
