"""The zone's SIUSS desk in the operators' workspace (`desk.py` decides who sees what).

The list names a person only to who may read that person, and writes one audit event per
person shown, as the other lists do; retrying a flow and downloading a bulk file are audited
too (the file when it is downloaded, since that is when its data is read: it is prepared in
the background, `bulk_files.py`). A flow or a bulk file of another zone is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from siso_platform import listing, private_files
from siso_platform.accounts import scoping
from siso_platform.audit import log as audit
from siso_platform.casework.models import CatalogueItem
from siso_platform.territory.models import Municipality, SocialZone

from . import bulk_files, rules
from . import desk as desks
from .models import BulkFile, FlowKind, FlowState

LIST_LABEL = "siuss.flow"


def _desk(request) -> desks.Desk:
    found = desks.desk_for(request.user)
    if found is None:
        raise PermissionDenied
    return found


def _municipalities(desk: desks.Desk):
    found = Municipality.objects.order_by("name")
    return found if desk.region else found.filter(zone__in=desk.zone_ids)


class DeskFilter(forms.Form):
    zone = forms.ModelChoiceField(
        queryset=SocialZone.objects.order_by("number"),
        required=False,
        label=gettext_lazy("Zone"),
        empty_label=gettext_lazy("all"),
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=gettext_lazy("Municipality"),
        empty_label=gettext_lazy("all"),
    )
    item = forms.ModelChoiceField(
        queryset=CatalogueItem.objects.order_by("code"),
        required=False,
        label=gettext_lazy("Benefit"),
        empty_label=gettext_lazy("all"),
    )
    kind = forms.ChoiceField(required=False, label=gettext_lazy("Kind"))
    state = forms.ChoiceField(required=False, label=gettext_lazy("State"))

    def __init__(self, *args, desk: desks.Desk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = _municipalities(desk)
        self.fields["item"].label_from_instance = lambda item: f"{item.code} · {item.name}"
        self.fields["kind"].choices = [("", _("all")), *FlowKind.choices]
        if desk.region:
            del self.fields["state"]  # the region reads the counts by state, not lists
        else:
            del self.fields["zone"]
            self.fields["state"].choices = [
                ("", _("all")),
                *((state.value, state.label) for state in desks.STATE_ORDER),
            ]

    def chosen(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


def _record_link(flow, person_visible: bool) -> str:
    """The page where the flow's record is fixed: the benefit (or, without a case, its
    beneficiary), or the minor's case; none for a person the user may not read."""
    if not person_visible:
        return ""
    intervention = flow.intervention
    if intervention is not None:
        if intervention.case_id:
            return reverse("casework:change_intervention", args=[intervention.pk])
        if intervention.person_id:
            return reverse("casework:person", args=[intervention.person_id])
        if intervention.household_id:
            return reverse("casework:household", args=[intervention.household_id])
        return ""
    return reverse("casework:case", args=[flow.case_id]) if flow.case_id else ""


def _rows(user, page) -> list[dict]:
    flows = list(page)
    persons = {flow.pk: desks.person_of(flow) for flow in flows}
    readable = set(
        scoping.persons(user)
        .filter(pk__in={p.pk for p in persons.values() if p is not None})
        .values_list("pk", flat=True)
    )
    rows = []
    for flow in flows:
        person = persons[flow.pk]
        visible = person is not None and person.pk in readable
        reason = flow.blocked_reason
        if flow.state == FlowState.REJECTED:
            reason = flow.outcome_description or flow.get_outcome_display()
        rows.append(
            {
                "flow": flow,
                "person": person if visible else None,
                # A reason may quote a value of the record (an XSD error): the person's own.
                "reason": reason if visible else (_("(about a person you may not read)")),
                "link": _record_link(flow, visible),
                "retry": desks.may_retry(flow),
            }
        )
    audit.record_for_persons(
        "view",
        actor=user,
        obj=LIST_LABEL,
        persons=readable,
        purpose=_("SIUSS flows of the zone"),
    )
    return rows


@login_required
def flows(request):
    desk = _desk(request)
    chosen = DeskFilter(request.GET or None, desk=desk)
    listing.styled(chosen)
    found = desks.filtered(desks.flows(desk), **chosen.chosen())
    counted = desks.filtered(
        desks.flows(desk), **{k: v for k, v in chosen.chosen().items() if k != "state"}
    )
    context = {
        "desk": desk,
        "filter": chosen,
        "by_state": desks.counts_by_state(counted),
        "by_month": desks.counts_by_month(counted),
        "states": [state.label for state in desks.STATE_ORDER],
        "bulk_form": BulkForm(desk=desk) if desk.may_download else None,
    }
    if desk.names:
        page = listing.page_of(request, desks.listed(found))
        total = page.paginator.count
        context.update(
            page=page,
            rows=_rows(request.user, page),
            count_label=listing.counted(total, _("1 flow"), _("%(count)s flows")),
        )
    return render(request, "siuss/desk.html", context)


@login_required
@require_POST
def retry(request, pk):
    desk = _desk(request)
    if not desk.names:
        raise PermissionDenied  # the region reads counts; the zones work the flows
    flow = get_object_or_404(desks.flows(desk).select_related("intervention", "case"), pk=pk)
    if not desks.may_retry(flow):
        messages.info(request, _("This flow has nothing to try again."))
        return redirect("siuss_desk:flows")
    person = desks.person_of(flow)
    result = desks.retry(flow)
    audit.record(
        "update",
        actor=request.user,
        obj=flow,
        person=person,
        purpose=_("SIUSS flow tried again"),
        detail={
            "was": flow.state,
            "now": result.state if result else "",
            "flow": result.pk if result else None,
        },
    )
    if result is None or result.state in (FlowState.REJECTED, FlowState.ACCEPTED):
        messages.info(request, _("Nothing is to be sent to INPS for this record now."))
    elif result.state == FlowState.BLOCKED:
        messages.warning(
            request, _("The flow is still blocked: %(reason)s") % {"reason": result.blocked_reason}
        )
    else:
        messages.success(
            request, _("The flow is ready to send: %(id)s.") % {"id": result.id_flusso}
        )
    back = reverse("siuss_desk:flows")
    query = request.POST.get("query", "")
    return redirect(f"{back}?{query}" if query and "/" not in query else back)


# The bulk file --------------------------------------------------------------------------------


class BulkForm(forms.Form):
    ente = forms.ChoiceField(label=gettext_lazy("Ente"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FlowKind.choices)
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, desk: desks.Desk, **kwargs):
        super().__init__(*args, **kwargs)
        # the entes that send the user's zones' flows: a zone acting for its municipalities
        # (its INPS code), or each municipality (its cadastral code); labels are their names
        self.fields["ente"].choices = rules.entes(desk.bulk_zone_ids)
        listing.styled(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("A file covers one year at most."))
        return data


RECENT_BULK_FILES = 10


def _may_download(request) -> desks.Desk:
    desk = _desk(request)
    if not desk.may_download:
        raise PermissionDenied  # the file names every beneficiary: zone administrators only
    return desk


def _bulk_files(request):
    """The bulk files of the user's zones (a zone administrator's); nobody else's: 404."""
    found = desks.desk_for(request.user)
    zones = found.bulk_zone_ids if found is not None else frozenset()
    return BulkFile.objects.filter(zone__in=zones).select_related("zone", "requested_by")


@login_required
def bulk(request):
    desk = _may_download(request)
    form = BulkForm(request.POST or None, desk=desk)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data
        zone = bulk_files.zone_of(chosen["ente"], desk.bulk_zone_ids)
        if zone is None:  # an ente of the user's zones a moment ago: not expected
            raise Http404
        made = bulk_files.request(
            by=request.user,
            zone=zone,
            ente_code=chosen["ente"],
            kind=chosen["kind"],
            start=chosen["start"],
            end=chosen["end"],
        )
        return redirect("siuss_desk:bulk_file", pk=made.pk)
    names = dict(rules.entes(desk.bulk_zone_ids))
    recent = list(_bulk_files(request)[:RECENT_BULK_FILES])
    for made in recent:
        made.ente_name = names.get(made.ente_code, made.ente_code)
    return render(request, "siuss/desk_bulk.html", {"form": form, "recent": recent})


@login_required
def bulk_file(request, pk):
    made = get_object_or_404(_bulk_files(request), pk=pk)
    made.ente_name = dict(rules.entes([made.zone_id])).get(made.ente_code, made.ente_code)
    return render(
        request,
        "siuss/desk_bulk_file.html",
        {
            "made": made,
            "following": made.state in bulk_files.FOLLOWED,
            "available": bulk_files.available(made),
            "available_until": bulk_files.available_until(made),
        },
    )


@login_required
def bulk_file_progress(request, pk):
    made = get_object_or_404(_bulk_files(request), pk=pk)
    return JsonResponse(
        {
            "state": made.state,
            "state_label": made.get_state_display(),
            "written": made.written,
            "total": made.total,
            "percent": made.progress,
            "following": made.state in bulk_files.FOLLOWED,
        }
    )


@login_required
def bulk_file_download(request, pk):
    made = get_object_or_404(_bulk_files(request), pk=pk)
    if not bulk_files.available(made):
        raise Http404  # not ready yet, nothing in it, failed, or deleted after its week
    selected = bulk_files.flows_in(made)
    _audit_download(request, made.name, selected)
    stamp = timezone.localtime(made.requested_at).strftime("%Y%m%d")
    return private_files.download(made.file, filename=f"{made.name}-{stamp}.xml")


def _audit_download(request, name: str, selected) -> None:
    """The file's data is read now: one event for the file, one per person in it."""
    detail = {"file": name, "flows": [flow.id_flusso for flow in selected]}
    purpose = _("SIUSS bulk file for INPS's web upload")
    audit.record(
        "export",
        actor=request.user,
        obj="siuss.bulk_file",
        purpose=purpose,
        detail={**detail, "count": len(selected)},
    )
    persons = {person.pk for flow in selected if (person := desks.person_of(flow)) is not None}
    audit.record_for_persons(
        "export",
        actor=request.user,
        obj="siuss.bulk_file",
        persons=persons,
        purpose=purpose,
        detail={"file": name},
    )
