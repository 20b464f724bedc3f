"""The log lines of a request carry its request id, the user's id and the route, never a name
or a tax code; domain events are named lines with ids."""

import io
import json
import logging

import pytest
from django.urls import reverse

from siso_platform import logs
from siso_platform.accounts.models import DeviceToken, Role

pytestmark = pytest.mark.django_db


def _formatter(log_format: str) -> logging.Formatter:
    spec = dict(logs.logging_config(log_format, "INFO", "WARNING")["formatters"]["structured"])
    return spec.pop("()")(**spec)


@pytest.fixture
def log_lines():
    """What the root logger writes while the test runs, as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter("json"))
    loggers = [logging.getLogger(name) for name in ("", *logs.QUIET_ON_CONSOLE)]
    levels = [logger.level for logger in loggers]
    loggers[0].addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    loggers[0].removeHandler(handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_a_case_opened_on_the_web_is_a_named_event_with_the_request_and_user(
    client, access, make_member, log_lines, django_capture_on_commit_callbacks
):
    worker = make_member(Role.SOCIAL_WORKER, zone_number=2)
    client.force_login(worker)
    person = access.person
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("casework:open_case", args=[access.pk]),
            {"office": access.office_id, "social_worker": worker.pk, "opened_on": "2026-11-02"},
        )
    assert response.status_code == 302
    lines = log_lines()
    opened = next(line for line in lines if line["event"] == "case_opened")
    case = person.cases.get()
    assert opened["case_id"] == case.pk
    assert opened["request_id"] == response["X-Request-ID"]
    assert opened["user_id"] == worker.pk
    assert opened["route"] == "casework/accesses/<int:pk>/open-case/"
    assert {"timestamp", "level", "logger"} <= opened.keys()
    finished = next(line for line in lines if line["event"] == "request_finished")
    assert (finished["status"], finished["user_id"]) == (302, worker.pk)
    written = "\n".join(json.dumps(line) for line in lines)
    for secret in (person.tax_code, person.last_name, person.first_name, worker.username):
        assert secret not in written


def test_an_api_request_names_the_token_user(client, make_member, log_lines):
    operator = make_member(Role.OPERATOR, zone_number=2)
    _, token = DeviceToken.objects.create(user=operator, expiry=None, device="phone")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    finished = next(line for line in log_lines() if line["event"] == "request_finished")
    assert finished["user_id"] == operator.pk
    assert finished["request_id"] == response["X-Request-ID"]


def test_a_librarys_line_during_a_request_carries_the_request_id(client, make_member, log_lines):
    client.force_login(make_member(Role.OPERATOR, zone_number=2))
    response = client.get(reverse("casework:person", args=[987654321]))
    assert response.status_code == 404
    not_found = next(line for line in log_lines() if line["logger"] == "django.request")
    assert not_found["request_id"] == response["X-Request-ID"]
    assert not_found["level"] == "warning"


def test_development_lines_are_readable():
    record = logging.LogRecord(
        "siso_platform.test", logging.WARNING, "", 0, "disk %s", ("low",), None
    )
    line = _formatter("console").format(record)
    assert "[warning" in line and "disk low" in line and "[siso_platform.test]" in line
    assert line[:4].isdigit()  # the timestamp first
