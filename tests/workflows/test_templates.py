"""The four regional procedure templates: they publish, and each runs from start to end."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from freezegun import freeze_time
from viewflow.workflow.status import PROCESS

from forms import checks
from forms.models import FormVersion, Submission
from siso_platform.accounts.models import OrganisationKind
from siso_platform.casework import actions, procedures
from siso_platform.casework.models import Access, Case, CatalogueItem, NeedCategory
from siso_platform.thirdsector import actions as thirdsector
from tests.factories import accredit
from workflows import deadlines, runtime
from workflows.graph import normalise
from workflows.models import TaskDeadline, WorkflowVersion

from .conftest import apply_for_accreditation

SLUGS = [
    "accesso-accoglienza",
    "presa-in-carico",
    "accreditamento-terzo-settore",
    "revisione-rendicontazione",
]


def take(user, step: str) -> None:
    """Claim the task `step` from the user's queue."""
    (task,) = [task for task in runtime.queue(user) if task.flow_task.name == step]
    runtime.claim(task, user)


def work(user, step: str, answers: dict):
    """Complete the user's task `step` with `answers` (a form's, or approve/reject)."""
    (task,) = [task for task in runtime.my_tasks(user) if task.flow_task.name == step]
    return runtime.complete(task, user, answers=answers)


def done_steps(process) -> list[str]:
    """The human tasks worked, in order."""
    return [task.flow_task.name for task in runtime.history(process) if task.owner_id]


def reached(process) -> set[str]:
    return {task.flow_task.name for task in process.task_set.all()}


def test_the_templates_publish_cleanly_and_seeding_again_changes_nothing(db):
    for path in procedures.QUESTIONNAIRE_FILES:
        document = json.loads(path.read_text())
        assert document["format"] == "siso-form/1"
        assert checks.problems(document["schema"]) == [], path.name

    versions = procedures.seed()

    assert [version.definition.slug for version in versions] == SLUGS
    for path, version in zip(procedures.TEMPLATE_FILES, versions, strict=True):
        graph = json.loads(path.read_text())
        del graph["description"]
        assert version.graph == normalise(graph), path.name  # nothing lost on the way in
        definition = version.definition
        assert definition.publish_problems() == []
        assert definition.live and version.number == 1
        assert definition.owner.kind == OrganisationKind.REGION
        assert definition.title and definition.title_en and definition.description
        assert version.graph["steps"][0]["title"]["en"]
    assert "terzo settore" in versions[2].definition.description
    forms, procedure_versions = FormVersion.objects.count(), WorkflowVersion.objects.count()
    assert forms == len(procedures.QUESTIONNAIRE_FILES)

    assert procedures.seed() == versions
    assert FormVersion.objects.count() == forms
    assert WorkflowVersion.objects.count() == procedure_versions


def test_the_command_says_what_it_published(db):
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_procedures", stdout=out)
        assert "Questionnaire “Valutazione sociale” published (version 1)." in out.getvalue()
        assert "Procedure “Presa in carico” published (version 1)." in out.getvalue()
        out = io.StringIO()
        call_command("seed_procedures", stdout=out)
    assert "Questionnaire" not in out.getvalue()
    assert "Procedure “Presa in carico” already published (version 1)." in out.getvalue()


# 1. Accesso e accoglienza


def intake_answers(person) -> dict:
    """Valid answers to the seeded intake form `scheda-accesso`."""
    return {
        "tax_code": person.tax_code,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "citizenship_kind": "italian",
        "tenure": "rented",
        "rent": "550",
        "eviction": "false",
        "work_status": "unemployed",
        "unemployed_since": "2025-09-01",
        "monthly_income": "600",
        "debts": "false",
        "need_areas": ["economic", "housing"],
        "request_text": "Non riesce a pagare l'affitto da quando ha perso il lavoro",
        "urgency": "medium",
        "consent": "true",
    }


def test_an_access_taken_in_charge_opens_a_case_with_the_needs_of_the_intake(
    templates, operator, person_in_zone
):
    person = person_in_zone(2)
    process = runtime.start(templates["accesso-accoglienza"], user=operator, subject=person)

    work(operator, "registrazione", {"channel": "in_person", "reason": "Difficoltà economiche"})
    work(operator, "scheda", intake_answers(person))
    with pytest.raises(ValidationError) as refused:  # a referral must say where to
        work(operator, "esito", {"outcome": "referral"})
    assert "referred_to" in refused.value.message_dict
    work(operator, "esito", {"outcome": "taking_in_charge"})

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert done_steps(process) == ["registrazione", "scheda", "esito"]
    access = Access.objects.get(person=person)
    assert (access.channel, access.outcome) == ("in_person", "taking_in_charge")
    assert access.reason == "Difficoltà economiche"
    assert access.intake.version.definition.slug == "scheda-accesso"
    assert access.intake.answers["need_areas"] == ["economic", "housing"]
    case = Case.objects.get(person=person)
    assert case.status == "open" and case.access == access
    assert sorted(case.needs.values_list("category__code", flat=True)) == ["economic", "housing"]
    assert process.data["vars"] == {"access": access.pk, "case": case.pk}
    assert "fine_presa_in_carico" in reached(process)


def test_a_referral_registers_the_access_without_a_case(templates, operator, person_in_zone):
    person = person_in_zone(2)
    process = runtime.start(templates["accesso-accoglienza"], user=operator, subject=person)
    work(operator, "registrazione", {"channel": "phone", "reason": "Chiede del centro diurno"})
    work(operator, "scheda", intake_answers(person))
    work(operator, "esito", {"outcome": "referral", "referred_to": "Centro di salute mentale"})

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    access = Access.objects.get(person=person)
    assert (access.outcome, access.referred_to) == ("referral", "Centro di salute mentale")
    assert not Case.objects.filter(person=person).exists()
    assert "fine_invio" in reached(process)


# 2. Presa in carico


@pytest.fixture
def case(operator, person_in_zone):
    access = actions.register_access(
        by=operator,
        office=operator.memberships.get().office,
        person=person_in_zone(2),
        channel="in_person",
        reason="Richiesta di aiuto economico",
        outcome="taking_in_charge",
    )
    return actions.open_case(
        by=operator,
        person=access.person,
        office=access.office,
        access=access,
        needs=[NeedCategory.objects.get(code="economic")],
    )


def plan(review_on: datetime.date) -> dict:
    return {
        "summary": "Recuperare l'autonomia economica",
        "goals": [{"goal": "Trovare un lavoro"}, {"goal": "Regolarizzare l'affitto"}],
        "interventions": "Contributo economico per sei mesi",
        "agreed_on": timezone.localdate().isoformat(),
        "review_on": review_on.isoformat(),
    }


def test_taking_in_charge_plans_reviews_once_and_closes_the_case(
    templates, operator, social_worker, case
):
    process = runtime.start(templates["presa-in-carico"], user=operator, case=case)

    take(social_worker, "presa")
    work(social_worker, "presa", {"approved": True, "note": "La seguo io"})
    case.refresh_from_db()
    assert case.social_worker == social_worker
    (assessment,) = runtime.my_tasks(social_worker)
    assert assessment.deadline.escalation == TaskDeadline.Escalation.NOTIFY
    work(
        social_worker,
        "valutazione",
        {
            "assessed_needs": ["economic", "work"],
            "autonomy": "autonomous",
            "support_network": "weak",
            "risk_level": "medium",
            "home_visit": "true",
            "assessment_notes": "Disoccupato da un anno, affitto arretrato.",
        },
    )
    first_review = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):  # the review date must be in the future
        work(social_worker, "progetto", plan(timezone.localdate()))
    work(social_worker, "progetto", plan(first_review))

    care_plan = Case.objects.get(pk=case.pk).care_plan
    assert care_plan.review_on == first_review
    assert [goal.description for goal in care_plan.goals.all()] == [
        "Trovare un lavoro",
        "Regolarizzare l'affitto",
    ]
    assert care_plan.summary.startswith("Recuperare l'autonomia economica")
    assert "Contributo economico per sei mesi" in care_plan.summary
    # Nothing to do until the review date.
    assert not runtime.my_tasks(social_worker).exists()
    assert deadlines.sweep()["timers"] == 0

    second_review = first_review + datetime.timedelta(days=90)
    with freeze_time(datetime.datetime.combine(first_review, datetime.time(9))):
        assert deadlines.sweep()["timers"] == 1
        (review,) = runtime.my_tasks(social_worker)
        assert review.flow_task.name == "verifica"
        assert review.deadline.escalation == TaskDeadline.Escalation.REASSIGN
        work(social_worker, "verifica", {"outcome": "continue", "notes": "Ha trovato un tirocinio"})
        work(social_worker, "progetto", plan(second_review))
    assert Case.objects.get(pk=case.pk).care_plan.review_on == second_review

    closed_on = second_review + datetime.timedelta(days=1)
    with freeze_time(datetime.datetime.combine(closed_on, datetime.time(9))):
        assert deadlines.sweep() == {"timers": 1, "escalated": 0}
        work(social_worker, "verifica", {"outcome": "close", "notes": "Assunto a tempo pieno"})
        work(
            social_worker,
            "chiusura",
            {"closing_outcome": "goals_reached", "closing_note": "Autonomo"},
        )

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert done_steps(process) == [
        "presa",
        "valutazione",
        "progetto",
        "verifica",
        "progetto",
        "verifica",
        "chiusura",
    ]
    case.refresh_from_db()
    assert case.status == "closed"
    assert (case.closing_outcome, case.closing_note) == ("goals_reached", "Autonomo")
    assert case.closed_on == closed_on


def test_a_case_not_taken_in_charge_ends_at_once(templates, operator, social_worker, case):
    process = runtime.start(templates["presa-in-carico"], user=operator, case=case)
    take(social_worker, "presa")
    work(social_worker, "presa", {"approved": False, "note": "Non di competenza"})
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert "non_presa" in reached(process)
    case.refresh_from_db()
    assert case.social_worker is None and case.status == "open"


# 3. Accreditamento degli enti del terzo settore


APPLICATION = {
    "body_name": "Cooperativa Sociale Il Girasole",
    "body_tax_code": "01234567897",
    "legal_form": "social_cooperative",
    "runts_number": "12345",
    "pec": "girasole@pec.it",
    "service_areas": ["elderly", "disability"],
    "zones_requested": "2",
}


def test_an_incomplete_application_is_completed_then_accredited(
    templates, body_operator, zone_admin
):
    process = apply_for_accreditation(templates, body_operator)
    work(body_operator, "domanda", APPLICATION)
    take(zone_admin, "completezza")
    work(zone_admin, "completezza", {"approved": False, "note": "Manca lo statuto"})
    work(body_operator, "integrazione", {"approved": True, "note": "Statuto allegato"})
    take(zone_admin, "completezza")
    work(zone_admin, "completezza", {"approved": True})

    today = timezone.localdate()
    decision = {
        "decision": "approve",
        "zones": "2",
        "service_areas": ["elderly"],
        "valid_from": today.isoformat(),
    }
    with pytest.raises(ValidationError) as refused:
        work(zone_admin, "istruttoria", decision)
    assert "valid_to" in refused.value.message_dict
    decision["valid_to"] = today.replace(year=today.year + 3).isoformat()
    work(zone_admin, "istruttoria", decision)

    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert done_steps(process) == [
        "domanda",
        "completezza",
        "integrazione",
        "completezza",
        "istruttoria",
    ]
    assert process.data["vars"]["accredited"] is True
    assert "accreditato" in reached(process) and "respinto" not in reached(process)
    assert process.data["answers"]["istruttoria"]["service_areas"] == ["elderly"]
    # The questionnaires are about no person.
    submissions = Submission.objects.filter(pk__in=process.data["submissions"].values())
    assert [s.subject for s in submissions] == [None, None]


# 4. Revisione della rendicontazione


def test_a_rejected_report_is_corrected_then_accepted(
    templates, operator, social_worker, body_operator, case
):
    body = body_operator.memberships.get().organisation.third_sector_body
    accredit(body, 2, valid_from=case.opened_on, valid_to=case.opened_on.replace(year=2035))
    actions.assign_case(case, by=operator, body=body.organisation, starts_on=case.opened_on)
    home_care = actions.record_intervention(
        by=operator,
        item=CatalogueItem.objects.get(code="B1.01"),
        provider=body.organisation,
        case=case,
        person=case.person,
        starts_on=case.opened_on,
        quantity=20,
    )
    report, _ = thirdsector.submit_report(
        by=body_operator,
        body=body,
        person=case.person,
        intervention=home_care,
        date=timezone.localdate(),
        activity_type="home_care",
        hours=Decimal("2.5"),
    )
    process = report.process
    take(social_worker, "controllo")
    work(social_worker, "controllo", {"approved": False, "note": "Le ore non tornano"})
    report.refresh_from_db()
    assert (report.status, report.review_note) == ("correction", "Le ore non tornano")
    (correction,) = runtime.my_tasks(body_operator)  # back to whoever sent the report
    assert correction.flow_task.name == "correzione"
    thirdsector.amend_report(report, by=body_operator, hours=Decimal("2"))
    take(social_worker, "controllo")
    work(social_worker, "controllo", {"approved": True})

    process.refresh_from_db()
    report.refresh_from_db()
    home_care.refresh_from_db()
    assert process.status == PROCESS.DONE
    assert done_steps(process) == ["controllo", "correzione", "controllo"]
    assert process.data["answers"]["controllo"] == {"approved": True, "note": ""}
    assert TaskDeadline.objects.filter(task__process=process).count() == 2
    assert "accettata" in reached(process)
    assert report.status == "accepted" and home_care.delivered_quantity == Decimal("2")
