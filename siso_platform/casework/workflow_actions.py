"""Casework's automatic steps for the workflow engine; each calls a function of `actions`.

Parameters arrive already evaluated over the process data (see docs/workflows.md), so a
template can pass `{"var": "esito.outcome"}` as well as a literal.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms.models import Submission
from siso_platform.accounts.models import Organisation
from siso_platform.territory.models import CitizenOffice
from workflows.flows import performer_of
from workflows.registry import ActionStep, param_date, register_action

from . import actions
from .form_targets import expressed_need_codes
from .models import Access, Case, CatalogueItem, NeedCategory
from .workflow_host import subject_person


def _case(step: ActionStep) -> Case:
    return Case.objects.get(pk=step.context["case"])


def _submission(step: ActionStep, key) -> Submission | None:
    pk = (step.process.data.get("submissions") or {}).get(key or "")
    return Submission.objects.filter(pk=pk).first() if pk else None


def register_access(step: ActionStep) -> dict:
    """params: channel, reason, outcome, referred_to, intake (the key of the intake step)."""
    params = step.params
    access = actions.register_access(
        by=step.by,
        office=CitizenOffice.objects.get(pk=step.context["office"]),
        person=subject_person(step.context),
        channel=params.get("channel") or "in_person",
        reason=params.get("reason") or "",
        outcome=params.get("outcome") or "",
        referred_to=params.get("referred_to") or "",
    )
    intake = _submission(step, params.get("intake"))
    if intake is not None:
        actions.attach_intake(access, intake, by=step.by)
    step.context["access"] = access.pk
    return {"access": access.pk}


def create_case(step: ActionStep) -> dict:
    """Open a case for the process's person at its office; params: needs (category codes),
    or intake (the key of the intake step, whose ticked need areas become expressed needs)."""
    params = step.params
    codes = params.get("needs") or []
    intake = _submission(step, params.get("intake"))
    if intake is not None:
        codes = list(codes) + expressed_need_codes(intake.answers)
    access = Access.objects.filter(pk=step.context.get("access")).first()
    case = actions.open_case(
        by=step.by,
        person=subject_person(step.context),
        office=CitizenOffice.objects.select_related("municipality").get(pk=step.context["office"]),
        access=access,
        needs=NeedCategory.objects.filter(code__in=codes),
    )
    step.context["case"] = case.pk
    return {"case": case.pk}


def assign_social_worker(step: ActionStep) -> dict:
    """params: step (the task whose performer becomes the responsible social worker)."""
    worker = performer_of(step.process, step.params["step"])
    actions.set_social_worker(_case(step), worker, by=step.by)
    return {"social_worker": worker.pk}


def _goal(row) -> dict:
    """A goal from the plan questionnaire: a row of its goals group (`goal`, `due_on`,
    `status`) or a line of text; only what the row gives is changed on the goal."""
    if not isinstance(row, dict):
        return {"description": str(row).strip()[:300]}
    goal = {"description": str(row.get("goal") or row.get("description") or "").strip()[:300]}
    if "due_on" in row:
        goal["due_on"] = param_date(row["due_on"])
    if row.get("status"):
        goal["status"] = row["status"]
    return goal


def update_care_plan(step: ActionStep) -> dict:
    """params: summary, goals (the rows of a goals group, or text with one goal per line),
    review_on, agreed_on, from_step (the key of the task whose questionnaire edited the plan).

    The plan step's questionnaire opens prefilled with the case's plan, so its answers are
    the whole plan as the social worker left it: a new version, never a blind overwrite."""
    params = step.params
    goals = params.get("goals")
    if isinstance(goals, str):
        goals = [line.strip() for line in goals.splitlines() if line.strip()]
    task_key = params.get("from_step")
    source = str(getattr(step.process.flow_class, "process_title", "") or "")
    if task_key:
        node = getattr(step.process.flow_class, task_key, None)
        title = str(getattr(node, "task_title", "") or "")
        source = f"{source}: {title}" if source and title else source or title
    plan = actions.update_care_plan(
        _case(step),
        by=step.by,
        summary=params.get("summary") or "",
        agreed_on=param_date(params.get("agreed_on")) or timezone.localdate(),
        review_on=param_date(params.get("review_on")),
        goals=None if goals is None else [_goal(row) for row in goals if _goal(row)["description"]],
        source=source or _("a procedure"),
        submission=_submission(step, task_key),
    )
    return {"review_on": plan.review_on.isoformat() if plan.review_on else None}


def record_intervention(step: ActionStep) -> dict:
    """params: item (catalogue code), starts_on, ends_on, amount, quantity; the zone provides."""
    params = step.params
    case = _case(step)
    amount, quantity = params.get("amount"), params.get("quantity")
    intervention = actions.record_intervention(
        by=step.by,
        item=CatalogueItem.objects.get(code=params["item"]),
        provider=Organisation.objects.get(zone=case.zone_id),
        case=case,
        person=case.person,
        starts_on=param_date(params.get("starts_on")) or timezone.localdate(),
        ends_on=param_date(params.get("ends_on")),
        amount=Decimal(str(amount)) if amount not in (None, "") else None,
        quantity=Decimal(str(quantity)) if quantity not in (None, "") else None,
    )
    return {"intervention": intervention.pk}


def close_case(step: ActionStep) -> dict:
    """params: outcome (a closing outcome), note."""
    actions.close_case(
        _case(step),
        by=step.by,
        closed_on=timezone.localdate(),
        outcome=step.params.get("outcome") or "",
        note=step.params.get("note") or "",
    )
    return {"closed": True}


def register():
    register_action("register_access", _("Register the access"), register_access)
    register_action("create_case", _("Open a case"), create_case)
    register_action(
        "assign_social_worker", _("Make a step's performer the social worker"), assign_social_worker
    )
    register_action("update_care_plan", _("Update the care plan"), update_care_plan)
    register_action("record_intervention", _("Record an intervention"), record_intervention)
    register_action("close_case", _("Close the case"), close_case)
