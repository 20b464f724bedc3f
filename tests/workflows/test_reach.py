"""What a third-sector body reaches of processes, tasks and submissions (deny by default).

A body's operator sees the process of a person entrusted to the body only while the
assignment, the body's accreditation and the operator's membership last, and then only its
own tasks, its own submissions and the questionnaires shared with assigned partners. Anything
else, and another zone's tasks for anyone, answers 404: read, claim, release, complete.
"""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from forms.models import FormDefinition, Submission
from forms.publishing import export_definition, import_definition, read_export
from forms.publishing import publish as publish_form
from siso_platform.accounts.models import Membership, Organisation, OrganisationKind, Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem
from siso_platform.thirdsector import actions as thirdsector
from siso_platform.thirdsector.models import Accreditation
from tests import factories
from workflows import runtime

from .conftest import end, task, text

DAY = datetime.timedelta(days=1)
SECRET = "Depressione dopo il lutto del marito"  # health data: for social services only
SHARED = "Spesa fatta insieme al mercato"


@dataclass
class Entrusted:
    """A person of zone 2 with a case entrusted to an accredited body."""

    person: object
    case: object
    assignment: object
    body: object
    body_operator: object
    operator: object
    social_worker: object


@pytest.fixture
def entrusted(db, templates, make_member, person_in_zone, operator, social_worker):
    body = factories.accredited_body("Cooperativa Il Ponte", 2)
    person = person_in_zone(2)
    case = factories.taken_in_charge(operator, person, "Vive solo, non esce più di casa")
    today = datetime.date.today()
    assignment = casework.assign_case(
        case, by=operator, body=body.organisation, starts_on=today - 7 * DAY
    )
    return Entrusted(
        person=person,
        case=case,
        assignment=assignment,
        body=body,
        body_operator=make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body.organisation),
        operator=operator,
        social_worker=social_worker,
    )


def _publish(slug: str, key: str, *, shared: bool) -> None:
    schema = {
        "slug": slug,
        "title": text(slug),
        "steps": [
            {
                "key": "step",
                "title": text("Risposte"),
                "fields": [{"key": key, "kind": "textarea", "label": text(key)}],
            }
        ],
    }
    document = {"slug": slug, "schema": schema, "shared_with_partners": shared}
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    publish_form(import_definition(document, owner=region))


@pytest.fixture
def interview(entrusted, publish_steps):
    """A process about the entrusted person: the social worker fills an intake interview not
    shared with bodies, then an activity diary that is."""
    _publish("colloquio-riservato", "reason", shared=False)
    _publish("diario-attivita", "note", shared=True)
    version = publish_steps(
        [
            task("colloquio", "diario", form="colloquio-riservato"),
            task("diario", "done", form="diario-attivita"),
            end(),
        ],
        slug="colloquio",
    )
    process = runtime.start(version, user=entrusted.operator, case=entrusted.case)
    runtime.complete(_open(process), entrusted.social_worker, answers={"reason": SECRET})
    return process


def _open(process) -> Task:
    return process.task_set.get(flow_task_type="HUMAN", status__in=runtime.OPEN)


def _done(process, step: str) -> Task:
    return next(t for t in runtime.history(process) if t.flow_task.name == step)


def _submission(task: Task) -> Submission:
    return Submission.objects.get(pk=task.data["submission"])


def _pages(process, task) -> dict:
    return {
        "api process": reverse("api-v1:process", args=[process.pk]),
        "api task": reverse("api-v1:task", args=[task.pk]),
        "process page": reverse("workflows:process", args=[process.pk]),
        "task page": reverse("workflows:task", args=[task.pk]),
    }


def _statuses(client, urls: dict) -> dict:
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_the_seeded_questionnaires_say_what_bodies_read(templates):
    shared = dict(FormDefinition.objects.values_list("slug", "shared_with_partners"))
    assert shared["rendicontazione-attivita"] is True
    assert shared["scheda-accesso"] is False


def test_an_unshared_intake_is_404_to_the_body_of_the_entrusted_person(
    client, entrusted, interview
):
    colloquio = _done(interview, "colloquio")
    answers = reverse("forms:submission", args=[_submission(colloquio).uuid])
    client.force_login(entrusted.body_operator)

    urls = {**_pages(interview, colloquio), "answers": answers}
    assert _statuses(client, urls) == dict.fromkeys(urls, 404)
    # nor the open step that follows, which is the social worker's, even on the case's page
    assert client.get(reverse("api-v1:task", args=[_open(interview).pk])).status_code == 404
    case_page = client.get(reverse("casework:case", args=[entrusted.case.pk]))
    assert case_page.status_code == 200 and case_page.context["procedure_tasks"] == []

    # the social services follow the whole process
    client.force_login(entrusted.social_worker)
    assert _statuses(client, urls) == dict.fromkeys(urls, 200)
    assert SECRET in client.get(answers).content.decode()


def test_the_body_reads_the_answers_of_a_shared_questionnaire_and_nothing_else(
    client, entrusted, interview
):
    runtime.complete(_open(interview), entrusted.social_worker, answers={"note": SHARED})
    diario, colloquio = _done(interview, "diario"), _done(interview, "colloquio")
    client.force_login(entrusted.body_operator)

    found = client.get(reverse("api-v1:process", args=[interview.pk]))
    assert found.status_code == 200
    assert [entry["step"] for entry in found.json()["history"]] == ["diario"]
    assert found.json()["history"][0]["answers"] == {"note": SHARED}
    assert found.json()["variables"] == {}
    assert SECRET not in found.content.decode()

    page = client.get(reverse("workflows:process", args=[interview.pk]))
    assert page.status_code == 200
    assert SHARED in page.content.decode() and SECRET not in page.content.decode()
    assert page.context["history"] == [diario]

    shared = client.get(reverse("forms:submission", args=[_submission(diario).uuid]))
    assert shared.status_code == 200 and SHARED in shared.content.decode()
    hidden = reverse("forms:submission", args=[_submission(colloquio).uuid])
    assert client.get(hidden).status_code == 404
    assert client.get(reverse("api-v1:task", args=[colloquio.pk])).status_code == 404

    # the person's record lists the shared answers among what the body reads of the person
    record = client.get(reverse("casework:person", args=[entrusted.person.pk]))
    assert record.status_code == 200
    assert reverse("forms:submission", args=[_submission(diario).uuid]) in record.content.decode()
    assert hidden not in record.content.decode()


@pytest.fixture
def correction(entrusted, client):
    """The body's report, sent back by the social worker: the correction is the body's task."""
    intervention = casework.record_intervention(
        by=entrusted.operator,
        item=CatalogueItem.objects.get(code="B1.01"),
        provider=entrusted.body.organisation,
        case=entrusted.case,
        person=entrusted.person,
        starts_on=datetime.date.today() - 30 * DAY,
        quantity=40,
    )
    report, _created = thirdsector.submit_report(
        by=entrusted.body_operator,
        body=entrusted.body,
        person=entrusted.person,
        intervention=intervention,
        date=datetime.date.today(),
        activity_type="home_care",
        hours=2,
    )
    check = _open(report.process)
    runtime.claim(check, entrusted.social_worker)
    runtime.complete(
        check, entrusted.social_worker, answers={"approved": False, "note": "Manca la firma"}
    )
    own = _open(report.process)
    assert own.owner == entrusted.body_operator
    return own


def _end_assignment(entrusted):
    casework.end_assignment(
        entrusted.assignment, by=entrusted.operator, ends_on=datetime.date.today() - DAY
    )


def _expire_accreditation(entrusted):
    Accreditation.objects.filter(body=entrusted.body).update(valid_to=datetime.date.today() - DAY)


def _end_membership(entrusted):
    # the end of a membership is exclusive: from today the operator no longer works there
    Membership.objects.filter(user=entrusted.body_operator).update(valid_to=datetime.date.today())


@pytest.mark.parametrize("ending", [_end_assignment, _expire_accreditation, _end_membership])
def test_the_body_loses_its_own_task_and_process_when_its_reach_ends(
    client, entrusted, correction, ending
):
    process = correction.process
    urls = _pages(process, correction)
    client.force_login(entrusted.body_operator)
    assert _statuses(client, urls) == dict.fromkeys(urls, 200)
    assert [t["id"] for t in client.get(reverse("api-v1:tasks")).json()] == [correction.pk]

    ending(entrusted)

    assert _statuses(client, urls) == dict.fromkeys(urls, 404)
    for action in ("task-claim", "task-release", "task-complete"):
        url = reverse(f"api-v1:{action}", args=[correction.pk])
        response = client.post(url, {"answers": {"approved": True}}, "application/json")
        assert response.status_code == 404, action
    page = reverse("workflows:task", args=[correction.pk])
    assert client.post(page, {"approved": "true"}).status_code == 404
    assert client.get(reverse("api-v1:tasks")).json() == []
    correction.refresh_from_db()
    assert correction.status in runtime.WORKING  # nothing was done through the old task


def test_another_zones_task_is_404_for_every_action(
    client, publish_steps, make_member, person_in_zone, social_worker
):
    version = publish_steps([task("check", "done", queue=True), end()])
    elsewhere = make_member(Role.OPERATOR, zone_number=5)
    process = runtime.start(version, user=elsewhere, subject=person_in_zone(5))
    theirs = _open(process)
    make_member(Role.SOCIAL_WORKER, zone_number=5)  # the queue's own audience
    client.force_login(social_worker)  # a social worker of zone 2

    urls = _pages(process, theirs)
    assert _statuses(client, urls) == dict.fromkeys(urls, 404)
    for name in ("claim", "release", "fill"):
        url = reverse(f"workflows:{name}", args=[theirs.pk])
        assert client.post(url).status_code == 404, name
    assert client.post(urls["task page"], {"approved": "true"}).status_code == 404
    for action in ("task-claim", "task-release", "task-complete"):
        url = reverse(f"api-v1:{action}", args=[theirs.pk])
        response = client.post(url, {"answers": {"approved": True}}, "application/json")
        assert response.status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.owner_id is None and theirs.status == "NEW"


def test_sharing_travels_with_the_questionnaire_file(db):
    _publish("diario-attivita", "note", shared=True)
    document = read_export(export_definition(FormDefinition.objects.get(slug="diario-attivita")))
    assert document["shared_with_partners"] is True

    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    copy = json.loads(json.dumps({**document, "slug": "diario-copia"}))
    publish_form(import_definition(copy, owner=region))
    assert FormDefinition.objects.get(slug="diario-copia").shared_with_partners is True
