import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.client import ClientMixin
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.casework.models import CatalogueItem
from siso_platform.territory.models import Municipality, Region, SocialZone

from .factories import PersonFactory, UserFactory

pytest_plugins = ["tests.browser", "tests.world"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # A transactional test (PostgreSQL only) ends by emptying every table, migration data
        # included; a database reused after it cannot serve the suite.
        if not CatalogueItem.objects.exists():
            pytest.exit("The reused test database was emptied: run pytest with --create-db.", 2)
        # The real territory is reference data every test stands on: load it once.
        call_command("load_territory", verbosity=0)
        # A transactional test marked `serialized_rollback=True` starts from this state (what
        # migrations and the territory put there), not from the empty tables the one before
        # it left: Django serialised the database before the territory was loaded.
        for alias in connections:
            connection = connections[alias]
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def pytest_collection_modifyitems(items):
    # One transactional test without the serialised state would leave the next one in its
    # worker without the territory: it would fail only when the two share a worker.
    for item in items:
        mark = item.get_closest_marker("django_db")
        if mark and mark.kwargs.get("transaction") and not mark.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test needs serialized_rollback=True"
            )


@pytest.fixture(autouse=True)
def second_factor_with_force_login(monkeypatch):
    """`client.force_login(user)` stands for the whole sign-in, second factor included: the
    session is verified with a confirmed authenticator of the user's, as django-otp does
    after a right code. The real steps (password, code, lockout) are tested in tests/logins."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Italian): a request served by the test
    client leaves its language active in the thread, and the order of tests is not fixed."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """Messages in English, for tests that read them (Italian is the default language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client, english):
    """A test client whose requests ask for English pages (the default is Italian)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def region(db):
    return Region.objects.get()


def zone(number: int) -> SocialZone:
    return SocialZone.objects.get(number=number)


def municipality_in_zone(number: int) -> Municipality:
    return zone(number).lead_municipality


@pytest.fixture
def make_member(db):
    """A user with one role: in a zone (by number), a municipality, the region or a body."""

    def make(role: str, *, zone_number: int | None = None, organisation=None, office=True):
        user = UserFactory()
        office_obj = None
        if organisation is None:
            if role in (Role.REGIONAL_ADMIN, Role.AUDITOR):
                organisation = Organisation.objects.get(region=Region.objects.get())
            elif role == Role.ZONE_ADMIN:
                organisation = Organisation.objects.get(zone=zone(zone_number))
            else:
                municipality = municipality_in_zone(zone_number)
                organisation = Organisation.objects.get(municipality=municipality)
                if office and role in (Role.OPERATOR, Role.SOCIAL_WORKER):
                    office_obj = municipality.offices.get(is_default=True)
        # Members since long ago, so that tests may freeze the clock at any recent date.
        Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            office=office_obj,
            valid_from=datetime.date(2020, 1, 1),
        )
        return user

    return make


@pytest.fixture
def person_in_zone(db):
    def make(number: int, **kwargs):
        kwargs.setdefault("residence_municipality", municipality_in_zone(number))
        return PersonFactory(**kwargs)

    return make
