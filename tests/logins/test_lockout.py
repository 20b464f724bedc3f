"""Ten wrong passwords for an account, or from an address, lock the sign-in (web and API
alike) until the cool-off passes or the regional administrator lifts the lock."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from freezegun import freeze_time
from rest_framework.throttling import SimpleRateThrottle

from siso_platform.accounts.client_address import client_ip
from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent

from .conftest import api_login, signed_in, web_login

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def operator(member):
    return member(Role.OPERATOR)


def fail_ten_times_on_the_web(client, user):
    statuses = [web_login(client, user, "wrong").status_code for _ in range(10)]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    return statuses[9]


def test_ten_wrong_passwords_lock_the_account_on_the_web_until_the_cool_off_passes(
    operator, english_client, settings
):
    with freeze_time(START) as clock:
        assert fail_ten_times_on_the_web(english_client, operator) == 429
        refused = web_login(english_client, operator)
        assert refused.status_code == 429
        assert not signed_in(english_client)
        assert "Too many failed sign-ins" in refused.content.decode()
        assert "30 minutes" in refused.content.decode()

        clock.tick(datetime.timedelta(minutes=29))
        assert web_login(english_client, operator).status_code == 429
        assert not signed_in(english_client)

        clock.tick(datetime.timedelta(minutes=2))
        assert web_login(english_client, operator).status_code == 302
        assert signed_in(english_client)


def test_a_locked_account_cannot_sign_in_on_the_api_either(operator, client):
    fail_ten_times_on_the_web(client, operator)
    refused = api_login(operator)
    assert refused.status_code == 429
    assert refused.json()["errors"]["detail"]
    assert int(refused.headers["Retry-After"]) == 30 * 60


def test_ten_wrong_passwords_on_the_api_lock_the_web_sign_in(operator, client):
    statuses = [api_login(operator, "wrong").status_code for _ in range(10)]
    assert statuses == [401] * 9 + [429]
    assert api_login(operator).status_code == 429
    assert web_login(client, operator).status_code == 429
    assert not signed_in(client)


def test_the_lockout_follows_the_account_whatever_x_forwarded_for_says(operator):
    for n in range(10):
        api_login(operator, "wrong", forwarded_for=f"198.51.100.{n}")
    assert api_login(operator, forwarded_for="203.0.113.7").status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(operator):
    # Ten different accounts guessed from one machine, each "from" another address.
    for n in range(10):
        response = api_login(None, "wrong", username=f"guess{n}", forwarded_for=f"10.0.0.{n}")
        assert response.status_code in (401, 429)
    # Another account, from the same machine: its right password is refused too.
    refused = api_login(operator, forwarded_for="192.0.2.55")
    assert refused.status_code == 429
    # Axes counted every attempt against the socket address, never the header's.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_address_is_read_from_a_trusted_proxy_only_when_one_is_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.SISO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"
    settings.SISO_TRUSTED_PROXY_COUNT = 1  # the proxy appended the address it saw
    assert client_ip(request) == "203.0.113.9"
    settings.SISO_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_ip(garbage) == "10.1.1.1"


def test_the_api_rate_limits_count_the_socket_address_not_x_forwarded_for(db, monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    statuses = [
        api_login(None, "wrong", username=f"guess{n}", forwarded_for=f"10.9.0.{n}").status_code
        for n in range(4)
    ]
    cache.clear()
    assert statuses == [401, 401, 401, 429]


def test_the_regional_administrator_lifts_a_lockout_in_the_admin(operator, member, client):
    fail_ten_times_on_the_web(Client(), operator)
    admin = Client()
    admin.force_login(member(Role.REGIONAL_ADMIN))
    listing = admin.get("/admin/sign-in-lockouts/")
    assert listing.status_code == 200
    assert operator.username in listing.content.decode()

    attempt = AccessAttempt.objects.get(username=operator.username)
    assert admin.get(f"/admin/sign-in-lockouts/delete/{attempt.pk}/").status_code == 200
    lifted = admin.post(f"/admin/sign-in-lockouts/delete/{attempt.pk}/")
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.filter(username=operator.username).exists()
    event = AuditEvent.objects.get(object_type="axes.accessattempt")
    assert event.detail["username"] == operator.username

    assert web_login(client, operator).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.OPERATOR, Role.AUDITOR])
def test_nobody_else_sees_or_lifts_lockouts(operator, member, role):
    fail_ten_times_on_the_web(Client(), operator)
    attempt = AccessAttempt.objects.get(username=operator.username)
    other = Client()
    other.force_login(member(role))
    assert other.get("/admin/sign-in-lockouts/").status_code == 404
    assert other.get(f"/admin/sign-in-lockouts/delete/{attempt.pk}/").status_code == 404
    assert other.post(f"/admin/sign-in-lockouts/delete/{attempt.pk}/").status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert b"sign-in-lockouts" not in other.get("/admin/").content


def test_an_administrator_lifts_a_lockout_with_manage_py(operator, client):
    fail_ten_times_on_the_web(Client(), operator)
    call_command("axes_reset_username", operator.username, stdout=io.StringIO())
    assert web_login(client, operator).status_code == 302
    assert signed_in(client)
