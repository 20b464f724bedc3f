"""The app's Idempotency-Keys are forgotten after `SISO_IDEMPOTENCY_DAYS` (`sync_keys_purge`):
the records stay; a retry that came after its key was purged would make a second record, which
is why the window outlives any device token (a device retries only while its token lives)."""

import datetime
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from siso_platform.casework.models import Access
from siso_platform.sync.models import IdempotencyKey

from .test_app_writes import _access, app  # noqa: F401 (fixture)


def _post(app, person, key):  # noqa: F811
    return app.post("/api/v1/accesses/", _access(person), HTTP_IDEMPOTENCY_KEY=key)


def _age(key: str, days: float) -> None:
    then = timezone.now() - datetime.timedelta(days=days)
    IdempotencyKey.objects.filter(key=key).update(created_at=then)


def test_the_window_outlives_a_device_token():
    assert settings.REST_KNOX["TOKEN_TTL"].days < settings.SISO_IDEMPOTENCY_DAYS


def test_old_keys_go_fresh_keys_stay_and_their_records_stay(app, case):  # noqa: F811
    old, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    assert _post(app, case.person, old).status_code == 201
    assert _post(app, case.person, fresh).status_code == 201
    _age(old, settings.SISO_IDEMPOTENCY_DAYS + 0.1)
    _age(fresh, settings.SISO_IDEMPOTENCY_DAYS - 0.1)
    out = io.StringIO()
    call_command("sync_keys_purge", stdout=out)
    assert out.getvalue().strip() == "idempotency keys deleted: 1"
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {fresh}
    assert Access.objects.filter(person=case.person, reason="Visita a domicilio").count() == 2

    # the fresh key still answers a retry with its record
    again = _post(app, case.person, fresh)
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    # a retry after its key was purged is a new request: a second record (documented)
    assert _post(app, case.person, old).status_code == 201
    assert Access.objects.filter(person=case.person, reason="Visita a domicilio").count() == 3


def test_the_purge_can_be_queued_for_the_worker(app, case, settings):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    key = str(uuid.uuid4())
    assert _post(app, case.person, key).status_code == 201
    _age(key, settings.SISO_IDEMPOTENCY_DAYS + 1)
    out = io.StringIO()
    call_command("sync_keys_purge", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")
    assert not IdempotencyKey.objects.exists()


def _settings_load(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import siso_platform.settings.base"],
        cwd=Path(__file__).parents[2],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_window_not_longer_than_the_token_is_refused():
    refused = _settings_load(API_TOKEN_DAYS="30", SISO_IDEMPOTENCY_DAYS="30")
    assert refused.returncode != 0
    assert "SISO_IDEMPOTENCY_DAYS must be more than API_TOKEN_DAYS" in refused.stderr
    assert _settings_load(API_TOKEN_DAYS="30", SISO_IDEMPOTENCY_DAYS="31").returncode == 0
