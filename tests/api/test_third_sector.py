"""A third-sector body's operators see the persons assigned to the body while the assignment
and the accreditation last; their activity reports are created once and reviewed."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions as casework
from siso_platform.casework.procedures import seed
from siso_platform.thirdsector.models import ActivityReport
from workflows import runtime

from .conftest import DAY, accredit


@pytest.fixture
def procedures(db):
    seed()


def test_an_assigned_person_is_visible_during_the_assignment_and_404_after(
    as_user, body_operator, accredited_body, assignment
):
    person = assignment.case.person
    api = as_user(body_operator)
    response = api.get(f"/api/v1/persons/{person.pk}/")
    assert response.status_code == 200
    assert response.json()["tax_code"] == person.tax_code
    assert "household" not in response.json()  # only what the assignment needs
    assert AuditEvent.objects.filter(actor=body_operator, person=person, action="view").exists()

    record = api.get(f"/api/v1/persons/{person.pk}/record/").json()
    assert record["whole"] is False and record["facts"] == [] and record["members"] == []

    with freeze_time(assignment.ends_on + DAY):
        assert api.get(f"/api/v1/persons/{person.pk}/").status_code == 404
        assert api.get(f"/api/v1/cases/{assignment.case_id}/").status_code == 404
        assert api.get("/api/v1/persons/").json()["results"] == []


def test_a_revoked_or_expired_accreditation_ends_access_at_once(
    as_user, body_operator, accredited_body, assignment, make_member
):
    person = assignment.case.person
    accreditation = accredited_body.accreditations.get()
    api = as_user(body_operator)
    assert api.get(f"/api/v1/persons/{person.pk}/").status_code == 200

    zone_admin = make_member("zone_admin", zone_number=2)
    response = as_user(zone_admin).post(
        f"/api/v1/accreditations/{accreditation.pk}/revoke/", {"reason": "Irregolarità"}
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert as_user(body_operator).get(f"/api/v1/persons/{person.pk}/").status_code == 404

    accredit(accredited_body, 2, valid_to=datetime.date.today() + DAY)
    assert api.get(f"/api/v1/persons/{person.pk}/").status_code == 200
    with freeze_time(datetime.date.today() + 2 * DAY):
        assert api.get(f"/api/v1/persons/{person.pk}/").status_code == 404


def test_a_case_is_assigned_only_to_a_body_accredited_in_its_zone(body, case, operator):
    accredit(body, 5)
    with pytest.raises(ValidationError) as refused:
        casework.assign_case(
            case, by=operator, body=body.organisation, starts_on=datetime.date.today()
        )
    assert "body" in refused.value.message_dict
    assert not case.assignments.exists()


def _report(intervention, **extra):
    return {
        "person": intervention.person_id,
        "intervention": intervention.pk,
        "date": datetime.date.today().isoformat(),
        "activity_type": "home_care",
        "hours": "2.50",
        "notes": "Spesa e pulizie",
        **extra,
    }


def test_a_retried_report_with_the_same_idempotency_key_exists_once(
    procedures, as_user, body_operator, accredited_body, assignment, home_care
):
    api = as_user(body_operator)
    key = str(uuid.uuid4())
    first = api.post("/api/v1/activity-reports/", _report(home_care), HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.json()
    again = api.post("/api/v1/activity-reports/", _report(home_care), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert ActivityReport.objects.filter(intervention=home_care).count() == 1

    other = api.post(
        "/api/v1/activity-reports/", _report(home_care, hours="3"), HTTP_IDEMPOTENCY_KEY=key
    )
    assert other.status_code == 422
    assert ActivityReport.objects.filter(intervention=home_care).count() == 1

    without_key = api.post("/api/v1/activity-reports/", _report(home_care))
    assert without_key.status_code == 201
    assert ActivityReport.objects.filter(intervention=home_care).count() == 2


def test_a_report_names_the_field_it_cannot_accept(
    procedures, as_user, body_operator, accredited_body, assignment, home_care
):
    api = as_user(body_operator)
    tomorrow = (datetime.date.today() + DAY).isoformat()
    response = api.post("/api/v1/activity-reports/", _report(home_care, date=tomorrow))
    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    response = api.post("/api/v1/activity-reports/", _report(home_care, hours="25"))
    assert response.status_code == 400 and "hours" in response.json()["errors"]
    assert not ActivityReport.objects.exists()


def _work(user, step_key, answers):
    task = next(
        t for t in runtime.tasks().filter(status__in=runtime.OPEN) if t.flow_task.name == step_key
    )
    if task.owner_id is None:
        runtime.claim(task, user)
    runtime.complete(task, user, answers=answers)


def test_an_accepted_report_adds_its_hours_to_the_intervention(
    procedures, as_user, body_operator, social_worker, accredited_body, assignment, home_care
):
    api = as_user(body_operator)
    created = api.post("/api/v1/activity-reports/", _report(home_care, hours="2"))
    report = ActivityReport.objects.get(pk=created.json()["id"])
    assert report.process is not None

    _work(social_worker, "controllo", {"approved": False, "note": "Le ore non tornano"})
    report.refresh_from_db()
    assert (report.status, report.review_note) == ("correction", "Le ore non tornano")

    api = as_user(body_operator)
    response = api.patch(f"/api/v1/activity-reports/{report.pk}/", {"hours": "1.5"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"

    _work(social_worker, "controllo", {"approved": True})
    report.refresh_from_db()
    home_care.refresh_from_db()
    assert report.status == "accepted"
    assert home_care.delivered_quantity == Decimal("1.5")


def test_a_report_carries_attachments_only_its_readers_download(
    procedures, as_user, body_operator, accredited_body, assignment, home_care, make_member
):
    api = as_user(body_operator)
    report = api.post("/api/v1/activity-reports/", _report(home_care)).json()
    upload = SimpleUploadedFile("foglio-firme.pdf", b"%PDF-1.4 firme", "application/pdf")
    attachments = f"/api/v1/activity-reports/{report['id']}/attachments/"
    response = api.post(attachments, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    url = f"{attachments}{response.json()['id']}/"
    assert b"".join(api.get(url).streaming_content) == b"%PDF-1.4 firme"

    stranger = make_member("operator", zone_number=5)
    assert as_user(stranger).get(url).status_code == 404


def test_a_body_applies_and_the_zone_grants_the_accreditation(
    procedures, as_user, body_operator, body, make_member
):
    api = as_user(body_operator)
    response = api.post(
        "/api/v1/accreditations/",
        {
            "zone": 2,
            "answers": {
                "body_name": "Cooperativa Il Ponte",
                "body_tax_code": "01234567897",
                "legal_form": "social_cooperative",
                "runts_number": "RUNTS-1",
                "pec": "ponte@pec.it",
                "service_areas": ["elderly", "disability"],
                "zones_requested": "2",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    accreditation = response.json()
    assert accreditation["status"] == "applied" and accreditation["zone"] == 2

    zone_admin = make_member("zone_admin", zone_number=2)
    _work(zone_admin, "completezza", {"approved": True})
    today = datetime.date.today()
    _work(
        zone_admin,
        "istruttoria",
        {
            "decision": "approve",
            "zones": "2, 3",
            "service_areas": ["elderly"],
            "valid_from": today.isoformat(),
            "valid_to": (today + 3 * 365 * DAY).isoformat(),
        },
    )
    granted = as_user(body_operator).get(f"/api/v1/accreditations/{accreditation['id']}/").json()
    assert granted["status"] == "approved" and granted["in_effect"] is True
    assert granted["zones"] == [2, 3] and granted["areas"] == ["elderly"]
    assert granted["requested_areas"] == ["elderly", "disability"]


def test_an_application_with_a_wrong_answer_names_it_and_keeps_nothing(
    procedures, as_user, body_operator, body
):
    response = as_user(body_operator).post(
        "/api/v1/accreditations/",
        {"zone": 2, "answers": {"legal_form": "social_cooperative"}},
        format="json",
    )
    assert response.status_code == 400
    assert any(key.startswith("answers") for key in response.json()["errors"])
    assert not body.accreditations.exists()


def test_only_a_body_may_apply(procedures, as_user, operator):
    response = as_user(operator).post(
        "/api/v1/accreditations/", {"zone": 2, "answers": {}}, format="json"
    )
    assert response.status_code == 403


def test_a_report_cannot_be_made_on_someone_elses_intervention(
    procedures, as_user, body_operator, accredited_body, assignment, home_care, operator
):
    home_care.provider_id = assignment.case.office.municipality.organisation.pk
    home_care.save(update_fields=["provider"])
    response = as_user(body_operator).post("/api/v1/activity-reports/", _report(home_care))
    assert response.status_code == 400
    assert "intervention" in response.json()["errors"]
