"""Operator pages of monitoring: the zone's alert inbox, screenings and eligibility checks.

Alerts and screening lists name persons: each page that shows them writes audit events.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership
from siso_platform.audit import log as audit
from siso_platform.casework import visibility
from siso_platform.people.models import HouseholdMembership
from siso_platform.territory.models import Municipality, SocialZone

from . import alerts as alert_actions
from . import eligibility as checks
from . import screening as screenings_
from .models import (
    AlertKind,
    AlertStatus,
    EligibilityCheck,
    ResultList,
    RunStatus,
    ScreeningRun,
)

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _audit_persons(user, obj, person_ids, purpose: str) -> None:
    audit.record_for_persons(
        "view", actor=user, obj=obj, persons={pk for pk in person_ids if pk}, purpose=purpose
    )


# --- alerts -------------------------------------------------------------------------------


@login_required
@permission_required("monitoring.view_alert", raise_exception=True)
def alerts(request):
    found = alert_actions.visible(request.user).select_related(
        "person", "zone", "assigned_to", "household__municipality"
    )
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "unresolved")
    if kind in AlertKind.values:
        found = found.filter(kind=kind)
    if status == "unresolved":
        found = found.unresolved()
    elif status in AlertStatus.values:
        found = found.filter(status=status)
    if request.GET.get("mine"):
        found = found.filter(assigned_to=request.user)
    page = _page(request, found)
    _audit_persons(request.user, "monitoring.alert", [a.person_id for a in page], _("alert inbox"))
    return render(
        request,
        "monitoring/alerts.html",
        {
            "page": page,
            "kinds": AlertKind.choices,
            "statuses": [("unresolved", _("not resolved")), *AlertStatus.choices],
            "kind": kind,
            "status": status,
            "mine": bool(request.GET.get("mine")),
        },
    )


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=gettext_lazy("Assign to")
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = Membership.objects.active().filter(
            Q(organisation__zone=zone)
            | Q(organisation__municipality__zone=zone)
            | Q(office__municipality__zone=zone),
            role__in=["social_worker", "operator", "zone_admin"],
        )
        self.fields["assigned_to"].queryset = (
            get_user_model()
            .objects.filter(pk__in=colleagues.values("user"))
            .order_by("last_name", "first_name")
        )
        self.fields["assigned_to"].label_from_instance = lambda u: u.get_full_name() or u.username


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Resolution reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was checked and decided. The alert will not come back."),
    )


@login_required
@permission_required("monitoring.view_alert", raise_exception=True)
def alert(request, pk):
    item = get_object_or_404(
        alert_actions.visible(request.user).select_related("person", "household", "zone"), pk=pk
    )
    assign_form = AssignForm(zone=item.zone)
    resolve_form = ResolveForm()
    if request.method == "POST":
        if not request.user.has_perm("monitoring.change_alert"):
            raise Http404
        action = request.POST.get("action")
        if action == "take":
            alert_actions.assign(item, to=request.user, by=request.user)
            return redirect("monitoring:alert", pk=item.pk)
        if action == "assign":
            assign_form = AssignForm(request.POST, zone=item.zone)
            if assign_form.is_valid():
                alert_actions.assign(
                    item, to=assign_form.cleaned_data["assigned_to"], by=request.user
                )
                return redirect("monitoring:alert", pk=item.pk)
        if action == "record_need":
            try:
                alert_actions.record_need(item, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The need is recorded on the person's record."))
            return redirect("monitoring:alert", pk=item.pk)
        if action == "resolve":
            resolve_form = ResolveForm(request.POST)
            if resolve_form.is_valid():
                try:
                    alert_actions.resolve(
                        item, reason=resolve_form.cleaned_data["resolution"], by=request.user
                    )
                except ValidationError as error:
                    resolve_form.add_error(None, error)
                else:
                    messages.success(request, _("The alert is resolved."))
                    return redirect("monitoring:alert", pk=item.pk)
    alert_actions.viewed(item, by=request.user)
    person_visible = (
        item.person_id and scoping.persons(request.user).filter(pk=item.person_id).exists()
    )
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": item,
            "person_visible": person_visible,
            "assign_form": assign_form,
            "resolve_form": resolve_form,
            "history": audit_history(item),
        },
    )


def audit_history(item):
    from siso_platform.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(object_type="monitoring.alert", object_id=str(item.pk))
        .exclude(action="view")
        .order_by("timestamp")
    )


# --- screenings -----------------------------------------------------------------------------


def _zones(user):
    scope = scoping.scope_for(user)
    zones = SocialZone.objects.order_by("number")
    return zones if scope.unrestricted else zones.filter(pk__in=scope.zone_ids)


def _runs(user):
    """Screenings of the user's zones (and their municipalities); the region's for all-seeing
    users only."""
    runs = ScreeningRun.objects.select_related("zone", "municipality", "started_by")
    if scoping.scope_for(user).unrestricted:
        return runs
    zones = _zones(user)
    return runs.filter(Q(zone__in=zones) | Q(municipality__zone__in=zones))


class ScreeningForm(forms.Form):
    territory = forms.ChoiceField(label=gettext_lazy("Territory"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if scoping.scope_for(user).unrestricted:
            choices.append(("region", _("The whole region")))
        for zone in _zones(user):
            choices.append((f"zone:{zone.pk}", str(zone)))
            for municipality in zone.municipalities.order_by("name"):
                choices.append((f"municipality:{municipality.pk}", f"— {municipality.name}"))
        self.fields["territory"].choices = choices

    def chosen(self) -> dict:
        kind, _sep, pk = self.cleaned_data["territory"].partition(":")
        if kind == "zone":
            return {"zone": SocialZone.objects.get(pk=pk)}
        if kind == "municipality":
            return {"municipality": Municipality.objects.get(pk=pk)}
        return {}


@login_required
@permission_required("monitoring.view_screeningrun", raise_exception=True)
def screenings(request):
    form = ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("monitoring.add_screeningrun"):
            raise Http404
        if form.is_valid():
            run = screenings_.start(by=request.user, **form.chosen())
            return redirect("monitoring:screening", pk=run.pk)
    return render(
        request,
        "monitoring/screenings.html",
        {"form": form, "page": _page(request, _runs(request.user))},
    )


@login_required
@permission_required("monitoring.view_screeningrun", raise_exception=True)
def screening(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    shown_list = request.GET.get("list", ResultList.LATENT)
    if shown_list not in ResultList.values:
        shown_list = ResultList.LATENT
    results = (
        run.results.filter(on_list=shown_list)
        .select_related("household__municipality", "programme", "indicator")
        .order_by("household_id", "pk")
    )
    page = _page(request, results)
    heads = dict(
        HouseholdMembership.objects.current(run.on)
        .filter(household__in=[r.household_id for r in page], relation="head")
        .values_list("household_id", "person_id")
    )
    _audit_persons(request.user, run, heads.values(), _("screening results"))
    before = screenings_.previous(run) if run.status == RunStatus.DONE else None
    lists = [
        (value, label, run.results.filter(on_list=value).count())
        for value, label in ResultList.choices
    ]
    return render(
        request,
        "monitoring/screening.html",
        {
            "run": run,
            "rows": screenings_.describe_counts(run),
            "lists": lists,
            "shown_list": shown_list,
            "page": page,
            "heads": heads,
            "previous": before,
            "changes": screenings_.compare(run, before) if before else None,
        },
    )


@login_required
@permission_required("monitoring.view_screeningrun", raise_exception=True)
def screening_progress(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "done": run.households_done,
            "total": run.households_total,
            "percent": run.progress,
            "following": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        }
    )


# --- eligibility ------------------------------------------------------------------------------


@login_required
@permission_required("casework.view_case", raise_exception=True)
def eligibility(request, pk):
    household = get_object_or_404(visibility.households(request.user), pk=pk)
    members = list(
        HouseholdMembership.objects.current()
        .filter(household=household)
        .values_list("person_id", flat=True)
    )
    if request.method == "POST":
        checks.check_household(household, by=request.user)
        audit.record_for_persons(
            "create",
            actor=request.user,
            obj=household,
            persons=members,
            purpose=_("eligibility check"),
        )
        return redirect("monitoring:eligibility", pk=household.pk)
    latest = {}
    for check in EligibilityCheck.objects.filter(household=household).select_related(
        "programme__definition", "checked_by"
    ):
        latest.setdefault(check.programme.definition_id, check)  # newest first
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj=household,
        persons=members,
        purpose=_("eligibility checks"),
    )
    return render(
        request,
        "monitoring/eligibility.html",
        {
            "household": household,
            "checks": sorted(latest.values(), key=lambda c: c.programme.title),
            "today": timezone.localdate(),
        },
    )
