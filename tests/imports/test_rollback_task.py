"""Rolling back an import of any size is a background task: the admin only asks for it, the
run page follows its progress, and a second click while it runs changes nothing."""

import datetime
import time

import pytest
from django.db.models.signals import post_save
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from siso_platform import bulk
from siso_platform.accounts.models import Membership, Organisation
from siso_platform.accounts.roles import ensure_role_groups
from siso_platform.audit.models import AuditEvent
from siso_platform.imports import tasks
from siso_platform.imports.models import ImportChange, ImportRun, RunStatus
from siso_platform.people.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PERSONS = 100_000
BATCH = 2_000  # the journal entries a run of the default batch size writes


@pytest.fixture(autouse=True)
def database_task_backend(settings, role_groups):
    # The request only enqueues: nothing runs until the worker takes the task.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def role_groups(db):
    ensure_role_groups()


@pytest.fixture
def steward(perugia):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        organisation=Organisation.objects.get(municipality=perugia),
        role="data_steward",
        valid_from=datetime.date(2020, 1, 1),
    )
    return user


@pytest.fixture
def large_run(perugia):
    """A completed registry run that inserted 100,000 persons, journaled as a run does."""
    run = ImportRun.objects.create(
        source="registry",
        municipality=perugia,
        file="imports/large.csv",
        file_name="large.csv",
        reference_date=datetime.date(2026, 1, 31),
        status=RunStatus.COMPLETED,
        rows_read=PERSONS,
        rows_inserted=PERSONS,
    )
    ids = bulk.insert(
        Person,
        [
            {
                "tax_code": f"{n:011d}",
                "provisional_tax_code": True,
                "last_name": "Rossi",
                "first_name": f"P{n}",
                "sex": "M",
                "birth_date": datetime.date(1980, 1, 1),
                "residence_municipality_id": perugia.pk,
            }
            for n in range(PERSONS)
        ],
    )
    ImportChange.objects.bulk_create(
        ImportChange(run=run, model="people.Person", inserted=ids[i : i + BATCH])
        for i in range(0, PERSONS, BATCH)
    )
    return run


def test_a_100000_row_run_rolls_back_as_a_task_with_its_progress(
    english_client, steward, large_run
):
    client = english_client
    client.force_login(steward)
    url = reverse("import_runs:roll_back", args=[large_run.pk])

    started = time.monotonic()
    response = client.post(url, follow=True)
    asked_in = time.monotonic() - started

    # The request only asked for it: nothing is undone yet, and the page follows the task.
    assert asked_in < 3
    assert "The rollback has started: this page shows its progress." in [
        str(m) for m in response.context["messages"]
    ]
    large_run.refresh_from_db()
    assert large_run.status == RunStatus.ROLLING_BACK
    assert Person.objects.count() == PERSONS
    status = client.get(reverse("import_runs:status", args=[large_run.pk])).json()
    assert (status["status"], status["progress"], status["following"]) == (
        "rolling_back",
        0,
        True,
    )
    assert "Roll back" not in response.content.decode().split("run-status", 1)[1]

    # A second click while it waits or runs: refused with the reason, no second task.
    again = client.post(url, follow=True)
    assert "This run is already being rolled back: see its progress." in [
        str(m) for m in again.context["messages"]
    ]
    (queued,) = DBTaskResult.objects.filter(task_path=tasks.roll_back_run.module_path)
    assert queued.args_kwargs["args"] == [large_run.pk]

    # The worker's turn: the progress it reports as it goes.
    reported = []

    def progress(sender, instance, update_fields=None, **kwargs):
        if instance.pk == large_run.pk and update_fields and "rollback_done" in update_fields:
            reported.append(instance.progress)

    post_save.connect(progress, sender=ImportRun)
    try:
        queued.task.call(*queued.args_kwargs["args"])
    finally:
        post_save.disconnect(progress, sender=ImportRun)

    large_run.refresh_from_db()
    assert large_run.status == RunStatus.ROLLED_BACK
    assert not Person.objects.exists()
    assert not large_run.changes.exists()
    steps = [p for p in reported if 0 < p < 100]
    assert len(steps) >= 10 and steps == sorted(steps)
    assert reported[-1] == 100
    assert AuditEvent.objects.filter(
        action="delete", object_type="imports.importrun", actor=steward
    ).exists()
    # The run page shows the end state, and offers no rollback any more.
    status = client.get(reverse("import_runs:status", args=[large_run.pk])).json()
    assert (status["status"], status["progress"], status["following"]) == (
        "rolled_back",
        100,
        False,
    )
    # A task enqueued twice finds the run rolled back and does nothing.
    assert tasks.roll_back_run.call(large_run.pk) == {"status": RunStatus.ROLLED_BACK}


def test_a_rollback_refused_by_casework_changes_nothing_and_says_why(
    english_client, steward, perugia
):
    from siso_platform.casework.models import Access

    from .conftest import csv_text, family, run_import

    run = run_import("registry", csv_text("registry", family()), perugia)
    mario = Person.objects.get(first_name="Mario")
    Access.objects.create(
        office=perugia.offices.get(is_default=True),
        person=mario,
        channel="in_person",
        reason="Richiesta di informazioni",
        outcome="information",
        recorded_by=steward,
    )
    english_client.force_login(steward)
    english_client.post(reverse("import_runs:roll_back", args=[run.pk]))
    (queued,) = DBTaskResult.objects.filter(task_path=tasks.roll_back_run.module_path)

    queued.task.call(*queued.args_kwargs["args"])

    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED  # as it was
    assert Person.objects.count() == 3 and run.changes.exists()
    page = english_client.get(reverse("import_runs:detail", args=[run.pk])).content.decode()
    assert "The rollback was refused:" in page
    assert "used elsewhere (access)" in page
    assert "Roll back" in page  # once the access is settled it may be asked again
