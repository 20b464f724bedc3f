"""Signing in to the field app at phone size: the same second factor and lockout as the web,
each refusal in the API's Italian words, and no token made until everything is right."""

import pytest
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from siso_platform.accounts import lockouts
from siso_platform.accounts.models import DeviceToken
from tests.api.conftest import (  # noqa: F401 (fixtures)
    accredited_body,
    assignment,
    body_operator,
    case,
    home_care,
    office,
    operator,
)
from tests.browser import axe_violations
from tests.logins.conftest import authenticator, code_now, wrong_code

from .test_app_browser import first_visit, world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fieldapp_browser")]


def submit(page, username, password, code=None):
    page.fill("#signin-username", username)
    page.fill("#signin-password", password)
    if code is not None:
        page.fill("#signin-otp", code)
    page.click("#signin-form button[type=submit]")


def refusal(page):
    expect(page.locator("#signin-error")).to_be_visible()
    message = page.locator("#signin-error").inner_text()
    page.evaluate("() => { document.getElementById('signin-error').hidden = true; }")
    return message


def test_the_code_of_the_authenticator_is_asked_for_checked_then_lets_in(open_app, world):  # noqa: F811
    device = authenticator(world["user"])
    page = first_visit(open_app())
    username = world["user"].username

    submit(page, username, "pw")
    assert refusal(page) == _("Enter the code of your authenticator app.")
    expect(page.locator("#signin-otp")).to_be_visible()
    assert axe_violations(page) == []

    submit(page, username, "pw", wrong_code(device))
    assert refusal(page) == _("This code is not right or was already used: wait for the next one.")
    assert not DeviceToken.objects.filter(user=world["user"]).exists()

    # django-otp refuses any code for a second after a wrong one (its throttle): as a person
    # would, wait for it before typing the right code
    page.wait_for_timeout(1500)
    submit(page, username, "pw", code_now(device))
    expect(page.locator("#screen-home")).to_be_visible()
    assert DeviceToken.objects.filter(user=world["user"]).count() == 1


def test_ten_wrong_passwords_lock_the_app_sign_in_with_the_reason(open_app, world):  # noqa: F811
    page = first_visit(open_app())
    username = world["user"].username
    for _attempt in range(9):
        submit(page, username, "not-the-password")
        assert refusal(page) == _("Wrong username or password.")
    submit(page, username, "not-the-password")
    assert refusal(page) == lockouts.lockout_message()
    # the right password is refused too until the cool-off passes
    submit(page, username, "pw")
    assert refusal(page) == lockouts.lockout_message()
    expect(page.locator("#app-nav")).to_be_hidden()
    assert not DeviceToken.objects.filter(user=world["user"]).exists()
