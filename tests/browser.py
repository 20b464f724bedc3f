"""Real Chromium for end-to-end tests, served by the Django test client.

Chromium talks to Django through Playwright's request routing and a test client, so a test
runs inside the test transaction (no live server) and each client keeps its own login. It
needs Debian's `chromium` (installed by .ci/run) and the `playwright` wheel; never run
`playwright install`. Without them the browser tests are skipped, except where
SISO_REQUIRE_BROWSER is set (CI), where they fail.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connections
from django.utils.html import escape

CHROMIUM = shutil.which("chromium")
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


# One browser per test module: while it is open, its event loop runs in this thread.
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM:
        if os.environ.get("SISO_REQUIRE_BROWSER"):  # CI: a skipped browser test is a failure
            pytest.fail("Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread while the browser is open;
    # the ORM calls made meanwhile (fixtures, serving requests) are synchronous all the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def open_page(chromium):
    """`open_page(client)`: a browser tab whose requests the given test client serves."""
    connection = connections["default"]
    contexts = []

    def open_for(client, *, locale="it-IT"):
        context = chromium.new_context(base_url=ORIGIN, locale=locale)
        contexts.append(context)

        def serve(route):
            # Playwright calls handlers in another context, where Django would open a second
            # connection that cannot see this test's transaction: hand it the test's own.
            connections["default"] = connection
            _serve(client, route)

        context.route("**/*", serve)
        page = context.new_page()
        page.set_default_timeout(5000)
        return page

    yield open_for
    for context in contexts:
        context.close()


def _serve(client, route):
    request = route.request
    url = urlsplit(request.url)
    if f"{url.scheme}://{url.netloc}" != ORIGIN:
        return route.abort()  # nothing leaves the machine
    if url.path.startswith("/static/"):
        found = finders.find(url.path.removeprefix("/static/"))
        if found:
            return route.fulfill(path=found)
        return route.fulfill(status=404)
    response = client.generic(
        request.method,
        request.url.removeprefix(ORIGIN),
        data=request.post_data_buffer or b"",
        content_type=request.headers.get("content-type", ""),
        headers={"accept-language": request.headers.get("accept-language", "it")},
    )
    headers = {key: value for key, value in response.items()}
    if response.status_code in (301, 302, 303, 307, 308) and route.request.is_navigation_request():
        # Chromium does not always hand the request that follows a fulfilled redirect back
        # to the route (it then tries the network, and `testserver` does not resolve): send
        # the browser on with a fresh navigation instead.
        target = escape(response["Location"])
        body = f'<meta http-equiv="refresh" content="0;url={target}">'
        return route.fulfill(status=200, content_type="text/html", body=body)
    # A stored file (private_files.download) streams: read, not closed (close() would end the
    # request, and the test's database connection with it).
    streamed = response.streaming
    body = b"".join(response.streaming_content) if streamed else response.content
    return route.fulfill(status=response.status_code, headers=headers, body=body)


AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe-core", "axe.min.js")


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (vendored, tests/vendor/axe-core) on the open page.

    Returns the violations whose impact is in `impacts`, each as
    `{"id", "impact", "help", "targets"}` (targets: the CSS selectors of the offending nodes),
    so a failing assertion shows what to fix: `assert axe_violations(page) == []`.
    """
    # Colours read mid-transition (a focus ring fading, a panel sliding) are not the page's:
    # wait until no CSS animation or transition runs, on a loaded machine too.
    page.evaluate(
        """async () => {
            const ending = document.getAnimations().filter(a => a.playState === "running"
                && a.effect && Number.isFinite(a.effect.getComputedTiming().endTime));
            const settled = Promise.all(ending.map(a => a.finished.catch(() => null)));
            await Promise.race([settled, new Promise(done => setTimeout(done, 2000))]);
        }"""
    )
    # Injected as a file, so it works under the production CSP (no inline scripts).
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE)
    results = page.evaluate("async () => await window.axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
