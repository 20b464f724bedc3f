import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from siso_platform.accounts.models import Role

PASSWORD = "s3gret-pass"


@pytest.fixture
def member(make_member):
    """A user of the role given, in zone 2, who signs in with PASSWORD."""

    def make(role=Role.OPERATOR, **kwargs):
        user = make_member(role, zone_number=2, **kwargs)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def web_login(client, user, password=PASSWORD, **extra):
    """The sign-in page every role uses (wagtail's admin login)."""
    return client.post("/admin/login/", {"username": user.username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def api_login(user, password=PASSWORD, *, code=None, forwarded_for=None, username=None):
    data = {"username": username or user.username, "password": password, "device": "Telefono"}
    if code is not None:
        data["otp_code"] = code
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return APIClient().post("/api/v1/auth/login/", data, format="json", **extra)


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """What the user's authenticator app shows now (under freezegun: at the frozen time)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 1_000_000:06d}"
