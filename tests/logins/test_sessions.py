"""A session ends after SISO_SESSION_IDLE_MINUTES without a request, and when the browser
closes."""

import datetime

from django.conf import settings
from django.test import Client
from freezegun import freeze_time

from siso_platform.accounts.models import Role

from .conftest import web_login

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_a_session_idle_longer_than_the_setting_is_signed_out(member):
    assert settings.SISO_SESSION_IDLE_MINUTES == 30
    operator = member(Role.OPERATOR)
    client = Client()
    with freeze_time(START) as clock:
        web_login(client, operator)
        assert client.get("/casework/").status_code == 200
        # Working keeps the session alive, well past 30 minutes from the sign-in...
        for _ in range(3):
            clock.tick(datetime.timedelta(minutes=20))
            assert client.get("/casework/").status_code == 200
        # ...31 idle minutes end it.
        clock.tick(datetime.timedelta(minutes=31))
        response = client.get("/casework/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accedi/")  # the sign-in page
        assert "_auth_user_id" not in client.session


def test_the_session_cookie_ends_with_the_browser(member):
    response = web_login(Client(), member(Role.OPERATOR))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
