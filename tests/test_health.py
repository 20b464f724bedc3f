"""The load balancer's probes: /healthz (the process answers) and /readyz (it can serve).

Anyone may call them, so they must answer without a login, a session or a second factor,
never be cached, and say nothing but which check failed and a generic reason.
"""

import json

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from siso_platform import health
from siso_platform.accounts.models import Role

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "tasks": "ok", "migrations": "ok"}


def _no_store(response):
    return "no-store" in response["Cache-Control"]


def test_healthz_answers_without_login_and_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert _no_store(response)
    assert not response.cookies


def test_readyz_answers_ok_when_every_check_holds(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}
    assert _no_store(response)
    assert not response.cookies


def test_a_signed_in_user_who_owes_a_second_factor_is_not_sent_to_enter_it(client, make_member):
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]  # password given, code not yet
    session.save()
    assert client.get("/casework/").status_code == 302  # the second factor is owed
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_probes_take_no_post(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_names_an_unreachable_database_and_nothing_of_it(client, monkeypatch, tmp_path):
    missing = tmp_path / "no-such-directory" / "siso.sqlite3"
    unreachable = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(missing)}}
    )
    monkeypatch.setattr(health, "connections", unreachable)
    try:
        response = client.get("/readyz")
    finally:
        unreachable.close_all()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unreachable (OperationalError)"
    assert body["checks"]["cache"] == "ok"
    text = response.content.decode()
    assert str(tmp_path) not in text and "sqlite" not in text.lower()
    assert "unable to open" not in text  # the driver's message stays in the server's log


def test_readyz_reports_migrations_not_applied(client):
    recorder = MigrationRecorder(health.connections["default"])
    latest = recorder.migration_qs.filter(app="home").latest("id")
    latest.delete()  # as if the release's migration had not run yet
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {**ALL_OK, "migrations": "1 not applied"},
    }
    assert latest.name not in response.content.decode()


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_readyz_reports_a_cache_that_keeps_nothing(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "cache": "a value set is not read back"}


def test_the_database_task_backend_is_ready_when_its_table_answers():
    from django_tasks_db import DatabaseBackend

    backend = DatabaseBackend("database", {"BACKEND": "django_tasks_db.DatabaseBackend"})
    assert health.readiness(backend=backend) == ALL_OK


def test_a_failed_check_is_logged_for_the_operators_with_its_cause(monkeypatch, tmp_path, caplog):
    missing = tmp_path / "absent" / "siso.sqlite3"
    unreachable = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(missing)}}
    )
    try:
        outcomes = health.readiness(connection=unreachable["default"])
    finally:
        unreachable.close_all()
    assert outcomes["database"] == "unreachable (OperationalError)"
    assert any("database" in r.getMessage() and r.exc_info for r in caplog.records)
    assert json.dumps(outcomes)  # serialisable as it is
