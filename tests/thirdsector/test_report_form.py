"""A body sends an activity report from its web form, through the same action as the API, on
the interventions it delivers on the cases assigned to it (anything else is a 404); the
reviewing social worker sees the report, its hours and attachments on the review task."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions as casework
from siso_platform.casework.models import CatalogueItem
from siso_platform.casework.procedures import seed
from siso_platform.thirdsector.models import ActivityReport

from ..factories import accredited_body, taken_in_charge

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _delivered(operator, person, body, *, assigned=True):
    """A case of `person` whose home care `body` gives, assigned to `body` from last week."""
    today = datetime.date.today()
    case = taken_in_charge(operator, person, "Non riesce più a gestire la casa")
    intervention = casework.record_intervention(
        by=operator,
        item=CatalogueItem.objects.get(code="B1.01"),
        provider=body.organisation,
        case=case,
        person=person,
        starts_on=today - 30 * DAY,
        quantity=40,
        status="active",
    )
    if assigned:
        casework.assign_case(case, by=operator, body=body.organisation, starts_on=today - 7 * DAY)
    return intervention


@pytest.fixture
def reporting(make_member, person_in_zone):
    """A body accredited in zone 2 with a case assigned to it, its operator, the zone's
    social worker; another body's case, and a case whose assignment to the body has ended."""
    seed()
    body = accredited_body("Cooperativa Il Ponte")
    other = accredited_body("Cooperativa Lontana")
    operator = make_member(Role.OPERATOR, zone_number=2)
    own = _delivered(operator, person_in_zone(2), body)
    others = _delivered(operator, person_in_zone(2), other)
    ended = _delivered(operator, person_in_zone(2), body)
    assignment = ended.case.assignments.get()
    casework.end_assignment(assignment, by=operator, ends_on=datetime.date.today() - DAY)
    return {
        "body": body,
        "body_operator": make_member(Role.THIRD_SECTOR_OPERATOR, organisation=body.organisation),
        "social_worker": make_member(Role.SOCIAL_WORKER, zone_number=2),
        "own": own,
        "others": others,
        "ended": ended,
    }


def _post(client, intervention, **changes):
    data = {
        "intervention": intervention.pk,
        "date": datetime.date.today().strftime("%d/%m/%Y"),
        "hours": "4,5",
        "activity_type": "home_care",
        "notes": "Spesa e pulizie",
    }
    data.update(changes)
    return client.post(reverse("thirdsector:new_report"), data)


def test_a_body_sends_a_report_with_italian_hours_and_a_file(client, reporting):
    client.force_login(reporting["body_operator"])
    form = client.get(reverse("thirdsector:new_report")).content.decode()
    own = reporting["own"]
    assert f'<option value="{own.pk}"' in form and own.person.last_name in form
    # only what the body delivers on its cases assigned today
    assert f'value="{reporting["others"].pk}"' not in form
    assert f'value="{reporting["ended"].pk}"' not in form

    upload = SimpleUploadedFile("firme.pdf", PDF, content_type="application/pdf")
    response = _post(client, own, attachments=[upload])
    assert response.status_code == 302 and response.url == reverse("thirdsector:body")
    report = ActivityReport.objects.get()
    assert report.hours == Decimal("4.5") and report.date == datetime.date.today()
    assert report.person == own.person and report.body == reporting["body"]
    assert report.notes == "Spesa e pulizie"
    assert [a.name for a in report.attachments.all()] == ["firme.pdf"]
    # the same action as the API: the review procedure started, the report audited
    assert report.process.task_set.filter(flow_task_type="HUMAN").exists()
    assert AuditEvent.objects.filter(action="create", person=own.person).exists()
    assert "firme.pdf" in client.get(reverse("thirdsector:body")).content.decode()


@pytest.mark.parametrize("whose", ["others", "ended"])
def test_another_bodys_or_an_ended_assignments_intervention_is_not_found(client, reporting, whose):
    client.force_login(reporting["body_operator"])
    intervention = reporting[whose]
    url = reverse("thirdsector:new_report")
    assert client.get(url, {"intervention": intervention.pk}).status_code == 404
    assert _post(client, intervention).status_code == 404
    assert not ActivityReport.objects.exists()


def test_only_a_bodys_operator_reports(client, reporting):
    client.force_login(reporting["social_worker"])
    assert client.get(reverse("thirdsector:new_report")).status_code == 404


def test_bad_input_names_the_field_and_keeps_what_was_written(english_client, reporting):
    client = english_client
    client.force_login(reporting["body_operator"])
    own = reporting["own"]
    response = _post(client, own, hours="quattro", date="31/02/2026")
    page = response.content.decode()
    assert response.status_code == 200 and not ActivityReport.objects.exists()
    assert "Hours: write a number like 4,5." in page
    assert "Day of the activity: write the date as dd/mm/yyyy" in page
    assert 'value="quattro"' in page and "Spesa e pulizie" in page
    assert f'<option value="{own.pk}" selected' in page

    # the rules of actions.submit_report, named by the form's fields
    tomorrow = (datetime.date.today() + DAY).strftime("%d/%m/%Y")
    page = _post(client, own, hours="25", date=tomorrow).content.decode()
    assert "Hours must be more than 0 and at most 24." in page and "Hours: Hours" not in page
    assert "Day of the activity: An activity cannot be reported before the day" in page

    fake = SimpleUploadedFile("firme.pdf", b"<html><script>x</script></html>")
    page = _post(client, own, attachments=[fake]).content.decode()
    assert "Attachments: the file contains HTML markup" in page
    assert "choose the attachments again" in page
    assert not ActivityReport.objects.exists()


def test_the_reviewer_sees_the_report_its_hours_and_attachments_on_the_task(client, reporting):
    client.force_login(reporting["body_operator"])
    upload = SimpleUploadedFile("firme.pdf", PDF, content_type="application/pdf")
    _post(client, reporting["own"], attachments=[upload])
    report = ActivityReport.objects.get()
    task = report.process.task_set.get(flow_task_type="HUMAN")

    reviewer = reporting["social_worker"]
    client.force_login(reviewer)
    before = _report_reads(reviewer, report).count()
    page = client.get(reverse("workflows:task", args=[task.pk])).content.decode()
    attachment = report.attachments.get()
    assert "4,5" in page and "Spesa e pulizie" in page
    assert reverse("thirdsector:attachment", args=[report.pk, attachment.pk]) in page
    assert "Cooperativa Il Ponte" in page
    assert _report_reads(reviewer, report).count() > before
    download = client.get(reverse("thirdsector:attachment", args=[report.pk, attachment.pk]))
    assert download.status_code == 200


def _report_reads(user, report):
    return AuditEvent.objects.filter(
        actor=user, action="view", object_type="thirdsector.activityreport", object_id=report.pk
    )


def test_the_zone_sees_the_application_it_checks(client, make_member):
    from siso_platform.accounts.models import Organisation, OrganisationKind
    from siso_platform.territory.models import SocialZone
    from siso_platform.thirdsector import actions

    from ..workflows.test_templates import APPLICATION

    seed()
    organisation = Organisation.objects.create(
        kind=OrganisationKind.THIRD_SECTOR_BODY, name="Cooperativa Il Girasole"
    )
    applicant = make_member(Role.THIRD_SECTOR_OPERATOR, organisation=organisation)
    accreditation = actions.apply_for_accreditation(
        by=applicant,
        organisation=organisation,
        zone=SocialZone.objects.get(number=2),
        answers=APPLICATION,
    )
    check = accreditation.process.task_set.get(flow_task__endswith="completezza")
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=2))
    page = client.get(reverse("workflows:task", args=[check.pk])).content.decode()
    assert "Cooperativa Il Girasole" in page and "12345" in page and "girasole@pec.it" in page
    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=5))
    assert client.get(reverse("workflows:task", args=[check.pk])).status_code == 404
