"""A zone administrator's first and second sign-in with a second factor, in a real browser at
phone and desktop widths: the password alone opens nothing, the authenticator's code does."""

import base64
import time
from urllib.parse import urlsplit

import pytest
from django_otp.oath import TOTP

from siso_platform.accounts.models import Role


def _code(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app set up with `key` (as the page shows it) displays."""
    key = key.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _sign_in(page, user, next_url="/casework/"):
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.locator("form button[type=submit]").click()


def _at(path: str):
    return lambda url: urlsplit(url).path == path


def _too_wide(page) -> list[str]:
    """The elements that reach past the window's right edge (none when the page fits)."""
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    return page.evaluate(
        """Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_a_zone_administrator_sets_up_the_second_factor_and_signs_in_with_it(
    open_page, client, make_member, width
):
    zone_admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    # A long name in the header must not widen a phone's page.
    zone_admin.first_name, zone_admin.last_name = "Mariangela", "Bianchi-Fontanarossa"
    zone_admin.save()
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 800})

    # The password alone leads to setting up an authenticator, nowhere else.
    _sign_in(page, zone_admin)
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.locator("figure.qr svg").count() == 1
    assert not _too_wide(page)
    page.goto("/casework/")
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()

    key = page.locator("code.secret").inner_text()
    page.get_by_role("textbox", name="Code").fill("000000" if _code(key) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    page.locator(".error, .errorlist, [role=alert]").first.wait_for()  # a wrong code: refused
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong one

    page.get_by_role("textbox", name="Code").fill(_code(key))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(_at("/casework/"))

    # The next sign-in asks for the code after the password.
    client.logout()  # the test client serving this tab keeps its session
    _sign_in(page, zone_admin)
    page.get_by_role("heading", name="Sign-in code").wait_for()
    assert not _too_wide(page)
    page.get_by_role("textbox", name="Code").fill(
        _code(key, steps_ahead=1)
    )  # the first one is spent
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(_at("/casework/"))
