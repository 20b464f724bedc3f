import pytest
from django.core.exceptions import PermissionDenied
from viewflow.workflow.status import PROCESS, STATUS

from workflows import runtime

from .conftest import end, task, text

APPROVE_THEN_DECIDE = [
    task("check", "route", queue=True),
    {
        "key": "route",
        "kind": "decision",
        "title": text("Esito"),
        "branches": [{"when": {"var": "check.approved"}, "next": "confirm"}],
        "default": "done",
    },
    task("confirm", "done", assignee={"rule": "performer", "step": "check"}),
    end(),
]


def test_a_process_runs_through_queue_decision_and_performer(
    publish_steps, operator, social_worker, make_member
):
    version = publish_steps(APPROVE_THEN_DECIDE)
    process = runtime.start(version, user=operator)
    (check,) = runtime.queue(social_worker)
    assert check.flow_task.name == "check"
    outsider = make_member("social_worker", zone_number=5)
    assert list(runtime.queue(outsider)) == []
    with pytest.raises(PermissionDenied):
        runtime.claim(check, outsider)

    runtime.claim(check, social_worker)
    runtime.complete(check, social_worker, answers={"approved": True, "note": "ok"})
    (confirm,) = runtime.my_tasks(social_worker)
    assert confirm.flow_task.name == "confirm"
    runtime.complete(confirm, social_worker, answers={"approved": True})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert process.data["answers"]["check"] == {"approved": True, "note": "ok"}
    assert [t.flow_task.name for t in runtime.history(process) if t.owner_id] == [
        "check",
        "confirm",
    ]


def test_rejection_takes_the_default_branch(publish_steps, operator, social_worker):
    version = publish_steps(APPROVE_THEN_DECIDE)
    process = runtime.start(version, user=operator)
    (check,) = runtime.queue(social_worker)
    runtime.claim(check, social_worker)
    runtime.complete(check, social_worker, answers={"approved": False})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert not process.task_set.filter(status=STATUS.NEW).exists()
