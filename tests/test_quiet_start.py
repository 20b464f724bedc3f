"""`make run` starts quietly: the task worker prints failures, not every task; building the
demo queues no background work, and a built demo is not built again."""

import io
import logging

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from siso_platform.imports.management.commands import task_worker

pytestmark = pytest.mark.django_db


@task()
def routine():
    return 1


@task()
def breaks():
    raise RuntimeError("the sample task broke")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": settings.TASK_BACKENDS["database"]}


@pytest.fixture
def tasks_loggers():
    # The command sets the loggers' levels for the whole process: put them back after.
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_the_worker_prints_a_failing_task_with_its_traceback_and_nothing_of_the_others(
    database_tasks, tasks_loggers, monkeypatch, caplog
):
    routine.enqueue()
    routine.enqueue()
    failed = breaks.enqueue()

    def run(self):
        # The library's loop, without its process-wide transaction handling: each ready task
        # claimed and run as the worker does.
        for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
            result.claim(self.worker_id)
            self.run_task(result)

    monkeypatch.setattr(task_worker.PatientWorker, "run", run)

    call_command("task_worker", "--batch", "--no-reload", "--no-startup-delay")

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert failed.id in caplog.text and "state=FAILED" in caplog.text
    assert "Traceback" in caplog.text and "RuntimeError: the sample task broke" in caplog.text
    assert "SUCCESSFUL" not in caplog.text and "RUNNING" not in caplog.text


def test_asked_for_with_v2_the_worker_prints_every_task(
    database_tasks, tasks_loggers, monkeypatch, caplog
):
    routine.enqueue()
    monkeypatch.setattr(
        task_worker.PatientWorker,
        "run",
        lambda self: [self.run_task(r) for r in DBTaskResult.objects.ready()],
    )

    call_command("task_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=2)

    assert "state=SUCCESSFUL" in caplog.text


def test_building_the_demo_leaves_no_queued_task_and_a_second_run_skips_it(
    database_tasks, settings
):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("setup_demo", persons=30, stdout=out)

    assert not DBTaskResult.objects.exists()  # the reindexing was done as the demo was saved
    printed = out.getvalue().splitlines()
    assert len(printed) < 20, printed  # a few progress lines and the logins
    assert any("assistente" in line for line in printed)

    again = io.StringIO()
    call_command("setup_demo", stdout=again)

    assert "--refresh" in again.getvalue() and "assistente" in again.getvalue()
    assert not DBTaskResult.objects.exists()
