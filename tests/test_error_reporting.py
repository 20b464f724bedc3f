"""Error reporting sends what finds a bug and nothing that names a person.

A real Sentry client posts its envelopes to a collector listening on loopback, as it would to
Sentry or GlitchTip; the tests read what arrived.
"""

import gzip
import http.server
import io
import json
import logging
import threading
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from siso_platform import error_reporting

from .factories import PersonFactory

pytestmark = pytest.mark.django_db


class _Collector(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk's choice where brotli is installed (WeasyPrint's)
            import brotli

            body = brotli.decompress(body)
        self.server.received.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def reporting(collector):
    """Reporting on, to the collector; `sent()` flushes and returns the events received."""
    dsn = f"http://public@127.0.0.1:{collector.server_address[1]}/1"
    error_reporting.init(dsn, environment="test", release="test")

    def sent() -> list[dict]:
        sentry_sdk.flush(timeout=5)
        events = []
        for envelope in collector.received:
            for line in envelope.splitlines():
                item = json.loads(line) if line.startswith("{") else {}
                if "exception" in item or "logentry" in item:
                    events.append(item)
        return events

    yield sent
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent by the tests that follow


def _find_household(tax_code: str):
    household = None  # a local holding a person's data, as any view's would
    if household is None:
        raise LookupError(f"no household for {tax_code}")


def test_an_exception_reaches_the_collector_without_the_tax_code(reporting):
    person = PersonFactory()
    try:
        _find_household(person.tax_code)
    except LookupError:
        sentry_sdk.capture_exception()
    (event,) = reporting()
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "LookupError"
    assert exception["value"] == "no household for [filtered]"
    assert "_find_household" in [frame["function"] for frame in exception["stacktrace"]["frames"]]
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    assert person.tax_code not in json.dumps(event)


def test_a_logged_error_is_scrubbed_too(reporting):
    logging.getLogger("siso_platform.imports").error(
        "row of %s refused; write to %s", "RSSMRA80A01G478Z", "mario.rossi@example.org"
    )
    (event,) = reporting()
    text = json.dumps(event)
    assert "RSSMRA80A01G478Z" not in text and "mario.rossi" not in text
    assert "row of [filtered] refused" in event["logentry"]["formatted"]


@csrf_exempt
def _breaks(request):
    person = request.POST["tax_code"]  # noqa: F841 (a local the report must not carry)
    raise RuntimeError("the view broke")


urlpatterns = [path("breaks/", _breaks)]


@pytest.mark.urls(__name__)
def test_a_failing_request_sends_no_body_query_or_cookie(client, reporting, make_member):
    person = PersonFactory()
    user = make_member("operator", zone_number=2)
    client.force_login(user)
    client.raise_request_exception = False
    client.cookies["last_search"] = person.last_name
    response = client.post(
        f"/breaks/?q={person.last_name}",
        {"tax_code": person.tax_code, "note": f"{person.first_name} {person.last_name}"},
    )
    assert response.status_code == 500
    (event,) = reporting()
    text = json.dumps(event)
    for secret in (person.tax_code, person.last_name, person.first_name, user.username):
        assert secret not in text
    assert event["exception"]["values"][-1]["value"] == "the view broke"
    assert event["user"] == {"id": str(user.pk)} or event["user"] == {"id": user.pk}
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["transaction"] == "/breaks/"


@pytest.mark.urls(__name__)
def test_behind_the_wsgi_server_the_url_stays_and_the_query_and_cookies_go(reporting):
    """The path gunicorn takes (WSGIHandler, which Sentry wraps), with what a browser sends."""
    person = PersonFactory()
    body = urlencode({"tax_code": person.tax_code}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/breaks/",
        "QUERY_STRING": urlencode({"q": person.last_name}),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"last_search={person.last_name}",
        "HTTP_USER_AGENT": "field-tablet",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    WSGIHandler()(environ, lambda status, headers: None)
    (event,) = reporting()
    text = json.dumps(event)
    for secret in (person.tax_code, person.last_name, "203.0.113.9"):
        assert secret not in text
    assert event["request"]["url"] == "http://127.0.0.1/breaks/"
    assert event["request"]["headers"]["User-Agent"] == "field-tablet"
