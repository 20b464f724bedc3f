"""Every role's way in, in a real browser at phone and desktop widths: from `/` through the
operators' entrance and the platform's own sign-in page to the role's own home (no wagtail
screen in the way of those who do not configure), which fits the screen and has no serious
accessibility fault (axe-core); then out again, back on `/`.

English pages (the Italian translations are merged separately); the time from submitting the
sign-in form to the home's load is printed (pytest -s)."""

import time
from urllib.parse import urlsplit

import pytest

from siso_platform.accounts.models import Role
from tests.browser import axe_violations

pytestmark = pytest.mark.django_db

# role -> (its home's path, whether that home is an admin (wagtail) screen)
HOMES = {
    Role.OPERATOR: ("/casework/", False),
    Role.SOCIAL_WORKER: ("/casework/", False),
    Role.ZONE_ADMIN: ("/casework/", False),
    Role.THIRD_SECTOR_OPERATOR: ("/third-sector/", False),
    Role.REGIONAL_ADMIN: ("/monitoring/analysis/region/", False),
    Role.DATA_STEWARD: ("/admin/imports/runs/", True),
    Role.AUDITOR: ("/admin/audit/", True),
}
PHONE, DESKTOP = 390, 1366
WIDTHS = (PHONE, DESKTOP)
VIEWPORTS = {PHONE: {"width": PHONE, "height": 844}, DESKTOP: {"width": DESKTOP, "height": 900}}
TIMINGS: dict[str, float] = {}


def _at(path: str):
    return lambda url: urlsplit(url).path == path


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def user_of(make_member, body, settings):
    # The second factor is tested in tests/logins; here every role signs in with its password.
    settings.SISO_2FA_REQUIRED = False

    def make(role):
        organisation = body.organisation if role == Role.THIRD_SECTOR_OPERATOR else None
        user = make_member(role, zone_number=2, organisation=organisation)
        user.first_name, user.last_name = "Mariangela", "Bianchi-Fontanarossa"
        user.save()
        return user

    return make


def _sign_in_from_the_home_page(page, user):
    page.goto("/")
    page.wait_for_load_state("load")
    assert _fits(page)
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url(_at("/accedi/"))
    page.get_by_role("heading", name="Operators' sign-in").wait_for()
    assert _fits(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    started = time.perf_counter()
    page.locator("main form button[type=submit]").click()
    return started


def _sign_out(page):
    if "/admin/" in page.url:
        page.goto("/")  # the admin's own menu is wagtail's; the platform's header is here
    page.locator("#account-button").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(_at("/"))
    page.get_by_role("link", name="Sign in").wait_for()


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_to_its_own_home_and_out(open_page, client, user_of, role):
    user = user_of(role)
    home, is_admin = HOMES[role]
    page = open_page(client, locale="en-GB")
    # Signed in on a phone; the home is then checked at both widths (one sign-in per role
    # keeps the module short), and left from the desktop.
    page.set_viewport_size(VIEWPORTS[PHONE])
    started = _sign_in_from_the_home_page(page, user)
    page.wait_for_url(_at(home))
    page.wait_for_load_state("load")
    TIMINGS[role] = time.perf_counter() - started
    print(f"\n{role}: home after {TIMINGS[role] * 1000:.0f} ms")

    assert page.locator("h1").first.inner_text().strip()
    if not is_admin:
        assert "wagtail" not in page.content().lower()
        # The header: who is signed in, as what, and the way out.
        assert "Bianchi-Fontanarossa" in page.locator("header").inner_text()
        assert page.locator("#account-menu .account-role").count() >= 1
    for width in WIDTHS:
        page.set_viewport_size(VIEWPORTS[width])
        assert _fits(page), f"{role} at {width}px: the home is wider than the screen"
        assert axe_violations(page) == [], f"{role} at {width}px"
    _sign_out(page)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("width", WIDTHS)
def test_the_navigation_folds_behind_a_menu_button_on_a_phone(open_page, client, user_of, width):
    operator = user_of(Role.SOCIAL_WORKER)
    client.force_login(operator)
    page = open_page(client, locale="en-GB")
    page.set_viewport_size(VIEWPORTS[width])
    page.goto("/casework/")
    page.wait_for_load_state("load")
    toggler = page.locator("button.custom-navbar-toggler")
    persons = page.locator("#main-menu").get_by_role("link", name="Persons")
    if width < 992:
        assert toggler.is_visible() and not persons.is_visible()
        header_height = page.locator("header").bounding_box()["height"]
        assert header_height < 200, header_height  # not eight lines of links
        toggler.click()
        persons.wait_for(state="visible")
        assert _fits(page)
    else:
        assert not toggler.is_visible() and persons.is_visible()
    # Only roles that configure see the way into the admin.
    assert page.locator("#main-menu").get_by_role("link", name="Administration").count() == 1


def test_the_admin_entry_is_offered_only_to_roles_with_admin_access(open_page, client, user_of):
    client.force_login(user_of(Role.THIRD_SECTOR_OPERATOR))
    page = open_page(client, locale="en-GB")
    page.goto("/third-sector/")
    page.locator("#main-menu").wait_for(state="attached")
    assert page.locator("#main-menu").get_by_role("link", name="Administration").count() == 0
