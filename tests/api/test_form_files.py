"""Answers with files: `POST forms/{slug}/versions/{n}/submissions/` as multipart, one part per
file named by the answer's path, checked as the web wizard checks uploads, made once per
Idempotency-Key with its files, and no file kept when the answers are refused."""

import json
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from forms.models import Submission
from forms.publishing import import_definition, publish
from forms.wizard import documents_folder
from siso_platform.accounts.models import Organisation, OrganisationKind
from tests.api.test_app_writes import app  # noqa: F401 (fixture)
from tests.forms.schemas import intake_document
from tests.forms.test_api import ANSWERS

pytestmark = pytest.mark.django_db

URL = "/api/v1/forms/scheda-accesso/versions/1/submissions/"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def intake(db):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition(intake_document(), owner=region)
    publish(definition)
    return definition


def files_under(folder: str) -> set[str]:
    if not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}{name}" for name in files}
    for name in folders:
        found |= files_under(f"{folder}{name}/")
    return found


def multipart(person, answers=ANSWERS, **files):
    return {"person": person.pk, "answers": json.dumps(answers), **files}


def pdf(name="carta-identita.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_file_answer_is_kept_once_where_the_web_keeps_it(app, intake, person_in_zone):  # noqa: F811
    person = person_in_zone(2)
    key = str(uuid.uuid4())
    sent = app.post(
        URL, multipart(person, documents=pdf()), format="multipart", HTTP_IDEMPOTENCY_KEY=key
    )
    assert sent.status_code == 201, sent.json()
    submission = Submission.objects.get()
    document = submission.answers["documents"]
    assert (document["name"], document["size"]) == ("carta-identita.pdf", len(PDF))
    assert document["path"].startswith(documents_folder(person.pk))
    assert default_storage.open(document["path"]).read() == PDF
    assert submission.answers["request_text"] == ANSWERS["request_text"]

    # A retry with the same key and file is the same submission; another file is another request.
    again = app.post(
        URL, multipart(person, documents=pdf()), format="multipart", HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    other = pdf(content=PDF + b"% altro\n")
    reused = app.post(
        URL, multipart(person, documents=other), format="multipart", HTTP_IDEMPOTENCY_KEY=key
    )
    assert reused.status_code == 422
    assert Submission.objects.count() == 1


def test_files_are_checked_as_on_the_web_and_a_refusal_keeps_none(app, intake, person_in_zone):  # noqa: F811
    person = person_in_zone(2)
    before = files_under(documents_folder(person.pk))
    # A page dressed as a PDF: refused by its content, naming the question.
    page = SimpleUploadedFile(
        "documento.pdf", b"<html><script>x</script></html>", content_type="application/pdf"
    )
    refused = app.post(URL, multipart(person, documents=page), format="multipart")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["answers.documents"]
    # A question that is not a file question, or none at all.
    for name in ("tenure", "nothing", "members[0].member_name"):
        wrong = app.post(URL, multipart(person, **{name: pdf()}), format="multipart")
        assert wrong.status_code == 400 and f"answers.{name}" in wrong.json()["errors"], name
    # A type the question does not take (pdf, jpg, png): the engine refuses, no file is kept.
    text = SimpleUploadedFile("note.txt", b"Appunti del colloquio\n", content_type="text/plain")
    refused = app.post(URL, multipart(person, documents=text), format="multipart")
    assert refused.status_code == 400
    assert "answers.documents" in refused.json()["errors"]
    # Answers that are not JSON.
    broken = app.post(URL, {"person": person.pk, "answers": "{"}, format="multipart")
    assert broken.status_code == 400 and "answers" in broken.json()["errors"]
    assert not Submission.objects.exists()
    assert files_under(documents_folder(person.pk)) == before
