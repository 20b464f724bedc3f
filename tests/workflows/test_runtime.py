import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import PROCESS, STATUS

from siso_platform.accounts.models import Organisation
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


def test_running_processes_keep_their_version_and_new_ones_take_the_latest(
    publish_steps, operator, social_worker
):
    v1 = publish_steps([task("check", "done"), end()])
    running = runtime.start(v1, user=operator)
    v2 = publish_steps([task("check", "second"), task("second", "done"), end()])
    assert v2.number == 2 and v2.definition_id == v1.definition_id

    (old_check,) = runtime.my_tasks(social_worker)
    runtime.complete(old_check, social_worker, answers={"approved": True})
    running.refresh_from_db()
    assert running.status == PROCESS.DONE  # v1 had no second step

    (latest,) = runtime.startable(runtime.host().start_context(user=operator))
    assert latest == v2
    fresh = runtime.start(latest, user=operator)
    (new_check,) = runtime.my_tasks(social_worker)
    runtime.complete(new_check, social_worker, answers={"approved": True})
    (second,) = runtime.my_tasks(social_worker)
    assert second.process == fresh and second.flow_task.name == "second"


def test_a_zone_variant_replaces_the_template_in_its_zone_only(
    publish_steps, operator, make_member
):
    template = publish_steps([task("check", "done"), end()], slug="modello")
    zone_org = Organisation.objects.get(zone__number=2)
    variant = publish_steps(
        [task("check", "extra"), task("extra", "done"), end()],
        slug="modello-zona-2",
        owner=zone_org,
        based_on=template.definition,
    )
    in_zone_2 = runtime.host().start_context(user=operator)
    in_zone_5 = runtime.host().start_context(user=make_member("operator", zone_number=5))
    assert runtime.version_for("modello", in_zone_2) == variant
    assert runtime.version_for("modello", in_zone_5) == template
    assert runtime.startable(in_zone_2) == [variant]


def test_only_the_owner_completes_and_a_task_completes_once(
    publish_steps, operator, social_worker, make_member
):
    version = publish_steps([task("check", "done"), end()])
    runtime.start(version, user=operator)
    (check,) = runtime.my_tasks(social_worker)
    colleague = make_member("social_worker", zone_number=2)
    with pytest.raises(PermissionDenied):
        runtime.complete(check, colleague, answers={"approved": True})
    with pytest.raises(ValidationError) as refused:
        runtime.complete(check, social_worker, answers={})
    assert "approved" in refused.value.message_dict
    runtime.complete(check, social_worker, answers={"approved": True})
    with pytest.raises(runtime.TaskClosed):
        runtime.complete(check, social_worker, answers={"approved": True})
