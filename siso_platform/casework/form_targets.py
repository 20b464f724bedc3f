"""Questionnaires filled for casework records: the intake of an access, and the prefill
sources a procedure step about a case reads (the care plan, shown to edit, never retyped)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forms import registry

from . import actions
from .models import Access

ACCESS_INTAKE = "casework.access_intake"
# An intake field with this key, answered with need-category codes, preselects the needs of
# the case opened from the access.
NEED_AREAS_FIELD = "need_areas"


def expressed_need_codes(answers: dict) -> list[str]:
    codes = answers.get(NEED_AREAS_FIELD) or []
    return [code for code in codes if isinstance(code, str)] if isinstance(codes, list) else []


def _attach_intake(submission, reference: str, user) -> str:
    access = Access.objects.get(pk=int(reference))
    actions.attach_intake(access, submission, by=user)
    return reverse("casework:access", args=[access.pk])


def _plan(case):
    return getattr(case, "care_plan", None)


def plan_goals(case) -> list[dict]:
    """The plan's goals in the shape of the plan questionnaire's goals group."""
    plan = _plan(case)
    if plan is None:
        return []
    return [
        {
            "goal": goal.description,
            "due_on": goal.due_on.isoformat() if goal.due_on else None,
            "status": goal.status,
        }
        for goal in plan.goals.all()
    ]


def _plan_date(name):
    def resolve(case):
        value = getattr(_plan(case), name, None)
        return value.isoformat() if value else None

    return resolve


def register() -> None:
    registry.register_target(ACCESS_INTAKE, _attach_intake)
    registry.register_prefill(
        "case.plan.summary",
        _("care plan: overall objective"),
        lambda case: getattr(_plan(case), "summary", None),
        needs="case",
    )
    registry.register_prefill(
        "case.plan.goals", _("care plan: goals, with dates and status"), plan_goals, needs="case"
    )
    registry.register_prefill(
        "case.plan.agreed_on", _("care plan: agreed on"), _plan_date("agreed_on"), needs="case"
    )
    registry.register_prefill(
        "case.plan.review_on", _("care plan: review date"), _plan_date("review_on"), needs="case"
    )
