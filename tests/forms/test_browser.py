"""The wizard in a real browser: fields show, hide and compute live with the same JSON Logic.

Chromium talks to Django through Playwright's request routing and the test client, so the
test runs inside the test transaction (no live server). It needs Debian's `chromium`
(installed by .ci/run) and the `playwright` wheel; without them it is skipped.
"""

import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connections
from django.urls import reverse

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ORIGIN = "http://testserver"


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, client, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made while
    # serving its requests are synchronous all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = chromium.new_context(base_url=ORIGIN)
    connection = connections["default"]

    def serve(route):
        # Playwright calls handlers in another context, where Django would open a second
        # connection that cannot see this test's transaction: hand it the test's own.
        connections["default"] = connection
        _serve(client, route)

    context.route("**/*", serve)
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


def _serve(client, route):
    request = route.request
    url = urlsplit(request.url)
    path = url.path
    if f"{url.scheme}://{url.netloc}" != ORIGIN:
        return route.abort()  # nothing leaves the machine
    if path.startswith("/static/"):
        found = finders.find(path.removeprefix("/static/"))
        if found:
            return route.fulfill(path=found)
        return route.fulfill(status=404)
    response = client.generic(
        request.method,
        request.url.removeprefix(ORIGIN),
        data=request.post_data_buffer or b"",
        content_type=request.headers.get("content-type", ""),
    )
    headers = {key: value for key, value in response.items()}
    return route.fulfill(status=response.status_code, headers=headers, body=response.content)


@pytest.fixture
def draft_url(client, operator, intake, person_in_zone):
    client.force_login(operator)
    person = person_in_zone(2)
    response = client.post(
        reverse("forms:start", args=["scheda-accesso"]), {"tax_code": person.tax_code}
    )
    return response["Location"]


def test_fields_show_hide_and_compute_live(page, draft_url):
    page.goto(draft_url)
    permit = page.locator('[data-key="residence_permit"]')
    assert permit.is_hidden()
    page.get_by_label("Extra UE").check()
    assert permit.is_visible()
    page.get_by_label("Italiana").check()
    assert permit.is_hidden()

    page.get_by_label("Data di nascita").fill("2000-01-15")
    age = page.get_by_label("Età")
    assert age.input_value() not in ("", "0")
    assert int(age.input_value()) >= 26  # born in 2000: the browser computed it

    # on to the next step through the real form submission
    page.locator("#id_persona-first_name").fill("Mario")
    page.get_by_role("button", name="Avanti").click()
    rent = page.locator('[data-key="rent"]')
    assert rent.is_hidden()
    page.get_by_label("Affitto sul mercato privato").check()
    assert rent.is_visible()
    page.get_by_label("Proprietà").check()
    assert rent.is_hidden()
