"""Operator pages of monitoring: the zone's alert inbox, screenings and eligibility checks.

Alerts and screening lists name persons: each page that shows them writes audit events.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siso_platform import exports, listing
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership
from siso_platform.audit import log as audit
from siso_platform.casework import visibility
from siso_platform.people.models import HouseholdMembership
from siso_platform.territory.models import Municipality, SocialZone

from . import alerts as alert_actions
from . import eligibility as checks
from . import lists
from . import screening as screenings_
from .models import (
    EligibilityCheck,
    ResultList,
    RunStatus,
    ScreeningRun,
)


def _audit_persons(user, obj, person_ids, purpose: str) -> None:
    audit.record_for_persons(
        "view", actor=user, obj=obj, persons={pk for pk in person_ids if pk}, purpose=purpose
    )


# --- alerts -------------------------------------------------------------------------------


def _municipalities(user):
    scope = scoping.scope_for(user)
    found = Municipality.objects.order_by("name")
    return found if scope.unrestricted else found.filter(zone__in=scope.zone_ids)


@login_required
@permission_required("monitoring.view_alert", raise_exception=True)
def alerts(request):
    visible = alert_actions.visible(request.user)
    chosen = lists.AlertFilter(
        request.GET, visible, user=request.user, municipalities=_municipalities(request.user)
    )
    listing.styled(chosen.form)
    found = chosen.qs
    sort, view = chosen.choice("sort"), chosen.choice("view")
    fmt = exports.requested(request)
    if fmt:
        rows = lists.sorted_alerts(found, sort).select_related(
            "person", "household__municipality", "assigned_to"
        )
        return exports.response(
            request,
            fmt,
            name="segnalazioni",
            title=_("Alerts"),
            columns=lists.ALERT_COLUMNS,
            rows=rows,
            list_label="monitoring.alerts",
            persons=lambda rows: [a.person_id for a in rows],
        )
    if view == lists.FLAT:
        page = listing.page_of(
            request,
            lists.sorted_alerts(found, sort).select_related(
                "person", "zone", "assigned_to", "household__municipality"
            ),
        )
        shown, groups = list(page), None
    else:
        page = listing.page_of(request, lists.group_rows(found, sort))
        groups = lists.groups_of(found, page)
        shown = [alert for group in groups for alert in group.alerts]
    _audit_persons(request.user, "monitoring.alert", [a.person_id for a in shown], _("alert inbox"))
    total = found.count()
    return render(
        request,
        "monitoring/alerts.html",
        {
            "filter": chosen,
            "page": page,
            "groups": groups,
            "total": total,
            "count_label": listing.counted(total, _("1 alert"), _("%(count)s alerts")),
            "groups_label": listing.counted(
                page.paginator.count, _("in 1 group"), _("in %(count)s groups")
            ),
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


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=RunStatus.choices, empty_label=gettext_lazy("all")
    )

    class Meta:
        model = ScreeningRun
        fields = []


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
    chosen = RunFilter(request.GET, queryset=_runs(request.user))
    listing.styled(chosen.form)
    listing.styled(form)
    page = listing.page_of(request, chosen.qs)
    total = page.paginator.count
    return render(
        request,
        "monitoring/screenings.html",
        {
            "form": form,
            "filter": chosen,
            "page": page,
            "count_label": listing.counted(total, _("1 screening"), _("%(count)s screenings")),
        },
    )


def names_shown(user) -> bool:
    """The zone's own staff read the households on a screening's lists by name; a user who
    sees the whole region (no zone of their own) reads counts by municipality instead."""
    scope = scoping.scope_for(user)
    return not scope.unrestricted and bool(scope.zone_ids)


def _heads(user, run, results) -> dict:
    """The person heading each of these households on the run's day, among the persons the
    user may read."""
    by_household = dict(
        HouseholdMembership.objects.current(run.on)
        .filter(household__in={r.household_id for r in results}, relation="head")
        .values_list("household_id", "person_id")
    )
    readable = scoping.persons(user).filter(pk__in=by_household.values()).in_bulk()
    return {
        household: readable[person]
        for household, person in by_household.items()
        if person in readable
    }


def _run_municipalities(run):
    found = Municipality.objects.order_by("name")
    if run.municipality_id:
        return found.filter(pk=run.municipality_id)
    if run.zone_id:
        return found.filter(zone_id=run.zone_id)
    return found


@login_required
@permission_required("monitoring.view_screeningrun", raise_exception=True)
def screening(request, pk):
    run = get_object_or_404(_runs(request.user), pk=pk)
    chosen = lists.ResultFilter(
        request.GET,
        run.results.select_related("household__municipality", "programme", "indicator"),
        run=run,
        municipalities=_run_municipalities(run),
    )
    listing.styled(chosen.form)
    results = chosen.qs
    named = names_shown(request.user)
    fmt = exports.requested(request)
    if fmt and named:
        rows = list(results)
        heads = _heads(request.user, run, rows)
        return exports.response(
            request,
            fmt,
            name=f"screening-{run.pk}",
            title=_("Screening"),
            columns=lists.result_columns(heads),
            rows=rows,
            list_label="monitoring.screening_results",
            persons=lambda rows: [p.pk for p in heads.values()],
        )
    if fmt:
        return exports.response(
            request,
            fmt,
            name=f"screening-{run.pk}",
            title=_("Screening"),
            columns=lists.COUNT_COLUMNS,
            rows=lists.counts_by_municipality(results),
            list_label="monitoring.screening_counts",
        )
    page, heads, counts = None, {}, None
    if named:
        page = listing.page_of(request, results)
        heads = _heads(request.user, run, page)
        for result in page:
            result.head = heads.get(result.household_id)
        _audit_persons(request.user, run, [p.pk for p in heads.values()], _("screening results"))
        total = page.paginator.count
    else:
        counts = list(lists.counts_by_municipality(results))
        total = sum(row["households"] for row in counts)
    before = screenings_.previous(run) if run.status == RunStatus.DONE else None
    shown_list = chosen.form.cleaned_data.get("list") if chosen.form.is_valid() else None
    lists_ = [
        (value, label, run.results.filter(on_list=value).count())
        for value, label in ResultList.choices
    ]
    return render(
        request,
        "monitoring/screening.html",
        {
            "run": run,
            "rows": screenings_.describe_counts(run),
            "lists": lists_,
            "shown_list": shown_list or ResultList.LATENT,
            "filter": chosen,
            "named": named,
            "page": page,
            "heads": heads,
            "counts": counts,
            "count_label": listing.counted(
                total, _("1 household on the list"), _("%(count)s households on the list")
            ),
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
