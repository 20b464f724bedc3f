"""The phone app lists its tasks, claims, releases and completes them, and reads a process."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from forms.models import Submission
from forms.publishing import import_definition
from forms.publishing import publish as publish_form
from siso_platform.accounts.models import Organisation, OrganisationKind, Role
from siso_platform.audit.models import AuditEvent
from workflows import runtime
from workflows.models import TaskDeadline

from .conftest import end, task, text

CHECK = [
    task(
        "check",
        "done",
        queue=True,
        title="Verifica",
        deadline={"duration": "P3D", "working_days": False, "escalation": "notify"},
    ),
    end(),
]

INTERVIEW = {
    "slug": "colloquio",
    "title": text("Colloquio", "Interview"),
    "steps": [
        {
            "key": "main",
            "title": text("Colloquio", "Interview"),
            "fields": [
                {"key": "visits", "kind": "integer", "label": text("Visite"), "required": True},
                {"key": "remarks", "kind": "text", "label": text("Note")},
            ],
        }
    ],
}


@pytest.fixture
def interview(db):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition({"slug": "colloquio", "schema": INTERVIEW}, owner=region)
    return publish_form(definition)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def url(name, pk):
    return reverse(f"api-v1:{name}", args=[pk])


def only_task(process) -> Task:
    return process.task_set.get(flow_task_type="HUMAN", status__in=runtime.OPEN)


def test_queue_then_my_tasks(publish_steps, operator, social_worker, as_user):
    version = publish_steps(CHECK)
    process = runtime.start(version, user=operator)
    api = as_user(social_worker)

    assert api.get(reverse("api-v1:tasks")).json() == []
    [item] = api.get(reverse("api-v1:tasks"), {"queue": 1}).json()
    assert item["process"] == process.pk
    assert item["step"] == "check" and item["title"] == "Verifica"
    assert item["procedure"]["title"] == "Prova" and item["procedure"]["version"] == 1
    assert item["status"] == "NEW"
    assert item["form"] is None
    assert item["due_at"] is not None and item["overdue"] is False
    assert item["case"] is None and item["subject"] is None

    response = post(api, url("task-claim", item["id"]))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ASSIGNED"
    assert api.get(reverse("api-v1:tasks"), {"queue": 1}).json() == []
    [mine] = api.get(reverse("api-v1:tasks")).json()
    assert mine["id"] == item["id"] and mine["status"] == "ASSIGNED"

    TaskDeadline.objects.filter(task_id=item["id"]).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    [late] = api.get(reverse("api-v1:tasks")).json()
    assert late["overdue"] is True

    response = post(api, url("task-release", item["id"]))
    assert response.status_code == 200
    assert api.get(reverse("api-v1:tasks")).json() == []
    assert len(api.get(reverse("api-v1:tasks"), {"queue": 1}).json()) == 1


def test_an_outsider_may_not_claim_nor_read(
    publish_steps, operator, social_worker, make_member, as_user
):
    version = publish_steps(CHECK)
    process = runtime.start(version, user=operator)
    check = only_task(process)
    api = as_user(make_member(Role.SOCIAL_WORKER, zone_number=5))

    assert api.get(reverse("api-v1:tasks"), {"queue": 1}).json() == []
    # another zone's task: as if it did not exist, whatever the action
    for action in ("task-claim", "task-release", "task-complete"):
        response = post(api, url(action, check.pk))
        assert response.status_code == 404, action
        assert set(response.json()) == {"errors"}
    check.refresh_from_db()
    assert check.owner_id is None and check.status == STATUS.NEW

    assert api.get(url("task", check.pk)).status_code == 404
    assert api.get(url("process", process.pk)).status_code == 404
    assert api.get(url("task", 999999)).status_code == 404


def test_only_the_assignee_completes_and_approval_needs_an_answer(
    publish_steps, operator, social_worker, make_member, as_user
):
    version = publish_steps(CHECK)
    process = runtime.start(version, user=operator)
    check = only_task(process)
    runtime.claim(check, social_worker)

    colleague = as_user(make_member(Role.SOCIAL_WORKER, zone_number=2))
    response = post(colleague, url("task-complete", check.pk), {"answers": {"approved": True}})
    assert response.status_code == 403
    assert post(colleague, url("task-release", check.pk)).status_code == 403
    check.refresh_from_db()
    assert check.owner == social_worker and check.status == STATUS.ASSIGNED

    api = as_user(social_worker)
    detail = api.get(url("task", check.pk)).json()
    assert detail["kind"] == "approval" and detail["json_schema"] is None
    response = post(api, url("task-complete", check.pk), {"answers": {"note": "ok"}})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answers.approved"]

    response = post(api, url("task-complete", check.pk), {"answers": {"approved": True}})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == PROCESS.DONE
    response = post(api, url("task-complete", check.pk), {"answers": {"approved": True}})
    assert response.status_code == 409
    assert "detail" in response.json()["errors"]


def test_completing_an_unclaimed_task_asks_to_claim_it(
    publish_steps, operator, social_worker, as_user
):
    process = runtime.start(publish_steps(CHECK), user=operator)
    response = post(
        as_user(social_worker),
        url("task-complete", only_task(process).pk),
        {"answers": {"approved": True}},
    )
    assert response.status_code == 409


def test_a_form_step_through_the_api(
    publish_steps, interview, operator, social_worker, person_in_zone, as_user
):
    version = publish_steps(
        [task("interview", "check", form="colloquio", title="Colloquio"), CHECK[0], end()]
    )
    person = person_in_zone(2)
    process = runtime.start(version, user=operator, subject=person)
    api = as_user(social_worker)

    [item] = api.get(reverse("api-v1:tasks")).json()
    assert item["subject"] == person.pk
    assert item["form"]["slug"] == "colloquio" and item["form"]["version"] == 1
    assert item["form"]["url"].endswith(reverse("api-v1:form-version", args=["colloquio", 1]))
    assert api.get(item["form"]["url"]).status_code == 200
    detail = api.get(url("task", item["id"])).json()
    assert detail["kind"] == "form"
    assert detail["json_schema"]["properties"]["visits"]["type"] == "integer"
    assert detail["json_schema"]["required"] == ["visits"]

    complete = url("task-complete", item["id"])
    response = post(api, complete, {"answers": {"remarks": "a casa"}})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"answers.visits"}
    response = post(api, complete, {"answers": {"visits": "many"}})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"answers.visits"}
    assert not Submission.objects.exists()

    response = post(api, complete, {"answers": {"visits": 3, "remarks": "a casa"}})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == process.pk
    assert body["status"] == "NEW"  # still running: the check comes next
    assert body["context"] == {"case": None, "subject": person.pk}
    submission = Submission.objects.get()
    assert submission.subject == person and submission.answers["visits"] == 3
    assert submission.channel == "api"
    assert runtime.queue(social_worker).get().flow_task.name == "check"

    [done] = [entry for entry in body["history"] if entry["step"] == "interview"]
    assert done["answers"] == {"visits": 3, "remarks": "a casa"}
    assert done["who"] == {
        "username": social_worker.username,
        "full_name": social_worker.get_full_name(),
    }
    assert done["finished"] is not None and done["status"] == "DONE"
    assert post(api, complete, {"answers": {"visits": 4}}).status_code == 409
    assert Submission.objects.count() == 1


def test_process_detail_for_those_who_follow_it(
    publish_steps, operator, social_worker, make_member, person_in_zone, as_user
):
    version = publish_steps(CHECK)
    person = person_in_zone(2)
    process = runtime.start(version, user=operator, subject=person)
    check = only_task(process)
    runtime.claim(check, social_worker)
    runtime.complete(check, social_worker, answers={"approved": False, "note": "no"})

    body = as_user(operator).get(url("process", process.pk)).json()
    assert (
        AuditEvent.objects.filter(actor=operator, person_id=person.pk, action="view").count() == 1
    )
    assert body["procedure"]["title"] == "Prova"
    assert body["status"] == "DONE" and body["finished"] is not None
    assert body["variables"] == {}
    steps = [entry["step"] for entry in body["history"]]
    assert steps == ["check", "done"]
    assert body["history"][0]["answers"] == {"approved": False, "note": "no"}
    assert body["history"][0]["who"]["username"] == social_worker.username
    assert body["history"][1]["who"] is None

    # The operator who follows the person reads the finished task too.
    assert as_user(operator).get(url("task", check.pk)).status_code == 200
    stranger = as_user(make_member(Role.OPERATOR, zone_number=5))
    assert stranger.get(url("process", process.pk)).status_code == 404
    assert stranger.get(url("task", check.pk)).status_code == 404


def test_anonymous_requests_are_refused(client, publish_steps, operator):
    process = runtime.start(publish_steps(CHECK), user=operator)
    assert client.get(reverse("api-v1:tasks")).status_code == 401
    assert client.get(url("process", process.pk)).status_code == 401
