"""A procedure's form step whose questionnaire asks for a file, completed from the app:
`POST tasks/{id}/complete/` as multipart, as a questionnaire's submission is sent — one part per
file named by its answer's path, checked as the web checks uploads, kept in the person's
folder, once per Idempotency-Key with its files, and no file kept when refused."""

import json
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.status import STATUS

from forms.models import Submission
from forms.publishing import import_definition
from forms.publishing import publish as publish_form
from forms.wizard import documents_folder
from siso_platform.accounts.models import Organisation, OrganisationKind
from tests.api.test_app_writes import app  # noqa: F401 (fixture)
from tests.api.test_form_files import PDF, files_under, pdf
from tests.workflows.conftest import end, make_definition, task, text
from workflows import runtime
from workflows.publishing import publish

pytestmark = pytest.mark.django_db

VISIT_FORM = {
    "slug": "verbale-visita",
    "title": text("Verbale della visita", "Visit report"),
    "steps": [
        {
            "key": "main",
            "title": text("Verbale", "Report"),
            "fields": [
                {
                    "key": "signed_report",
                    "kind": "file",
                    "label": text("Verbale firmato", "Signed report"),
                    "required": True,
                    "validations": {"extensions": ["pdf"]},
                },
                {"key": "remarks", "kind": "text", "label": text("Note", "Remarks")},
                {"key": "visits", "kind": "integer", "label": text("Visite", "Visits")},
            ],
        }
    ],
}

STARTER = {"rule": "starter"}


def publish_visit_form():
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition({"slug": VISIT_FORM["slug"], "schema": VISIT_FORM}, owner=region)
    return publish_form(definition)


@pytest.fixture
def visit(operator, person_in_zone):
    """A procedure about a person whose first step, the operator's own, asks for the visit
    report with its signed PDF; an approve/reject step follows."""
    publish_visit_form()
    version = publish(
        make_definition(
            [
                task("visit", "check", form="verbale-visita", assignee=STARTER),
                task("check", "done", assignee=STARTER),
                end(),
            ],
            slug="visita-domiciliare",
        )
    )
    person = person_in_zone(2)
    process = runtime.start(version, user=operator, subject=person)
    (step,) = runtime.my_tasks(operator)
    return {"person": person, "process": process, "task": step}


def complete_url(item) -> str:
    return reverse("api-v1:task-complete", args=[item.pk])


def multipart(answers=None, **files):
    return {"answers": json.dumps(answers or {"remarks": "Visita svolta"}), **files}


def test_a_form_step_with_a_file_is_completed_once_with_the_file_kept(app, visit):  # noqa: F811
    person, item = visit["person"], visit["task"]
    key = str(uuid.uuid4())
    sent = app.post(
        complete_url(item),
        multipart(signed_report=pdf("verbale.pdf")),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert sent.status_code == 200, sent.json()
    item.refresh_from_db()
    assert item.status == STATUS.DONE
    answer = item.data["answers"]["signed_report"]
    assert set(answer) == {"name", "size", "content_type", "path"}
    assert (answer["name"], answer["size"]) == ("verbale.pdf", len(PDF))
    assert answer["content_type"] == "application/pdf"
    assert answer["path"].startswith(documents_folder(person.pk))
    assert default_storage.open(answer["path"]).read() == PDF
    assert item.data["answers"]["remarks"] == "Visita svolta"
    submission = Submission.objects.get()
    assert submission.subject == person and submission.answers["signed_report"] == answer
    kept = files_under(documents_folder(person.pk))
    assert kept == {answer["path"]}

    # The first answer lost: the retry with the same key and file is the same completion.
    again = app.post(
        complete_url(item),
        multipart(signed_report=pdf("verbale.pdf")),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == visit["process"].pk
    # Another file under the same key is another request.
    other = pdf("verbale.pdf", PDF + b"% firmato di nuovo\n")
    reused = app.post(
        complete_url(item),
        multipart(signed_report=other),
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert reused.status_code == 422
    assert Submission.objects.count() == 1
    assert files_under(documents_folder(person.pk)) == kept
    # the procedure moved on to the approve/reject step
    (check,) = runtime.my_tasks(item.owner)
    assert check.flow_task.name == "check"


def test_a_refused_file_names_its_part_and_keeps_no_file(app, visit):  # noqa: F811
    person, item = visit["person"], visit["task"]
    # A type the question does not take.
    text_file = SimpleUploadedFile("verbale.txt", b"Visita svolta\n", content_type="text/plain")
    refused = app.post(complete_url(item), multipart(signed_report=text_file), format="multipart")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["answers.signed_report"]
    # A page dressed as a PDF: refused by its content, as on the web.
    page = SimpleUploadedFile("verbale.pdf", b"<html><script>x</script></html>")
    refused = app.post(complete_url(item), multipart(signed_report=page), format="multipart")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["answers.signed_report"]
    # A part that names no file question of the step's questionnaire.
    wrong = app.post(complete_url(item), multipart(remarks=pdf()), format="multipart")
    assert wrong.status_code == 400 and list(wrong.json()["errors"]) == ["answers.remarks"]
    # Answers refused by the form engine once the file was kept: the file goes again.
    refused = app.post(
        complete_url(item),
        multipart({"visits": "molte"}, signed_report=pdf()),
        format="multipart",
    )
    assert refused.status_code == 400, refused.json()
    assert list(refused.json()["errors"]) == ["answers.visits"]

    item.refresh_from_db()
    assert item.status in runtime.WORKING
    assert not Submission.objects.exists()
    assert files_under(documents_folder(person.pk)) == set()


def test_an_approve_step_takes_no_file(app, visit, operator):  # noqa: F811
    item = visit["task"]
    sent = app.post(complete_url(item), multipart(signed_report=pdf()), format="multipart")
    assert sent.status_code == 200, sent.json()
    (check,) = runtime.my_tasks(operator)
    assert check.flow_task.name == "check"
    refused = app.post(
        complete_url(check),
        {"answers": json.dumps({"approved": True}), "verbale": pdf()},
        format="multipart",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["answers.verbale"]
    check.refresh_from_db()
    assert check.status in runtime.WORKING
    # Without the file, the same multipart request decides.
    decided = app.post(
        complete_url(check), {"answers": json.dumps({"approved": True})}, format="multipart"
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "DONE"
