"""The home page in a real browser, at phone and desktop widths: it fits the screen and its
links lead to the service charter and to the sign-in."""

from urllib.parse import urlsplit

import pytest

from home import charter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_reaches_the_charter_and_the_sign_in_from_the_home_page(open_page, client, width):
    charter.seed()
    page = open_page(client, locale="en-GB")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # stylesheet on
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("heading", name="For citizens").wait_for()

    page.get_by_role("link", name="Carta dei servizi").click()
    page.get_by_role("heading", name="Carta dei servizi").wait_for()

    page.go_back()
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/accedi/")
    assert page.locator("#id_username").is_visible()
