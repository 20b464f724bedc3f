"""The care plan has one source of truth: the procedure's plan step edits the case's plan,
prefilled with it, and every change is kept as a new version shown on the record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from siso_platform.accounts.models import Role
from siso_platform.casework import actions, procedures
from siso_platform.casework.models import CarePlanVersion, Case
from workflows import runtime

ASSESSMENT = {
    "assessed_needs": ["economic"],
    "autonomy": "autonomous",
    "support_network": "weak",
    "risk_level": "medium",
    "home_visit": "false",
    "assessment_notes": "Disoccupato da un anno.",
}


@pytest.fixture
def social_worker(make_member):
    return make_member(Role.SOCIAL_WORKER, zone_number=2)


@pytest.fixture
def planned_case(case, operator):
    """A case whose plan was written on the case page: two goals with dates, one reached."""
    today = timezone.localdate()
    actions.update_care_plan(
        case,
        by=operator,
        summary="Recuperare l'autonomia economica",
        agreed_on=today,
        review_on=today + datetime.timedelta(days=60),
        goals=[
            {
                "description": "Trovare un lavoro",
                "due_on": today + datetime.timedelta(days=90),
                "status": "pending",
            },
            {
                "description": "Regolarizzare l'affitto",
                "due_on": today + datetime.timedelta(days=30),
                "status": "reached",
            },
        ],
        source="pagina della cartella",
    )
    return case


def plan_task(operator, social_worker, case):
    """Start the seeded taking-in-charge procedure on `case` and work it up to the plan step."""
    versions = {version.definition.slug: version for version in procedures.seed()}
    runtime.start(versions["presa-in-carico"], user=operator, case=case)
    (taking,) = runtime.queue(social_worker)
    runtime.claim(taking, social_worker)
    runtime.complete(taking, social_worker, answers={"approved": True, "note": ""})
    (assessment,) = runtime.my_tasks(social_worker)
    runtime.complete(assessment, social_worker, answers=ASSESSMENT)
    (task,) = runtime.my_tasks(social_worker)
    assert task.flow_task.name == "progetto"
    return task


def open_plan_step(client, task) -> str:
    """The wizard of the plan step, as the task page's button opens it."""
    response = client.post(reverse("workflows:fill", args=[task.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_the_plan_step_opens_with_the_case_plan(client, operator, social_worker, planned_case):
    task = plan_task(operator, social_worker, planned_case)
    client.force_login(social_worker)
    page = client.get(open_plan_step(client, task))
    form = page.context["wizard"]["form"]
    assert form["summary"].value() == "Recuperare l'autonomia economica"
    assert form["goals__0__goal"].value() == "Trovare un lavoro"
    assert form["goals__1__goal"].value() == "Regolarizzare l'affitto"
    assert form["goals__1__status"].value() == "reached"
    plan = Case.objects.get(pk=planned_case.pk).care_plan
    due = plan.goals.get(description="Trovare un lavoro").due_on
    assert form["goals__0__due_on"].value() == due.isoformat()
    assert form["review_on"].value() == plan.review_on.isoformat()


def _post_as_shown(client, url, page, *, extra_goal: str) -> None:
    """Submit the plan step keeping what it showed, with one more goal, then confirm."""
    form = page.context["wizard"]["form"]
    uuid = url.rstrip("/").rsplit("/", 1)[-1]
    rows = form.rows["goals"]
    data = {f"draft-{uuid}-current_step": "progetto", "progetto-goals__rows": str(rows + 1)}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, ""):
            data[f"progetto-{name}"] = value
    data[f"progetto-goals__{rows}__goal"] = extra_goal
    response = client.post(url, data)
    assert response.context["wizard"]["steps"].current == "review", response.context.get("form")
    response = client.post(url, {f"draft-{uuid}-current_step": "review", "review-confirm": "on"})
    assert response.status_code == 302


def test_completing_the_plan_step_keeps_the_goals_and_adds_a_version(
    client, operator, social_worker, planned_case
):
    task = plan_task(operator, social_worker, planned_case)
    client.force_login(social_worker)
    url = open_plan_step(client, task)
    _post_as_shown(client, url, client.get(url), extra_goal="Iscriversi al centro per l'impiego")

    plan = Case.objects.get(pk=planned_case.pk).care_plan
    goals = list(plan.goals.all())
    assert [goal.description for goal in goals] == [
        "Trovare un lavoro",
        "Regolarizzare l'affitto",
        "Iscriversi al centro per l'impiego",
    ]
    assert goals[0].due_on == timezone.localdate() + datetime.timedelta(days=90)
    assert goals[1].status == "reached"
    assert plan.summary == "Recuperare l'autonomia economica"

    first, second = plan.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert [goal["description"] for goal in first.goals] == [
        "Trovare un lavoro",
        "Regolarizzare l'affitto",
    ]
    assert len(second.goals) == 3
    assert second.recorded_by == social_worker
    assert "Progetto personalizzato" in second.source
    assert second.submission is not None and second.submission.subject_id == plan.case.person_id

    client.force_login(operator)
    html = client.get(reverse("casework:case", args=[planned_case.pk])).content.decode()
    assert html.count('class="plan-version"') == 2
    assert "Iscriversi al centro per l&#x27;impiego" in html
    assert "pagina della cartella" in html  # where version 1 came from


def test_a_plan_step_without_goals_in_its_answers_keeps_the_goals(operator, planned_case):
    """A procedure that passes no goals (an older questionnaire, a device) drops none."""
    plan = actions.update_care_plan(
        planned_case,
        by=operator,
        summary="Nuovo obiettivo",
        agreed_on=None,
        review_on=None,
        goals=None,
    )
    assert plan.goals.count() == 2
    assert plan.versions.count() == 2


def test_goals_given_as_text_keep_their_dates(operator, planned_case):
    """The first plan questionnaire gave goals one per line: a line naming a goal on the plan
    is that goal, with its date and status."""
    plan = actions.update_care_plan(
        planned_case,
        by=operator,
        summary="",
        agreed_on=None,
        review_on=None,
        goals=[{"description": "regolarizzare  l'affitto"}],
    )
    (goal,) = plan.goals.all()
    assert goal.status == "reached" and goal.due_on is not None
    assert CarePlanVersion.objects.filter(plan=plan).count() == 2
