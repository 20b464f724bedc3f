"""The database task worker waits out a locked SQLite database instead of stopping."""

import pytest
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker

from siso_platform.imports.management.commands import task_worker


def worker():
    return task_worker.PatientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


@pytest.fixture
def pauses(monkeypatch):
    slept = []
    monkeypatch.setattr(task_worker.time, "sleep", slept.append)
    return slept


def failing_first(monkeypatch, *errors):
    """The library's loop meets `errors` (what SQLite raises), then ends normally."""
    left = list(errors)

    def run(self):
        if left:
            raise left.pop(0)

    monkeypatch.setattr(db_worker.Worker, "run", run)


def test_a_locked_database_makes_the_worker_wait_and_go_on(monkeypatch, pauses):
    failing_first(
        monkeypatch,
        OperationalError("database is locked"),
        OperationalError("database is locked"),
    )

    worker().run()  # returns: the worker was not stopped

    assert pauses == [1, 2]


def test_any_other_database_error_still_stops_it(monkeypatch, pauses):
    failing_first(monkeypatch, OperationalError("no such table: django_tasks_db_dbtaskresult"))

    with pytest.raises(OperationalError, match="no such table"):
        worker().run()
    assert pauses == []


def test_the_command_runs_the_patient_worker(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    used = []
    monkeypatch.setattr(task_worker.PatientWorker, "run", lambda self: used.append(type(self)))
    from django.core.management import call_command

    call_command("task_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    assert used == [task_worker.PatientWorker]
    assert db_worker.Worker is not task_worker.PatientWorker  # the library is left as it was
