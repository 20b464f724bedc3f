"""What the field app writes: an access, a diary note, a delivery, a document, a submission.

Each is made exactly once per `Idempotency-Key` (a retry gets the same record back, marked
replayed; the same key with other content is refused), names the channel it came from, stays
within the user's reach (404 outside it) and answers a conflict with its reason."""

import datetime
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation
from rest_framework.test import APIClient

from forms.models import Submission
from forms.publishing import import_definition, publish
from siso_platform.accounts.models import DeviceToken, Organisation, OrganisationKind, Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Access, Delivery, DiaryNote, RecordDocument
from siso_platform.sync import idempotency
from siso_platform.sync.models import IdempotencyKey
from siso_platform.thirdsector.models import ActivityReport
from tests.forms.schemas import intake_document
from tests.forms.test_api import ANSWERS

from .conftest import DAY

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def italian(message: str) -> str:
    with translation.override("it"):
        return translation.gettext(message)


@pytest.fixture
def app(operator):
    """The phone app of the operator: signed with a device token."""
    client = APIClient()
    _, token = DeviceToken.objects.create(
        user=operator, expiry=None, device="telefono", second_factor=True
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="it")
    return client


def _access(person, **extra):
    return {
        "person": person.pk,
        "channel": "home_visit",
        "reason": "Visita a domicilio",
        "outcome": "information",
        **extra,
    }


def test_a_retried_access_is_registered_once_and_the_retry_is_marked(app, case):
    key = str(uuid.uuid4())
    first = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first.headers
    again = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Access.objects.filter(person=case.person, reason="Visita a domicilio").count() == 1

    other = app.post(
        "/api/v1/accesses/", _access(case.person, reason="Altro motivo"), HTTP_IDEMPOTENCY_KEY=key
    )
    assert other.status_code == 422
    assert other.json()["errors"]["detail"] == [
        italian("This Idempotency-Key was already used for a different request.")
    ]
    assert not Access.objects.filter(reason="Altro motivo").exists()


def test_the_same_key_on_another_endpoint_is_refused(app, case):
    key = str(uuid.uuid4())
    sent = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    assert sent.status_code == 201
    note = {"case": case.pk, "kind": "note", "text": "Telefonata"}
    assert app.post("/api/v1/diary-notes/", note, HTTP_IDEMPOTENCY_KEY=key).status_code == 422
    assert not DiaryNote.objects.filter(text="Telefonata").exists()


def test_a_refused_write_keeps_its_key_free_for_the_corrected_item(app, case):
    key = str(uuid.uuid4())
    tomorrow = (datetime.date.today() + DAY).isoformat()
    refused = app.post(
        "/api/v1/accesses/", _access(case.person, date=tomorrow), HTTP_IDEMPOTENCY_KEY=key
    )
    assert refused.status_code == 400 and "date" in refused.json()["errors"]
    fixed = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    assert fixed.status_code == 201


def test_the_app_is_the_channel_of_a_token_and_the_web_of_a_session(app, case, operator):
    by_app = app.post("/api/v1/accesses/", _access(case.person)).json()
    assert by_app["entered_via"] == "app"
    assert Access.objects.get(pk=by_app["id"]).entered_via == "app"

    session = APIClient()
    session.force_login(operator)
    by_web = session.post("/api/v1/accesses/", _access(case.person, reason="Allo sportello"))
    assert by_web.status_code == 201
    assert Access.objects.get(pk=by_web.json()["id"]).entered_via == "web"
    # the operator pages' own records say web
    note = casework.write_note(by=operator, case=case, kind="note", text="Dalla scrivania")
    assert note.entered_via == "web"


def test_each_write_of_the_app_says_app(app, case, home_care, operator):
    casework.change_intervention(home_care, by=operator, status="active")
    note = app.post("/api/v1/diary-notes/", {"case": case.pk, "kind": "home_visit", "text": "Ok"})
    assert note.status_code == 201, note.json()
    delivery = app.post(
        f"/api/v1/interventions/{home_care.pk}/deliveries/",
        {"date": datetime.date.today().isoformat(), "quantity": "2", "note": "Spesa"},
    )
    assert delivery.status_code == 201, delivery.json()
    assert delivery.json()["delivered_quantity"] == "2.00"
    document = app.post(
        "/api/v1/documents/",
        {
            "person": case.person_id,
            "case": case.pk,
            "title": "Foto della cucina",
            "kind": "report",
            "file": SimpleUploadedFile("cucina.pdf", PDF),
        },
        format="multipart",
    )
    assert document.status_code == 201, document.json()
    assert DiaryNote.objects.get(pk=note.json()["id"]).entered_via == "app"
    assert Delivery.objects.get(pk=delivery.json()["id"]).entered_via == "app"
    assert RecordDocument.objects.get(pk=document.json()["id"]).entered_via == "app"
    home_care.refresh_from_db()
    assert home_care.delivered_quantity == 2


def test_a_retried_document_is_kept_once(app, case):
    key = str(uuid.uuid4())

    def send(content=PDF):
        return app.post(
            "/api/v1/documents/",
            {
                "person": case.person_id,
                "title": "Carta d'identità",
                "kind": "identity",
                "file": SimpleUploadedFile("ci.pdf", content),
            },
            format="multipart",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    assert send().status_code == 201
    assert send().status_code == 200
    assert send(PDF + b"%altro\n").status_code == 422  # another file under the same key
    assert RecordDocument.objects.filter(person=case.person).count() == 1


def test_a_lost_race_answers_as_a_retry(app, case, monkeypatch):
    """The second of two requests with the same key looked before the first committed; its
    own insert of the key fails on the constraint, its access is rolled back and it answers
    with the first one's."""
    key = str(uuid.uuid4())
    first = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    looked = []
    real = idempotency._replay

    def not_yet(*args):
        if not looked:
            looked.append(True)
            return None  # as if the first request had not committed yet
        return real(*args)

    monkeypatch.setattr(idempotency, "_replay", not_yet)
    second = app.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Access.objects.filter(reason="Visita a domicilio").count() == 1


# Two threads need committed data: like tests/workflows/test_concurrency.py, PostgreSQL only
# (the flush after a transactional test empties a reused SQLite database). The race itself is
# also played deterministically above.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_with_one_key_create_one_access(make_member, person_in_zone):
    from tests import factories

    operator = make_member(Role.OPERATOR, zone_number=2)
    office = operator.memberships.get().office
    case = factories.taken_in_charge(operator, person_in_zone(2), "Solitudine", office)
    key = str(uuid.uuid4())
    start = threading.Barrier(2)
    answers = []

    def send():
        client = APIClient()
        client.force_authenticate(operator)
        try:
            start.wait()
            answers.append(
                client.post("/api/v1/accesses/", _access(case.person), HTTP_IDEMPOTENCY_KEY=key)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert Access.objects.filter(reason="Visita a domicilio").count() == 1
    assert IdempotencyKey.objects.filter(key=key).count() == 1


def test_records_out_of_reach_are_not_found(app, person_in_zone, make_member):
    from tests import factories

    elsewhere = make_member(Role.OPERATOR, zone_number=5)
    far = factories.taken_in_charge(
        elsewhere, person_in_zone(5), "Sfratto", elsewhere.memberships.get().office
    )
    assert app.post("/api/v1/accesses/", _access(far.person)).status_code == 404
    note = {"case": far.pk, "kind": "note", "text": "Nota"}
    assert app.post("/api/v1/diary-notes/", note).status_code == 404
    document = {
        "person": far.person_id,
        "title": "Documento",
        "kind": "other",
        "file": SimpleUploadedFile("d.pdf", PDF),
    }
    assert app.post("/api/v1/documents/", document, format="multipart").status_code == 404
    assert app.get(f"/api/v1/accesses/{far.access_id}/").status_code == 404
    assert not Access.objects.filter(person=far.person).exclude(pk=far.access_id).exists()


def test_a_delivery_on_an_ended_intervention_is_a_conflict_with_its_reason(
    app, case, home_care, operator
):
    casework.change_intervention(home_care, by=operator, status="active")
    today = datetime.date.today()
    casework.change_intervention(home_care, by=operator, status="ended", ends_on=today)
    response = app.post(
        f"/api/v1/interventions/{home_care.pk}/deliveries/",
        {"date": today.isoformat(), "quantity": "2"},
    )
    assert response.status_code == 409
    assert response.json()["errors"]["detail"] == [
        italian("The intervention has ended: it receives no more deliveries.")
    ]
    assert not Delivery.objects.exists()


def test_a_delivery_names_the_field_it_cannot_accept(app, home_care, operator):
    casework.change_intervention(home_care, by=operator, status="active")
    url = f"/api/v1/interventions/{home_care.pk}/deliveries/"
    tomorrow = (datetime.date.today() + DAY).isoformat()
    response = app.post(url, {"date": tomorrow, "quantity": "2"})
    assert response.status_code == 400
    assert response.json()["errors"]["date"] == [
        italian("A delivery is recorded on or after the day it takes place.")
    ]
    response = app.post(url, {"date": datetime.date.today().isoformat(), "quantity": "30"})
    assert response.status_code == 400 and "quantity" in response.json()["errors"]


def test_a_body_operator_reports_but_writes_no_casework(
    as_user, body_operator, accredited_body, assignment, home_care
):
    from siso_platform.casework.procedures import seed

    seed()
    api = as_user(body_operator)
    assert api.post("/api/v1/accesses/", _access(assignment.case.person)).status_code == 403
    assert api.get("/api/v1/diary-notes/").status_code == 403
    assert api.get("/api/v1/documents/").status_code == 403
    delivery = {"date": datetime.date.today().isoformat(), "quantity": "1"}
    url = f"/api/v1/interventions/{home_care.pk}/deliveries/"
    assert api.post(url, delivery).status_code == 403

    report = {
        "person": home_care.person_id,
        "intervention": home_care.pk,
        "date": datetime.date.today().isoformat(),
        "activity_type": "home_care",
        "hours": "2",
    }
    key = str(uuid.uuid4())
    sent = api.post("/api/v1/activity-reports/", report, HTTP_IDEMPOTENCY_KEY=key)
    assert sent.status_code == 201, sent.json()
    assert ActivityReport.objects.get().entered_via == "web"  # forced auth: no device token

    # the assignment ends (yesterday): the next report is a conflict with its reason
    casework.end_assignment(
        assignment, by=assignment.assigned_by, ends_on=datetime.date.today() - DAY
    )
    late = api.post("/api/v1/activity-reports/", report, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert late.status_code == 409
    [reason] = late.json()["errors"]["detail"]
    assert (datetime.date.today() - DAY).strftime("%d/%m/%Y") in reason
    assert ActivityReport.objects.count() == 1


def test_answers_to_a_withdrawn_questionnaire_are_gone_with_the_reason(app, person_in_zone):
    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    definition = import_definition(intake_document(), owner=region)
    publish(definition)
    person = person_in_zone(2)
    url = "/api/v1/forms/scheda-accesso/versions/1/submissions/"
    key = str(uuid.uuid4())
    sent = app.post(url, {"person": person.pk, "answers": ANSWERS}, HTTP_IDEMPOTENCY_KEY=key)
    assert sent.status_code == 201, sent.json()
    assert Submission.objects.get(uuid=sent.json()["uuid"]).entered_via == "app"

    type(definition).objects.filter(pk=definition.pk).update(live=False)
    # the retry of what was taken is still taken; new answers are gone
    again = app.post(url, {"person": person.pk, "answers": ANSWERS}, HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again.json()["uuid"] == sent.json()["uuid"]
    late = app.post(url, {"person": person.pk, "answers": ANSWERS})
    assert late.status_code == 410
    [reason] = late.json()["errors"]["detail"]
    assert definition.title in reason
    assert Submission.objects.count() == 1


def test_a_task_completed_meanwhile_by_someone_else_is_a_conflict_naming_them(
    as_user, report_review, social_worker, make_member
):
    from workflows import runtime

    task = report_review
    colleague = make_member(Role.SOCIAL_WORKER, zone_number=2)
    colleague.first_name, colleague.last_name = "Giulia", "Bianchi"
    colleague.save()
    runtime.claim(task, colleague)
    runtime.complete(runtime.tasks().get(pk=task.pk), colleague, answers={"approved": True})

    response = as_user(social_worker).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"answers": {"approved": True}}
    )
    assert response.status_code == 409
    [reason] = response.json()["errors"]["detail"]
    assert "Giulia Bianchi" in reason
    assert timezone.localdate().strftime("%d/%m/%Y") in reason


def test_a_retried_take_and_completion_of_a_task_answer_as_the_first_did(
    as_user, report_review, social_worker
):
    """The app's answer was lost: the retry with the same key gets the task taken and the
    process moved on, marked replayed, not "already taken" or "you already completed it"."""
    from workflows import runtime

    task = report_review
    client = as_user(social_worker)
    take, done = str(uuid.uuid4()), str(uuid.uuid4())

    claimed = [
        client.post(f"/api/v1/tasks/{task.pk}/claim/", HTTP_IDEMPOTENCY_KEY=take) for _ in range(2)
    ]
    assert [answer.status_code for answer in claimed] == [200, 200]
    assert [answer.headers.get("Idempotent-Replayed") for answer in claimed] == [None, "true"]
    # without the key, taking it again is still refused
    assert client.post(f"/api/v1/tasks/{task.pk}/claim/").status_code == 409

    answers = {"answers": {"approved": True}}
    completed = [
        client.post(f"/api/v1/tasks/{task.pk}/complete/", answers, HTTP_IDEMPOTENCY_KEY=done)
        for _ in range(2)
    ]
    assert [answer.status_code for answer in completed] == [200, 200]
    assert completed[1].headers["Idempotent-Replayed"] == "true"
    assert completed[0].json()["id"] == completed[1].json()["id"]
    assert runtime.tasks().get(pk=task.pk).status == "DONE"
    # the same key with other answers is another request: refused, nothing changes
    other = client.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"answers": {"approved": False}},
        HTTP_IDEMPOTENCY_KEY=done,
    )
    assert other.status_code == 422
    # a refused completion keeps no key: the conflict comes back with its reason each time
    late = str(uuid.uuid4())
    for _ in range(2):
        again = client.post(
            f"/api/v1/tasks/{task.pk}/complete/", answers, HTTP_IDEMPOTENCY_KEY=late
        )
        assert again.status_code == 409
    assert not IdempotencyKey.objects.filter(key=late).exists()
