"""The operator records a household's ISEE and a person's civil invalidity from the documents
(the INPS attestation, the medical board's verdict), from the household page and the social
record; the rules and the writing are `people.actions`, who may do it `people.visibility`.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.audit import log as audit
from siso_platform.people import actions as people_actions
from siso_platform.people import attestations
from siso_platform.people import visibility as people_visibility
from siso_platform.people.models import HouseholdMembership
from siso_platform.people.rules import IseeKind

from . import visibility
from .entry_forms import AmountField, DateInput, apply


class IseeForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of ISEE"),
        choices=IseeKind.choices,
        initial=IseeKind.ORDINARIO,
    )
    value = AmountField(
        label=gettext_lazy("ISEE value (euro)"),
        max_digits=9,
        decimal_places=2,
        help_text=gettext_lazy("As on the attestation, e.g. 12.345,67."),
    )
    dsu_protocol = forms.CharField(
        label=gettext_lazy("DSU protocol number"),
        max_length=40,
        help_text=gettext_lazy("E.g. INPS-ISEE-2026-00123456A-00."),
    )
    dsu_year = forms.IntegerField(label=gettext_lazy("DSU year"), min_value=1900, max_value=2999)
    issued_on = forms.DateField(label=gettext_lazy("Date of issue"), widget=DateInput())
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        widget=DateInput(),
        help_text=gettext_lazy("The last day of validity, as on the attestation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsu_year"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["dsu_protocol"].widget.attrs.update(autocomplete="off", spellcheck="false")


class InvalidityForm(forms.Form):
    percent = forms.IntegerField(
        label=gettext_lazy("Civil invalidity (%)"),
        help_text=gettext_lazy("The percentage in the verdict, from 0 to 100."),
    )
    accompanying_allowance = forms.BooleanField(
        label=gettext_lazy("Accompanying allowance"),
        required=False,
        help_text=gettext_lazy("Tick when the verdict grants the indennità di accompagnamento."),
    )
    verdict_on = forms.DateField(label=gettext_lazy("Date of the verdict"), widget=DateInput())
    revision_on = forms.DateField(
        label=gettext_lazy("Revision date"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Empty when the verdict sets no revision."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update(inputmode="numeric")


def _household_of(person, today):
    membership = (
        HouseholdMembership.objects.current(today)
        .filter(person=person)
        .select_related("household__municipality")
        .first()
    )
    return membership.household if membership else None


def isee_rows(subject, today: datetime.date) -> list[dict]:
    """The ISEE attestations of a household (or person), newest first, each with whether it
    is in effect today."""
    current = attestations.current_isee_fact(subject, on=today)
    rows = []
    for isee in attestations.isee_history(subject, on=today):
        rows.append(
            {
                "isee": isee,
                "kind_label": IseeKind(isee.kind).label if isee.kind in IseeKind.values else "",
                "in_effect": isee.current_on(today),
                "expired": isee.fact.valid_to is not None and isee.fact.valid_to <= today,
                "not_yet": isee.fact.valid_from > today,
                "general": current is not None and isee.fact.pk == current.pk,
            }
        )
    return rows


def invalidity_rows(person) -> list[dict]:
    """The person's verdicts, newest first, as `_invalidity_cells.html` shows them."""
    return [_invalidity_row(fact) for fact in attestations.invalidity_history(person)]


def _invalidity_row(fact) -> dict:
    # a replaced verdict was valid until the day before the verdict that replaced it
    value = fact.value or {}
    replaced = fact.valid_to is not None
    return {
        "fact": fact,
        "percent": value.get("civil_invalidity_percent"),
        "allowance": bool(value.get("accompanying_allowance")),
        "revision_on": attestations.day_of(value.get("revision_on")),
        "replaced": replaced,
        "valid_until": fact.valid_to - datetime.timedelta(days=1) if replaced else None,
    }


def member_invalidities(user, members, visible: set[int]) -> list[dict] | None:
    """The verdict in force of each current member the user may read (`visible`, the household
    page's own check), as {"person", "row"}; members without one are left out. None when the
    user may not read facts. One query for the whole household."""
    if not user.has_perm(people_visibility.READ):
        return None
    shown_ids = [m.person_id for m in members if m.person_id in visible]
    in_force = {}
    for fact in attestations.invalidity_facts(shown_ids).filter(valid_to__isnull=True):
        in_force.setdefault(fact.person_id, fact)  # each person's newest comes first
    return [
        {"person": m.person, "row": _invalidity_row(in_force[m.person_id])}
        for m in members
        if m.person_id in in_force
    ]


def person_context(user, person, household) -> dict:
    """What the social record shows of ISEE and civil invalidity, and who may record them."""
    if not user.has_perm(people_visibility.READ):
        return {}
    today = timezone.localdate()
    subject = household or person
    may_record = people_visibility.persons_to_record(user).filter(pk=person.pk).exists()
    return {
        "isee_rows": isee_rows(subject, today),
        "invalidities": invalidity_rows(person),
        "may_record_isee": may_record,
        "may_record_invalidity": may_record,
        "isee_url": reverse("casework:person_isee", args=[person.pk]),
        "today": today,
    }


def household_context(user, household) -> dict:
    if not user.has_perm(people_visibility.READ):
        return {}
    today = timezone.localdate()
    return {
        "isee_rows": isee_rows(household, today),
        "may_record_isee": people_visibility.households_to_record(user)
        .filter(pk=household.pk)
        .exists(),
        "isee_url": reverse("casework:household_isee", args=[household.pk]),
        "today": today,
    }


def _record_isee(request, subject, *, person=None, household=None, back):
    form = IseeForm(request.POST or None, initial={"dsu_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        done = apply(
            form, lambda: people_actions.record_isee(subject, by=request.user, **form.cleaned_data)
        )
        if done is not None:
            messages.success(
                request, _("ISEE recorded.") if done[1] else _("This ISEE was already on record.")
            )
            return back
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj=subject,
        persons=[person.pk] if person else people_actions._persons_of(subject),
        purpose=_("ISEE recording"),
    )
    return render(
        request,
        "casework/isee_form.html",
        {
            "form": form,
            "person": person,
            "household": household,
            "isee_rows": isee_rows(subject, timezone.localdate()),
        },
    )


@login_required
@permission_required(("casework.view_case", people_visibility.RECORD), raise_exception=True)
def household_isee(request, pk):
    household = get_object_or_404(
        people_visibility.households_to_record(request.user)
        & visibility.households(request.user).select_related("municipality"),
        pk=pk,
    )
    return _record_isee(
        request,
        household,
        household=household,
        back=redirect("casework:household", pk=household.pk),
    )


@login_required
@permission_required(("casework.view_case", people_visibility.RECORD), raise_exception=True)
def person_isee(request, pk):
    person = get_object_or_404(people_visibility.persons_to_record(request.user), pk=pk)
    household = _household_of(person, timezone.localdate())
    return _record_isee(
        request,
        household or person,
        person=person,
        household=household,
        back=redirect("casework:person", pk=person.pk),
    )


@login_required
@permission_required(("casework.view_case", people_visibility.RECORD), raise_exception=True)
def person_invalidity(request, pk):
    person = get_object_or_404(people_visibility.persons_to_record(request.user), pk=pk)
    form = InvalidityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: people_actions.record_invalidity(person, by=request.user, **form.cleaned_data),
        )
        if done is not None:
            messages.success(
                request,
                _("Civil invalidity recorded.")
                if done[1]
                else _("This verdict was already on record."),
            )
            return redirect("casework:person", pk=person.pk)
    audit.record(
        "view",
        actor=request.user,
        obj=person,
        person=person,
        purpose=_("civil invalidity recording"),
    )
    return render(
        request,
        "casework/invalidity_form.html",
        {
            "form": form,
            "person": person,
            "invalidities": invalidity_rows(person),
        },
    )
