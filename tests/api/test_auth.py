"""The phone app signs in with a personal token per device: stored hashed, expiring,
revocable by its owner or from the admin, refused at once when revoked."""

import datetime

import pytest
from django.core.cache import cache
from freezegun import freeze_time
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from siso_platform.accounts.models import DeviceToken, Role
from siso_platform.territory.models import SocialZone


@pytest.fixture
def operator(make_member):
    user = make_member(Role.OPERATOR, zone_number=2)
    user.set_password("s3gret-pass")
    user.save()
    return user


def login(operator, device="Telefono di servizio", password="s3gret-pass"):
    return APIClient().post(
        "/api/v1/auth/login/",
        {"username": operator.username, "password": password, "device": device},
        format="json",
    )


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_device_token_is_issued_once_and_stored_hashed(operator):
    response = login(operator)
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("siso_") and response.json()["device"] == "Telefono di servizio"
    stored = DeviceToken.objects.get(user=operator)
    assert token not in (stored.digest, stored.token_key)
    me = with_token(token).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == operator.username
    assert me.json()["roles"][0]["role"] == "operator"
    assert me.json()["scope"]["zones"] == [SocialZone.objects.get(number=2).pk]


def test_a_wrong_password_gets_no_token(operator):
    response = login(operator, password="wrong")
    assert response.status_code == 401
    assert "detail" in response.json()["errors"]
    assert not DeviceToken.objects.exists()


def test_a_token_revoked_by_its_owner_is_refused_at_once(operator):
    phone = login(operator, "Telefono").json()
    tablet = login(operator, "Tablet").json()
    client = with_token(phone["token"])
    listed = client.get("/api/v1/auth/tokens/").json()
    assert {t["device"]: t["current"] for t in listed} == {"Telefono": True, "Tablet": False}

    assert client.delete(f"/api/v1/auth/tokens/{tablet['id']}/").status_code == 204
    assert with_token(tablet["token"]).get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 200

    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_a_token_revoked_from_the_admin_is_refused_at_once(operator, client, make_member):
    token = login(operator).json()
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    stored = DeviceToken.objects.get(user=operator)
    listing = client.get("/admin/api-tokens/")
    assert "Telefono di servizio" in listing.content.decode()
    client.post(f"/admin/api-tokens/delete/{stored.pk}/")
    assert not DeviceToken.objects.exists()
    assert with_token(token["token"]).get("/api/v1/me/").status_code == 401


def test_a_token_expires(operator):
    token = login(operator).json()
    expiry = datetime.datetime.fromisoformat(token["expiry"])
    with freeze_time(expiry + datetime.timedelta(minutes=1)):
        assert with_token(token["token"]).get("/api/v1/me/").status_code == 401
    assert not DeviceToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(operator, make_member):
    mine = login(operator).json()
    other = make_member(Role.OPERATOR, zone_number=2)
    other_client = APIClient()
    other_client.force_authenticate(other)
    assert other_client.delete(f"/api/v1/auth/tokens/{mine['id']}/").status_code == 404
    assert with_token(mine["token"]).get("/api/v1/me/").status_code == 200


@pytest.fixture
def rates(monkeypatch):
    """Small limits for the throttling tests (the test settings' are high); DRF reads the
    rates once, onto the throttle class."""
    cache.clear()
    limited = {"anon": "3/min", "user": "5/min", "login": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", limited)
    yield
    cache.clear()


def test_login_attempts_are_limited(operator, rates):
    assert login(operator, password="wrong").status_code == 401
    assert login(operator, password="wrong").status_code == 401
    refused = login(operator)
    assert refused.status_code == 429
    assert "detail" in refused.json()["errors"]
    assert "Retry-After" in refused.headers


def test_requests_are_limited_per_user(operator, rates):
    client = APIClient()
    client.force_authenticate(operator)
    statuses = [client.get("/api/v1/me/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_anonymous_requests_are_limited_per_address(rates):
    client = APIClient()
    # (a protected resource refuses an anonymous caller before counting: 401 costs nothing)
    statuses = [client.get("/api/v1/docs/").status_code for _ in range(4)]
    assert statuses == [200] * 3 + [429]


def test_a_forged_cursor_is_refused_as_invalid(operator):
    client = APIClient()
    client.force_authenticate(operator)
    forged = "cj0xJnA9AA=="  # base64 of "r=1&p=\x00": no id
    response = client.get(f"/api/v1/alerts/?cursor={forged}")
    assert response.status_code == 404
    assert response.json()["errors"]["detail"]
