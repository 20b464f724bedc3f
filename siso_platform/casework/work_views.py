"""Operator pages that change casework: accesses, cases, needs, care plans, interventions,
assignments. Each page fetches its record through `visibility` (404 outside the user's
scope) and hands the input to `actions`; the rules live there, not here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forms.views import start_draft
from siso_platform.accounts import scoping
from siso_platform.audit import log as audit
from siso_platform.people import tax_code as tc
from workflows import runtime

from . import actions, diary_views, register_lookup, visibility
from .entry_forms import (
    AccessForm,
    AssignmentForm,
    CarePlanForm,
    CloseCaseForm,
    EndAssignmentForm,
    GoalFormSet,
    IntakeForm,
    InterventionChangeForm,
    InterventionForm,
    NeedForm,
    NeedStatusForm,
    OpenCaseForm,
    PersonForm,
    RegisterAccessForm,
    apply,
)
from .form_targets import ACCESS_INTAKE, expressed_need_codes
from .models import Beneficiary, Case, NeedCategory


def _changeable_case(request, pk) -> Case:
    return get_object_or_404(
        visibility.cases(request.user, change=True).select_related("person", "household"), pk=pk
    )


def _flash_errors(request, form) -> None:
    """Errors of a small form posted from the case page, shown back there."""
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _access_or_intake(request, access, version):
    """After saving an access: on to its intake questionnaire, or to the access page."""
    if version is None:
        return redirect("casework:access", pk=access.pk)
    draft = start_draft(
        version, access.person, request.user, target=ACCESS_INTAKE, target_reference=access.pk
    )
    return redirect("forms:fill", uuid=draft.uuid)


def _register_access(request, form, person):
    data = form.cleaned_data
    return actions.register_access(
        by=request.user,
        person=person,
        **{key: data[key] for key in ("office", "date", "channel", "reason", "outcome")},
        referred_to=data["referred_to"],
    )


@permission_required("casework.add_access", raise_exception=True)
def new_access(request, person_pk):
    person = get_object_or_404(scoping.persons(request.user, change=True), pk=person_pk)
    form = AccessForm(
        request.POST or None, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        access = apply(form, lambda: _register_access(request, form, person))
        if access is not None:
            messages.success(request, _("Access registered."))
            return _access_or_intake(request, access, form.cleaned_data["intake"])
    return render(request, "casework/access_form.html", {"form": form, "person": person})


@permission_required("casework.add_access", raise_exception=True)
@permission_required("people.add_person", raise_exception=True)
def new_person(request):
    """A person met for the first time: their details and the access, saved together."""
    person_form = PersonForm(
        request.POST or None, prefix="person", initial={"tax_code": request.GET.get("code", "")}
    )
    access_form = AccessForm(
        request.POST or None,
        prefix="access",
        user=request.user,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST":
        # A tax code on the register that the zone does not follow: the register card and
        # an access with a reason (what the exact search gives), instead of a refusal.
        person_form.is_valid()
        code = person_form.cleaned_data.get("tax_code", "")
        lookup = register_lookup.look_up(request.user, code, where="registration")
        if lookup.card or lookup.paused:
            typed = {name: access_form[name].value() for name in access_form.fields}
            form = RegisterAccessForm(user=request.user, prefix="access", initial=typed)
            return _register_card_page(request, lookup, form)
    if request.method == "POST" and person_form.is_valid() and access_form.is_valid():
        with transaction.atomic():
            person = apply(
                person_form,
                lambda: actions.register_person(person_form.save(commit=False), by=request.user),
            )
            access = person and apply(
                access_form, lambda: _register_access(request, access_form, person)
            )
            if access is None:
                transaction.set_rollback(True)
        if access is not None:
            messages.success(request, _("Person and access registered."))
            return _access_or_intake(request, access, access_form.cleaned_data["intake"])
    return render(
        request,
        "casework/person_form.html",
        {"person_form": person_form, "access_form": access_form},
    )


def _register_card_page(request, lookup, form):
    context = {"lookup": lookup, "card": lookup.card, "form": form}
    return render(request, "casework/register_card.html", context)


@permission_required("casework.add_access", raise_exception=True)
def register_access(request):
    """A person found on the register by exact tax code (`?code=`), whom the user's zones do
    not follow: the card (name, birth year) and an access with the reason for needing the
    record, which brings the person into the zone. Nothing here is reached by a record id."""
    code = request.GET.get("code", "").strip()
    if not code:
        return redirect("casework:persons")
    lookup = register_lookup.look_up(request.user, code, where="register card")
    if lookup.card is None and not lookup.paused:
        followed = scoping.persons(request.user).filter(tax_code=tc.normalize(code)).first()
        if followed is not None:
            return redirect("casework:new_access", person_pk=followed.pk)
        raise Http404
    form = RegisterAccessForm(
        request.POST if request.method == "POST" and lookup.card else None,
        user=request.user,
        prefix="access",
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and lookup.card and form.is_valid():
        data = form.cleaned_data
        access = apply(
            form,
            lambda: actions.register_access_from_register(
                by=request.user,
                person=lookup.card.person,
                register_reason=data["register_reason"],
                **{key: data[key] for key in ("office", "date", "channel", "reason", "outcome")},
                referred_to=data["referred_to"],
            ),
        )
        if access is not None:
            messages.success(request, _("Access registered: your zone now follows the person."))
            return _access_or_intake(request, access, data["intake"])
    return _register_card_page(request, lookup, form)


@login_required
@permission_required("casework.view_access", raise_exception=True)
def access(request, pk):
    item = get_object_or_404(
        visibility.accesses(request.user).select_related(
            "person", "office", "recorded_by", "intake__version__definition"
        ),
        pk=pk,
    )
    audit.record("view", actor=request.user, obj=item, person=item.person, purpose=_("access read"))
    can_change = scoping.can_change_person(request.user, item.person)
    context = {
        "access": item,
        "cases": visibility.cases(request.user).filter(access=item),
        "can_change": can_change,
        "intake_form": IntakeForm() if can_change and item.intake_id is None else None,
    }
    return render(request, "casework/access.html", context)


@require_POST
@permission_required("forms.add_submission", raise_exception=True)
def access_intake(request, pk):
    item = get_object_or_404(
        visibility.accesses(request.user).filter(
            person__in=scoping.persons(request.user, change=True), intake__isnull=True
        ),
        pk=pk,
    )
    form = IntakeForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _access_or_intake(request, item, form.cleaned_data["intake"])


@permission_required("casework.add_case", raise_exception=True)
def open_case(request, pk):
    item = get_object_or_404(
        visibility.accesses(request.user)
        .filter(person__in=scoping.persons(request.user, change=True))
        .select_related("person", "office__municipality", "intake"),
        pk=pk,
    )
    initial = {"opened_on": timezone.localdate()}
    if item.intake_id:
        initial["needs"] = NeedCategory.objects.in_use().filter(
            code__in=expressed_need_codes(item.intake.answers)
        )
    form = OpenCaseForm(request.POST or None, user=request.user, access=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = apply(
            form,
            lambda: actions.open_case(
                by=request.user,
                person=item.person,
                office=data["office"],
                social_worker=data["social_worker"],
                access=item,
                opened_on=data["opened_on"],
                needs=data["needs"],
            ),
        )
        if case is not None:
            messages.success(request, _("Case opened."))
            return redirect("casework:case", pk=case.pk)
    return render(request, "casework/open_case.html", {"form": form, "access": item})


@login_required
@permission_required("casework.view_case", raise_exception=True)
def case(request, pk):
    item = get_object_or_404(
        visibility.cases(request.user).select_related(
            "person", "household", "office", "social_worker", "care_plan", "access"
        ),
        pk=pk,
    )
    # The diary and documents are read with the case: the case read's event names them.
    extras = diary_views.case_context(request.user, item)
    audit.record(
        "view",
        actor=request.user,
        obj=item,
        person=item.person,
        purpose=_("case read"),
        detail={"diary_notes": len(extras["diary_notes"])},
    )
    context = {
        **extras,
        "case": item,
        "can_change": visibility.cases(request.user, change=True).filter(pk=item.pk).exists(),
        "needs": visibility.needs(request.user).filter(case=item).select_related("category"),
        "interventions": visibility.interventions(request.user)
        .filter(case=item)
        .select_related("item", "provider", "need__category", "person", "household"),
        "goals": item.care_plan.goals.all() if hasattr(item, "care_plan") else [],
        "plan_versions": item.care_plan.versions.select_related("recorded_by")
        if hasattr(item, "care_plan")
        else [],
        "assignments": item.assignments.select_related("body"),
        "procedure_tasks": runtime.readable(
            request.user, runtime.case_tasks(item.pk).filter(status__in=runtime.OPEN)
        ),
        "need_form": NeedForm(initial={"noted_on": timezone.localdate(), "origin": "expressed"}),
        "need_status_form": NeedStatusForm(),
        "end_assignment_form": EndAssignmentForm(initial={"ends_on": timezone.localdate()}),
    }
    return render(request, "casework/case.html", context)


@require_POST
@permission_required("casework.add_need", raise_exception=True)
def add_need(request, pk):
    item = _changeable_case(request, pk)
    form = NeedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        need = apply(
            form,
            lambda: actions.add_need(
                by=request.user,
                case=item,
                category=data["category"],
                origin=data["origin"],
                notes=data["notes"],
                noted_on=data["noted_on"],
            ),
        )
        if need is not None:
            messages.success(request, _("Need noted."))
            return redirect("casework:case", pk=item.pk)
    _flash_errors(request, form)
    return redirect("casework:case", pk=item.pk)


@require_POST
@permission_required("casework.change_need", raise_exception=True)
def need_status(request, pk, need_pk):
    item = _changeable_case(request, pk)
    need = get_object_or_404(item.needs, pk=need_pk)
    form = NeedStatusForm(request.POST)
    if form.is_valid():
        actions.set_need_status(need, form.cleaned_data["status"], by=request.user)
        messages.success(request, _("Need updated."))
    return redirect("casework:case", pk=item.pk)


@require_POST
@permission_required("casework.change_assignment", raise_exception=True)
def end_assignment(request, pk, assignment_pk):
    item = _changeable_case(request, pk)
    assignment = get_object_or_404(item.assignments, pk=assignment_pk)
    form = EndAssignmentForm(request.POST)
    if form.is_valid() and apply(
        form,
        lambda: actions.end_assignment(
            assignment, by=request.user, ends_on=form.cleaned_data["ends_on"]
        ),
    ):
        messages.success(request, _("Assignment ended."))
    _flash_errors(request, form)
    return redirect("casework:case", pk=item.pk)


@permission_required("casework.change_careplan", raise_exception=True)
def care_plan(request, pk):
    item = _changeable_case(request, pk)
    plan = item.care_plan
    form = CarePlanForm(
        request.POST or None,
        initial={"summary": plan.summary, "agreed_on": plan.agreed_on, "review_on": plan.review_on},
    )
    goals = GoalFormSet(
        request.POST or None,
        prefix="goals",
        initial=[
            {"description": g.description, "due_on": g.due_on, "status": g.status}
            for g in plan.goals.all()
        ],
    )
    if request.method == "POST" and form.is_valid() and goals.is_valid():
        kept = [
            {key: goal[key] for key in ("description", "due_on", "status")}
            for goal in goals.cleaned_data
            if goal and not goal.get("DELETE") and goal.get("description")
        ]
        done = apply(
            form,
            lambda: actions.update_care_plan(
                item,
                by=request.user,
                goals=kept,
                source=_("the case page"),
                **form.cleaned_data,
            ),
        )
        if done is not None:
            messages.success(request, _("Care plan saved."))
            return redirect("casework:case", pk=item.pk)
    return render(
        request, "casework/care_plan_form.html", {"case": item, "form": form, "goals": goals}
    )


@permission_required("casework.add_intervention", raise_exception=True)
def new_intervention(request, pk):
    item = _changeable_case(request, pk)
    form = InterventionForm(
        request.POST or None,
        case=item,
        initial={"starts_on": timezone.localdate(), "beneficiary": Beneficiary.PERSON},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        beneficiary = data.pop("beneficiary")
        intervention = apply(
            form,
            lambda: actions.record_intervention(
                by=request.user,
                case=item,
                person=item.person if beneficiary != Beneficiary.HOUSEHOLD else None,
                household=item.household if beneficiary != Beneficiary.PERSON else None,
                **data,
            ),
        )
        if intervention is not None:
            messages.success(request, _("Intervention recorded."))
            return redirect("casework:case", pk=item.pk)
    return render(request, "casework/intervention_form.html", {"case": item, "form": form})


@permission_required("casework.change_intervention", raise_exception=True)
def change_intervention(request, pk):
    cases = visibility.cases(request.user, change=True)
    intervention = get_object_or_404(
        visibility.interventions(request.user)
        .filter(case__in=cases)
        .select_related("case__person", "item"),
        pk=pk,
    )
    form = InterventionChangeForm(request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        done = apply(
            form,
            lambda: actions.change_intervention(intervention, by=request.user, **changes),
        )
        if done is not None:
            messages.success(request, _("Intervention saved."))
            return redirect("casework:case", pk=intervention.case_id)
    return render(
        request,
        "casework/intervention_form.html",
        {"case": intervention.case, "form": form, "intervention": intervention},
    )


@permission_required("casework.add_assignment", raise_exception=True)
def assign(request, pk):
    item = _changeable_case(request, pk)
    form = AssignmentForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = apply(form, lambda: actions.assign_case(item, by=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("Case assigned."))
            return redirect("casework:case", pk=item.pk)
    return render(request, "casework/assign_form.html", {"case": item, "form": form})


@permission_required("casework.change_case", raise_exception=True)
def close(request, pk):
    item = _changeable_case(request, pk)
    form = CloseCaseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply(
            form,
            lambda: actions.close_case(
                item,
                by=request.user,
                closed_on=data["closed_on"],
                outcome=data["closing_outcome"],
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("Case closed."))
            return redirect("casework:case", pk=item.pk)
    return render(request, "casework/close_form.html", {"case": item, "form": form})
