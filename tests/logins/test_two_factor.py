"""Regional and zone administrators, data stewards and auditors complete their sign-in with
the code of an authenticator app (TOTP); everyone else may choose to."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time
from rest_framework.test import APIClient

from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.audit.models import AuditEvent

from .conftest import api_login, authenticator, code_now, web_login, wrong_code

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
STEP = datetime.timedelta(seconds=30)  # one code per step; a code works once
PAGES = ["/admin/", "/casework/", "/casework/persons/", "/account/two-factor/"]


@pytest.fixture
def zone_admin(member):
    return member(Role.ZONE_ADMIN)


@pytest.fixture
def operator(member):
    return member(Role.OPERATOR)


def signed_in_with_password(user) -> Client:
    client = Client()
    assert web_login(client, user).status_code == 302
    return client


@pytest.mark.parametrize(
    "role", [Role.REGIONAL_ADMIN, Role.ZONE_ADMIN, Role.DATA_STEWARD, Role.AUDITOR]
)
def test_an_enforced_role_without_an_authenticator_must_set_one_up_first(member, role):
    client = signed_in_with_password(member(role))
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/account/two-factor/enrol/?next=")


def test_a_zone_administrator_sets_up_an_authenticator_and_gets_in(zone_admin):
    with freeze_time(START) as clock:
        client = signed_in_with_password(zone_admin)
        page = client.get("/account/two-factor/enrol/?next=/casework/")
        assert page.status_code == 200
        assert "<svg" in page.content.decode()  # the QR code, drawn inline
        device = TOTPDevice.objects.get(user=zone_admin, confirmed=False)
        assert page.context["secret"].replace(" ", "")  # the key for typing by hand

        refused = client.post("/account/two-factor/enrol/", {"code": wrong_code(device)})
        assert refused.status_code == 200
        assert refused.context["form"].errors["code"]
        assert client.get("/casework/").status_code == 302

        clock.tick(STEP * 2)  # django-otp slows down retries after a wrong code
        confirmed = client.post(
            "/account/two-factor/enrol/", {"code": code_now(device), "next": "/casework/"}
        )
        assert confirmed.status_code == 302
        assert confirmed["Location"] == "/casework/"
        assert client.get("/casework/").status_code == 200
        assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=zone_admin, object_type="otp_totp.totpdevice").exists()


def test_a_zone_administrator_with_an_authenticator_enters_its_code(zone_admin):
    device = authenticator(zone_admin)
    with freeze_time(START) as clock:
        client = signed_in_with_password(zone_admin)
        for page in PAGES:
            response = client.get(page)
            assert response.status_code == 302, page
            assert response["Location"].startswith("/account/two-factor/verify/?next=")
        # the API on this session is refused too, as JSON
        api = client.get("/api/v1/me/")
        assert api.status_code == 403
        assert api.json()["errors"]["detail"]

        wrong = client.post("/account/two-factor/verify/", {"code": wrong_code(device)})
        assert wrong.status_code == 200
        assert client.get("/admin/").status_code == 302

        clock.tick(STEP * 2)  # django-otp slows down retries after a wrong code
        right = client.post("/account/two-factor/verify/", {"code": code_now(device)})
        assert right.status_code == 302
        for page in PAGES:
            assert client.get(page).status_code == 200, page
        assert client.get("/api/v1/me/").status_code == 200


def test_a_code_cannot_be_used_twice(zone_admin):
    device = authenticator(zone_admin)
    with freeze_time(START):
        code = code_now(device)
        first = signed_in_with_password(zone_admin)
        assert first.post("/account/two-factor/verify/", {"code": code}).status_code == 302
        second = signed_in_with_password(zone_admin)
        assert second.post("/account/two-factor/verify/", {"code": code}).status_code == 200
        assert second.get("/admin/").status_code == 302


def test_the_sign_in_and_static_files_stay_open_before_the_second_factor(zone_admin):
    client = signed_in_with_password(zone_admin)
    assert client.get("/account/two-factor/enrol/").status_code == 200
    assert client.get("/account/two-factor/verify/").status_code == 302  # to enrol
    assert client.get("/static/siso/operator.css").status_code != 302  # served, or 404 here
    assert client.post("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_operator_is_not_forced_but_may_set_up_an_authenticator(operator):
    with freeze_time(START) as clock:
        client = signed_in_with_password(operator)
        assert client.get("/casework/").status_code == 200
        assert client.get("/account/two-factor/").status_code == 200
        client.get("/account/two-factor/enrol/")
        device = TOTPDevice.objects.get(user=operator)
        assert (
            client.post("/account/two-factor/enrol/", {"code": code_now(device)}).status_code == 302
        )

        # From now on the operator's sign-in asks for the code too.
        clock.tick(STEP)
        later = signed_in_with_password(operator)
        assert later.get("/casework/").status_code == 302
        assert (
            later.post("/account/two-factor/verify/", {"code": code_now(device)}).status_code == 302
        )
        assert later.get("/casework/").status_code == 200


def test_removing_the_authenticator_of_an_enforced_role_asks_for_a_new_one(zone_admin):
    device = authenticator(zone_admin)
    with freeze_time(START):
        client = signed_in_with_password(zone_admin)
        client.post("/account/two-factor/verify/", {"code": code_now(device)})
        assert client.post("/account/two-factor/remove/").status_code == 302
        assert not TOTPDevice.objects.filter(user=zone_admin).exists()
        assert client.get("/admin/")["Location"].startswith("/account/two-factor/enrol/")


def test_the_authenticator_cannot_be_removed_without_its_code(zone_admin):
    authenticator(zone_admin)
    client = signed_in_with_password(zone_admin)
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert TOTPDevice.objects.filter(user=zone_admin).exists()


def test_the_api_login_of_an_enforced_role_needs_a_right_code(zone_admin):
    device = authenticator(zone_admin)
    with freeze_time(START) as clock:
        missing = api_login(zone_admin)
        assert missing.status_code == 401
        assert "otp_code" in missing.json()["errors"]

        wrong = api_login(zone_admin, code=wrong_code(device))
        assert wrong.status_code == 401
        assert "otp_code" in wrong.json()["errors"]

        clock.tick(STEP * 2)
        issued = api_login(zone_admin, code=code_now(device))
        assert issued.status_code == 201
        assert issued.json()["token"]


def test_a_token_issued_without_a_code_stops_working_once_one_is_owed(operator, make_member):
    """An operator's token, issued on a password alone, is refused once the user becomes a
    zone administrator; a token issued with the code serves."""
    issued = api_login(operator)
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert me.get("/api/v1/me/").status_code == 200

    Membership.objects.create(
        user=operator,
        organisation=Organisation.objects.get(zone__number=2),
        role=Role.ZONE_ADMIN,
        valid_from=datetime.date(2020, 1, 1),
    )
    refused = me.get("/api/v1/me/")
    assert refused.status_code == 401

    device = authenticator(operator)
    with freeze_time(START):
        again = api_login(operator, code=code_now(device))
        me.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")
        assert me.get("/api/v1/me/").status_code == 200


def test_the_api_login_of_an_enforced_role_without_an_authenticator_is_refused(zone_admin):
    refused = api_login(zone_admin, code="123456")
    assert refused.status_code == 401
    assert "otp_code" in refused.json()["errors"]


def test_wrong_codes_count_towards_the_lockout(zone_admin):
    device = authenticator(zone_admin)
    with freeze_time(START) as clock:
        for _ in range(10):
            api_login(zone_admin, code=wrong_code(device))
            clock.tick(STEP * 4)
        assert api_login(zone_admin, code=code_now(device)).status_code == 429


def test_the_api_login_of_an_operator_needs_no_code(operator):
    assert api_login(operator).status_code == 201


def test_the_demo_setting_stops_requiring_it_by_role(zone_admin, settings):
    settings.SISO_2FA_REQUIRED = False
    client = signed_in_with_password(zone_admin)
    assert client.get("/casework/").status_code == 200
    assert api_login(zone_admin).status_code == 201


def test_an_administrator_removes_a_lost_authenticator_with_manage_py(zone_admin):
    authenticator(zone_admin)
    call_command("remove_authenticator", zone_admin.username, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=zone_admin).exists()
    client = signed_in_with_password(zone_admin)
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/enrol/")
