"""Chromium for the field app: a service worker needs a secure origin, and the app's API calls
carry their own headers (the token, the Idempotency-Key).

As in tests/browser.py, Django's test client serves every request inside the test's
transaction; here Chromium treats http://testserver as secure (so the service worker
registers), the client forwards the request's headers, and `app.offline` cuts the network
as a phone's is cut: the context is offline and nothing reaches the server.
"""

import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client, RequestFactory

from tests.browser import CHROMIUM, CHROMIUM_ARGS, ORIGIN

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FORWARDED = ("authorization", "idempotency-key", "accept", "accept-language")

# Every IndexedDB database of the origin, as text: what a person's data would show in.
INDEXEDDB_DUMP = """async () => {
    const dump = [];
    for (const { name } of await indexedDB.databases()) {
        const database = await new Promise((ok, fail) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => ok(request.result);
            request.onerror = () => fail(request.error);
        });
        for (const store of database.objectStoreNames) {
            const rows = await new Promise((ok) => {
                const request = database.transaction(store).objectStore(store).getAll();
                request.onsuccess = () => ok(request.result);
            });
            dump.push(`${name}/${store}: ${JSON.stringify(rows)}`);
        }
        database.close();
    }
    return dump.join("\\n");
}"""


class WorkerScript(BaseHTTPRequestHandler):
    """The network for what Playwright cannot route: Chromium fetches a service worker's script
    for an update outside the page, so that request reaches this server (testserver resolves
    to it). It serves the worker's script only, from the view (no database needed)."""

    def do_GET(self):
        from siso_platform.fieldapp import views

        if self.path.split("?")[0] != "/app/sw.js":
            self.send_error(404)
            return
        response = views.service_worker(RequestFactory().get("/app/sw.js"))
        self.send_response(response.status_code)
        for name, value in response.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def worker_script_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), WorkerScript)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def app_chromium(worker_script_server):
    if not CHROMIUM:
        if os.environ.get("SISO_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    *CHROMIUM_ARGS,
                    f"--unsafely-treat-insecure-origin-as-secure={ORIGIN}",
                    f"--host-resolver-rules=MAP testserver 127.0.0.1:{worker_script_server}",
                ],
            )
            yield browser
            browser.close()


@dataclass
class App:
    """A browser context (one device: its IndexedDB, its service worker) and its network."""

    context: object
    client: Client
    offline: bool = False
    # (method, path) -> handler(route): a test's own answer to a request instead of Django's.
    overrides: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    # What the server answered: (method, path, query, status, body), Django's answers only.
    answers: list = field(default_factory=list)

    def set_offline(self, offline: bool) -> None:
        self.offline = offline
        self.context.set_offline(offline)

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(10000)
        return page

    def serve(self, route) -> None:
        serve(self.client, route)


@pytest.fixture
def open_app(app_chromium):
    """`open_app(viewport=PHONE)`: a new device, with a first page at /app/ not yet opened."""
    connection = connections["default"]
    contexts = []

    def open_for(viewport=PHONE):
        # a device in Umbria: Rome's clock, so that its "today" is the server's
        context = app_chromium.new_context(
            base_url=ORIGIN, locale="it-IT", timezone_id="Europe/Rome", viewport=viewport
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ORIGIN)
        app = App(context=context, client=Client())
        contexts.append(context)

        def handle(route):
            connections["default"] = connection
            request = route.request
            url = urlsplit(request.url)
            if app.offline or f"{url.scheme}://{url.netloc}" != ORIGIN:
                return route.abort("internetdisconnected")
            app.requests.append((request.method, url.path))
            override = app.overrides.get((request.method, url.path))
            if override:
                return override(route)
            answer = serve(app.client, route)
            if answer is not None:
                app.answers.append(
                    (request.method, url.path, url.query, answer.status_code, answer.content)
                )

        context.route("**/*", handle)
        return app

    yield open_for
    for context in contexts:
        context.close()


def serve(client, route):
    request = route.request
    url = urlsplit(request.url)
    if url.path.startswith("/static/"):
        found = finders.find(url.path.removeprefix("/static/"))
        return route.fulfill(path=found) if found else route.fulfill(status=404)
    headers = {name: value for name, value in request.headers.items() if name in FORWARDED}
    response = client.generic(
        request.method,
        request.url.removeprefix(ORIGIN),
        data=request.post_data_buffer or b"",
        content_type=request.headers.get("content-type", ""),
        headers=headers,
    )
    route.fulfill(
        status=response.status_code, headers=dict(response.items()), body=response.content
    )
    return response
