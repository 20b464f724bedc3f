"""PDF prints of the record, a questionnaire's answers, a care plan and a closing report, and
the answer to a data subject's access request: each reads its record like the page it prints
(404 out of scope, refused to other roles), is audited, names no person in its file name, and
holds, read back with pdftotext, what the page shows. A few renders only: WeasyPrint takes a
fraction of a second per document."""

import datetime
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from siso_platform import printing
from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent
from siso_platform.casework import actions

from . import test_intake_facts, test_plan

# The intake's and the plan's fixtures: a household with its head, a case with two goals.
household = test_intake_facts.household
submitted = test_intake_facts.submitted
social_worker = test_plan.social_worker
planned_case = test_plan.planned_case

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("SISO_REQUIRE_PRINTS"),
    reason="needs poppler-utils (CI sets SISO_REQUIRE_PRINTS: there a missing one fails)",
)


def pdf_text(response, tmp_path) -> str:
    """The PDF's text as pdftotext reads it, spaces and line ends folded."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "print.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def assert_inline_without_names(response, person) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    for word in (person.tax_code, person.last_name, person.first_name):
        assert word.lower() not in disposition.lower()
    return disposition


def export_events(person, obj_type: str):
    return AuditEvent.objects.filter(person=person, action="export", object_type=obj_type)


# --- the care plan -----------------------------------------------------------------------------


def test_a_care_plan_prints_its_goals_with_dates_status_and_version(
    client, social_worker, planned_case, tmp_path
):
    client.force_login(social_worker)
    case_page = client.get(reverse("casework:case", args=[planned_case.pk])).content.decode()
    url = reverse("casework:print_care_plan", args=[planned_case.pk])
    assert f'href="{url}"' in case_page

    response = client.get(url)
    text = pdf_text(response, tmp_path)
    disposition = assert_inline_without_names(response, planned_case.person)
    assert f"caso-{planned_case.pk}" in disposition
    today = timezone.localdate()
    assert "Trovare un lavoro" in text
    assert "Regolarizzare l'affitto" in text
    assert (today + datetime.timedelta(days=90)).strftime("%d/%m/%Y") in text
    assert "Recuperare l'autonomia economica" in text
    assert planned_case.office.name in text  # the header: the case's office and zone
    assert str(planned_case.office.municipality.zone) in text
    assert social_worker.get_full_name() in text  # who printed
    assert "1 " in text and " 1" in text  # page 1 of 1
    (event,) = export_events(planned_case.person, "casework.case")
    assert event.actor == social_worker and event.object_id == str(planned_case.pk)
    assert "care plan" in event.purpose or "progetto" in event.purpose


def test_prints_are_scoped_like_their_pages(client, make_member, case, intake, operator):
    """Another zone's staff get 404 (as for a record that does not exist); roles that do not
    read casework are refused; nothing is rendered or audited for them."""
    submission = submitted(intake, case.person, operator)
    urls = [
        reverse("casework:print_person", args=[case.person.pk]),
        reverse("casework:print_care_plan", args=[case.pk]),
        reverse("casework:print_submission", args=[submission.uuid]),
    ]
    client.force_login(make_member(Role.SOCIAL_WORKER, zone_number=5))
    for url in urls:
        assert client.get(url).status_code == 404, url
    # An open case has no closing report, even in scope.
    client.force_login(operator)
    closing = reverse("casework:print_closing_report", args=[case.pk])
    assert client.get(closing).status_code == 404
    for role in (Role.AUDITOR, Role.REGIONAL_ADMIN):
        client.force_login(make_member(role))
        for url in urls[:2]:
            assert client.get(url).status_code in (403, 404), (role, url)
    assert not AuditEvent.objects.filter(action="export").exists()


# --- the closing report ------------------------------------------------------------------------


def test_a_closed_case_prints_its_closing_report_with_interventions_delivered(
    client, operator, case, cash_item, municipality_org, tmp_path
):
    today = timezone.localdate()
    actions.record_intervention(
        by=operator,
        item=cash_item,
        provider=municipality_org,
        case=case,
        person=case.person,
        starts_on=today,
        ends_on=today,
        amount=Decimal("1650.00"),
        status="ended",
    )
    actions.close_case(case, by=operator, closed_on=today, outcome="goals_reached", note="Fine")
    client.force_login(operator)
    case_page = client.get(reverse("casework:case", args=[case.pk])).content.decode()
    url = reverse("casework:print_closing_report", args=[case.pk])
    assert f'href="{url}"' in case_page

    response = client.get(url)
    text = pdf_text(response, tmp_path)
    assert_inline_without_names(response, case.person)
    assert "€ 1.650,00" in text
    assert cash_item.code in text
    assert today.strftime("%d/%m/%Y") in text
    assert case.get_closing_outcome_display() in text
    assert export_events(case.person, "casework.case").count() == 1


# --- the questionnaire's answers and the social record -------------------------------------


def test_an_intake_prints_its_answers_by_question_and_choice_labels(
    client, operator, household, intake, tmp_path
):
    person = household.memberships.get().person
    submission = submitted(intake, person, operator)
    client.force_login(operator)
    page = client.get(reverse("forms:submission", args=[submission.uuid])).content.decode()
    url = reverse("casework:print_submission", args=[submission.uuid])
    assert f'href="{url}"' in page

    response = client.get(url)
    text = pdf_text(response, tmp_path)
    assert_inline_without_names(response, person)
    assert "Titolo di godimento dell'abitazione" in text
    assert "Affitto sul mercato privato" in text  # the choice's label, not "rented"
    assert "Occupato/a" in text
    assert "rented" not in text and "employed" not in text
    assert export_events(person, "forms.submission").count() == 1


def test_the_social_record_prints_the_facts_with_their_sources(
    client, operator, household, intake, tmp_path
):
    person = household.memberships.get().person
    submitted(intake, person, operator)  # ISEE and rent become facts sourced to it
    client.force_login(operator)
    url = reverse("casework:print_person", args=[person.pk])
    assert (
        f'href="{url}"' in client.get(reverse("casework:person", args=[person.pk])).content.decode()
    )

    response = client.get(url)
    text = pdf_text(response, tmp_path)
    assert_inline_without_names(response, person)
    assert person.tax_code in text
    assert "4.500" in text  # the ISEE, in Italian digits
    assert "“Scheda di accesso”" in text  # the facts' source: the questionnaire, by its title
    assert export_events(person, "people.person").count() == 1


# --- the data subject's access request ---------------------------------------------------------


def test_the_zone_answers_an_access_request_with_everything_and_who_read_it(
    client, make_member, operator, household, intake, tmp_path
):
    person = household.memberships.get().person
    submitted(intake, person, operator)
    case = actions.open_case(
        by=operator,
        person=person,
        office=operator.memberships.get().office,
        access=None,
    )
    actions.update_care_plan(
        case,
        by=operator,
        summary="",
        agreed_on=None,
        review_on=None,
        goals=[{"description": "Trovare casa", "status": "pending"}],
    )
    actions.write_note(
        by=operator, case=case, kind="interview", text="Primo colloquio: sfratto annunciato"
    )
    actions.book_appointment(
        by=operator,
        person=person,
        case=case,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        kind="home_visit",
        place="home",
    )
    reader = make_member(Role.SOCIAL_WORKER, zone_number=2)
    client.force_login(reader)
    client.get(reverse("casework:person", args=[person.pk]))  # a read the answer must show
    url = reverse("casework:subject_access_request", args=[person.pk])
    assert client.get(url).status_code == 403  # a social worker does not answer requests

    admin = make_member(Role.ZONE_ADMIN, zone_number=2)
    client.force_login(admin)
    record = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert f'href="{url}"' in record
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    refused = client.post(url, {"received_on": (today + datetime.timedelta(days=1)).isoformat()})
    assert refused.status_code == 200 and refused["Content-Type"].startswith("text/html")

    response = client.post(url, {"received_on": today.isoformat(), "reference": "Prot. 77/2026"})
    text = pdf_text(response, tmp_path)
    assert_inline_without_names(response, person)
    assert "Prot. 77/2026" in text
    assert "4.500" in text  # a fact, with its source
    assert "Affitto sul mercato privato" in text  # the questionnaire's answers
    assert "Trovare casa" in text  # the plan's goal
    assert "Primo colloquio: sfratto annunciato" in text  # the case diary
    assert "Appuntamenti" in text and "visita domiciliare" in text  # the appointments
    role = reader.memberships.get()
    assert f"{role.get_role_display()}, {role.organisation.name}" in text  # who read it
    assert reader.get_full_name() not in text  # by role, not by name
    request_event = AuditEvent.objects.get(person=person, detail__gdpr_art15="request")
    assert request_event.detail["reference"] == "Prot. 77/2026"
    assert request_event.detail["received_on"] == today.isoformat()
    answer = AuditEvent.objects.get(person=person, detail__gdpr_art15="answer")
    assert answer.action == "export" and answer.actor == admin
    # The form lists the request answered.
    assert "Prot. 77/2026" in client.get(url).content.decode()

    client.force_login(make_member(Role.ZONE_ADMIN, zone_number=5))
    assert client.get(url).status_code == 404
    assert client.post(url, {"received_on": today.isoformat()}).status_code == 404


# --- the fetcher: our static files and nothing else ------------------------------------------


def test_prints_read_only_the_platform_static_files():
    css = printing.static_path(printing.BASE_URL + "static/siso/print.css")
    assert css is not None and css.endswith("print.css")
    for url in (
        "file:///etc/passwd",
        "https://example.org/static/siso/print.css",
        printing.BASE_URL + "static/../../settings/base.py",
        printing.BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        printing.BASE_URL + "casework/",
        "data:text/plain,x",
    ):
        assert printing.static_path(url) is None, url


def test_a_server_without_pango_answers_a_print_with_a_clear_503(
    client, social_worker, planned_case, monkeypatch
):
    def no_pango(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(printing, "pdf_bytes", no_pango)
    client.force_login(social_worker)
    response = client.get(reverse("casework:print_care_plan", args=[planned_case.pk]))
    assert response.status_code == 503
    assert "PDF" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()  # nothing was printed
